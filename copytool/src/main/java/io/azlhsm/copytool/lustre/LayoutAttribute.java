package io.azlhsm.copytool.lustre;

import java.util.Arrays;
import java.util.Optional;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * A file's layout read and set through an open descriptor, with libc's {@code fgetxattr} and {@code fsetxattr} of
 * {@value FileLayout#XATTR}: what lhsmtool_posix does on the archive's source (ct_save_stripe) and on the restore's
 * volatile file (ct_restore_stripe). On the descriptor, not by path: the volatile file has no name.
 */
public final class LayoutAttribute {
    /** XATTR_SIZE_MAX: no layout is larger. */
    private static final int MAX_SIZE = 65536;
    /** XATTR_CREATE, as lhsmtool_posix sets it. */
    private static final int XATTR_CREATE = 1;
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    private static final byte[] NAME = cString(FileLayout.XATTR);

    private LayoutAttribute() {
    }

    /**
     * The layout of the file open at fd, as getxattr returns it.
     *
     * @param subject names the file in an error
     * @return empty when the file has none (ENODATA: created with O_LOV_DELAY_CREATE and not yet given one)
     * @throws ExtendedAttributeException for any other errno (EOPNOTSUPP: not on a Lustre mount)
     */
    public static Optional<byte[]> read(int fd, String subject) throws ExtendedAttributeException {
        byte[] buffer = new byte[MAX_SIZE];
        long n = LIBC.fgetxattr(fd, NAME, buffer, buffer.length);
        if (n < 0) {
            int errno = RUNTIME.getLastError();
            if (errno == Errno.ENODATA) {
                return Optional.empty();
            }
            throw new ExtendedAttributeException("fgetxattr", subject, FileLayout.XATTR, errno);
        }
        return Optional.of(Arrays.copyOf(buffer, (int) n));
    }

    /**
     * Gives the file open at fd this layout. Lustre applies it only to a file that has no layout yet (opened with
     * O_LOV_DELAY_CREATE); on one that has a layout the call succeeds and changes nothing (llite/xattr.c
     * ll_setstripe_ea ignores the MDT's EEXIST).
     *
     * @param subject the file, for the message of a failure only (naming it may cost a fid2path)
     * @throws ExtendedAttributeException with the errno the MDT gave, e.g. EINVAL for a layout it does not accept
     */
    public static void set(int fd, FileLayout layout, java.util.function.Supplier<String> subject)
            throws ExtendedAttributeException {
        byte[] value = layout.bytes();
        if (LIBC.fsetxattr(fd, NAME, value, value.length, XATTR_CREATE) != 0) {
            int errno = RUNTIME.getLastError();
            throw new ExtendedAttributeException("fsetxattr", subject.get(), FileLayout.XATTR, errno);
        }
    }

    private static byte[] cString(String text) {
        byte[] ascii = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return Arrays.copyOf(ascii, ascii.length + 1);
    }

    /** The libc calls used here; each returns -1 and sets errno on failure. */
    public interface LibC {
        @ssize_t long fgetxattr(int fd, @In byte[] name, @Out byte[] value, @size_t long size);

        int fsetxattr(int fd, @In byte[] name, @In byte[] value, @size_t long size, int flags);
    }
}
