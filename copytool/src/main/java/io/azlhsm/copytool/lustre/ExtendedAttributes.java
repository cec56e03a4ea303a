package io.azlhsm.copytool.lustre;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Extended attributes of files on the Lustre mount in any namespace, through libc's {@code lgetxattr},
 * {@code lsetxattr} and {@code lremovexattr} (never following a symlink), or through a descriptor an action holds.
 *
 * <p>The copytool keeps what it trusts in {@code trusted.*}: only root (CAP_SYS_ADMIN) can read or write it, so a
 * file's owner cannot forge or remove it, and a Lustre client allows it on every mount, while {@code user.*} needs
 * {@code -o user_xattr}, which is not a default. Java's {@code UserDefinedFileAttributeView} reaches only
 * {@code user.*}, hence this binding. Paths and names cross as UTF-8 bytes whatever the JVM's locale (jnr-ffi would
 * encode a {@code String} with the default charset, US-ASCII under a C locale).
 */
public final class ExtendedAttributes {
    /** A value any of our attributes fits in; a larger one is read after asking its size. */
    private static final int FIRST_READ = 8192;
    private static final int XATTR_REPLACE_OR_CREATE = 0;
    /** setxattr(2)'s XATTR_CREATE: fail with EEXIST rather than replace. */
    private static final int XATTR_CREATE = 1;
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private ExtendedAttributes() {
    }

    /**
     * The attribute's value: one {@code lgetxattr} for a value up to 8 KiB.
     *
     * @return empty when the file has no such attribute (ENODATA; also what the kernel answers a caller without
     *         CAP_SYS_ADMIN about a {@code trusted.*} name)
     * @throws NoSuchFileException when the file does not exist
     * @throws ExtendedAttributeException for any other errno, e.g. EOPNOTSUPP for {@code user.*} on a Lustre mount
     *                                    without {@code user_xattr}
     */
    public static Optional<byte[]> get(Path file, String name) throws IOException {
        return get(file, name, false);
    }

    /**
     * The attribute's value of a file held by an {@code O_PATH} descriptor, read through its {@code /proc/self/fd}
     * link with {@code getxattr} (which follows that link to the file; {@code lgetxattr} would read the link's own):
     * as {@link #get(Path, String)}, without a lookup of the file's name.
     */
    public static Optional<byte[]> get(HeldFile held, String name) throws IOException {
        return get(held.path(), name, true);
    }

    private static Optional<byte[]> get(Path file, String name, boolean follow) throws IOException {
        byte[] path = cString(file.toString());
        byte[] attribute = cString(name);
        byte[] buffer = new byte[FIRST_READ];
        String call = follow ? "getxattr" : "lgetxattr";
        while (true) {
            long n = follow ? LIBC.getxattr(path, attribute, buffer, buffer.length)
                    : LIBC.lgetxattr(path, attribute, buffer, buffer.length);
            if (n >= 0) {
                return Optional.of(Arrays.copyOf(buffer, (int) n));
            }
            int errno = RUNTIME.getLastError();
            if (errno == Errno.ENODATA) {
                return Optional.empty();
            }
            if (errno != Errno.ERANGE) {
                throw failure(call, file, name, errno);
            }
            long size = follow ? LIBC.getxattr(path, attribute, null, 0) : LIBC.lgetxattr(path, attribute, null, 0);
            if (size < 0) {
                int sizeErrno = RUNTIME.getLastError();
                if (sizeErrno == Errno.ENODATA) {
                    return Optional.empty();
                }
                throw failure(call, file, name, sizeErrno);
            }
            buffer = new byte[(int) Math.max(size, buffer.length + 1L)]; // it may grow again before the next read
        }
    }

    /**
     * The attribute's value read through an open descriptor (the file an action is copying, whatever its path is
     * now): as {@link #get(Path, String)}, with {@code fgetxattr}.
     *
     * @param subject names the file in an error
     * @return empty when the file has no such attribute (ENODATA)
     * @throws ExtendedAttributeException for any other errno
     */
    public static Optional<byte[]> get(int fd, String subject, String name) throws ExtendedAttributeException {
        byte[] attribute = cString(name);
        byte[] buffer = new byte[FIRST_READ];
        while (true) {
            long n = LIBC.fgetxattr(fd, attribute, buffer, buffer.length);
            if (n >= 0) {
                return Optional.of(Arrays.copyOf(buffer, (int) n));
            }
            int errno = RUNTIME.getLastError();
            if (errno == Errno.ENODATA) {
                return Optional.empty();
            }
            if (errno != Errno.ERANGE) {
                throw new ExtendedAttributeException("fgetxattr", subject, name, errno);
            }
            long size = LIBC.fgetxattr(fd, attribute, null, 0);
            if (size < 0) {
                int sizeErrno = RUNTIME.getLastError();
                if (sizeErrno == Errno.ENODATA) {
                    return Optional.empty();
                }
                throw new ExtendedAttributeException("fgetxattr", subject, name, sizeErrno);
            }
            buffer = new byte[(int) Math.max(size, buffer.length + 1L)];
        }
    }

    /** Creates or replaces the attribute. */
    public static void set(Path file, String name, byte[] value) throws IOException {
        if (LIBC.lsetxattr(cString(file.toString()), cString(name), value, value.length, XATTR_REPLACE_OR_CREATE)
                != 0) {
            throw failure("lsetxattr", file, name, RUNTIME.getLastError());
        }
    }

    /**
     * Creates or replaces the attribute through an open descriptor (the file an action is copying, whatever its path
     * is now), with {@code fsetxattr}: no lookup of a name.
     *
     * @param subject names the file in an error
     */
    public static void set(int fd, String subject, String name, byte[] value) throws ExtendedAttributeException {
        if (LIBC.fsetxattr(fd, cString(name), value, value.length, XATTR_REPLACE_OR_CREATE) != 0) {
            throw new ExtendedAttributeException("fsetxattr", subject, name, RUNTIME.getLastError());
        }
    }

    /**
     * Creates the attribute through an open descriptor unless the file has it already ({@code fsetxattr} with
     * {@code XATTR_CREATE}, which Lustre's MDT honours): whether it was absent and the check and the write are one
     * request, where a read first would be two and would leave a window between them.
     *
     * @param subject names the file in an error
     * @return false when the file had the attribute already (EEXIST): nothing was written
     */
    public static boolean create(int fd, String subject, String name, byte[] value)
            throws ExtendedAttributeException {
        if (LIBC.fsetxattr(fd, cString(name), value, value.length, XATTR_CREATE) == 0) {
            return true;
        }
        int errno = RUNTIME.getLastError();
        if (errno == Errno.EEXIST) {
            return false;
        }
        throw new ExtendedAttributeException("fsetxattr", subject, name, errno);
    }

    /**
     * Removes the attribute.
     *
     * @return false when the file had no such attribute
     */
    public static boolean remove(Path file, String name) throws IOException {
        if (LIBC.lremovexattr(cString(file.toString()), cString(name)) == 0) {
            return true;
        }
        int errno = RUNTIME.getLastError();
        if (errno == Errno.ENODATA) {
            return false;
        }
        throw failure("lremovexattr", file, name, errno);
    }

    /**
     * Removes the attribute through an open descriptor, with {@code fremovexattr}: no lookup of a name.
     *
     * @param subject names the file in an error
     * @return false when the file had no such attribute
     */
    public static boolean remove(int fd, String subject, String name) throws ExtendedAttributeException {
        if (LIBC.fremovexattr(fd, cString(name)) == 0) {
            return true;
        }
        int errno = RUNTIME.getLastError();
        if (errno == Errno.ENODATA) {
            return false;
        }
        throw new ExtendedAttributeException("fremovexattr", subject, name, errno);
    }

    /**
     * Creates or replaces the attribute of a held file through its {@code /proc/self/fd} link ({@code setxattr},
     * following it): no lookup of the file's name.
     */
    public static void set(HeldFile held, String name, byte[] value) throws IOException {
        if (LIBC.setxattr(cString(held.path().toString()), cString(name), value, value.length,
                XATTR_REPLACE_OR_CREATE) != 0) {
            throw new ExtendedAttributeException("setxattr", held.described(), name, RUNTIME.getLastError());
        }
    }

    /**
     * Removes the attribute of a held file through its {@code /proc/self/fd} link ({@code removexattr}, following
     * it): no lookup of the file's name.
     *
     * @return false when the file had no such attribute
     */
    public static boolean remove(HeldFile held, String name) throws IOException {
        if (LIBC.removexattr(cString(held.path().toString()), cString(name)) == 0) {
            return true;
        }
        int errno = RUNTIME.getLastError();
        if (errno == Errno.ENODATA) {
            return false;
        }
        throw new ExtendedAttributeException("removexattr", held.described(), name, errno);
    }

    private static IOException failure(String call, Path file, String name, int errno) {
        if (errno == Errno.ENOENT) {
            return new NoSuchFileException(file.toString(), null, call + " " + name);
        }
        return new ExtendedAttributeException(call, file, name, errno);
    }

    private static byte[] cString(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, utf8.length + 1);
    }

    /** The libc calls used here; each returns -1 and sets errno on failure. */
    public interface LibC {
        @ssize_t long lgetxattr(@In byte[] path, @In byte[] name, @Out byte[] value, @size_t long size);

        @ssize_t long fgetxattr(int fd, @In byte[] name, @Out byte[] value, @size_t long size);

        int lsetxattr(@In byte[] path, @In byte[] name, @In byte[] value, @size_t long size, int flags);

        int fsetxattr(int fd, @In byte[] name, @In byte[] value, @size_t long size, int flags);

        int lremovexattr(@In byte[] path, @In byte[] name);

        int fremovexattr(int fd, @In byte[] name);

        @ssize_t long getxattr(@In byte[] path, @In byte[] name, @Out byte[] value, @size_t long size);

        int setxattr(@In byte[] path, @In byte[] name, @In byte[] value, @size_t long size, int flags);

        int removexattr(@In byte[] path, @In byte[] name);
    }
}
