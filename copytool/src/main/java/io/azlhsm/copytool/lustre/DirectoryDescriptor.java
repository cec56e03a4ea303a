package io.azlhsm.copytool.lustre;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;

/**
 * A directory held open by descriptor, and the {@code *at} calls that reach its entries through it and never through
 * a path: {@code openat} of a child with {@code O_DIRECTORY|O_NOFOLLOW} (a symlink or a file in its place is refused
 * with ELOOP or ENOTDIR, never followed), {@code mkdirat}, {@code fchmod}.
 *
 * <p>A path-taking call (llapi_hsm_import, lstat, unlink, symlink, lsetxattr) reaches an entry through
 * {@link #entry(String)}: {@code /proc/self/fd/<fd>/<name>}. The kernel resolves {@code /proc/self/fd/<fd>} to the
 * open directory itself (a "magic link": it jumps to the descriptor's dentry and never looks a name up again), so no
 * directory above the entry can be swapped for a symlink between the check and the call; only the last name is
 * looked up, as with any {@code *at} call on the descriptor. (Linux's procfs, mounted on every client.)
 *
 * <p>A directory moved elsewhere after it was opened stays the one reached (as with any {@code *at} call): entries
 * land in that very directory, never in one the mover chose.
 */
public final class DirectoryDescriptor implements AutoCloseable {
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    /** O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC for this machine (the first two differ on aarch64). */
    private static final int OPEN_DIRECTORY = openDirectoryFlags(System.getProperty("os.arch"));

    private final int fd;
    private final String described;
    private boolean closed;

    private DirectoryDescriptor(int fd, String described) {
        this.fd = fd;
        this.described = described;
    }

    /**
     * Opens a directory by path, refusing a symlink as its last component.
     *
     * @throws NoSuchFileException when it does not exist
     * @throws NotADirectoryException when it is a symlink or not a directory
     * @throws IOException naming the path and errno otherwise
     */
    public static DirectoryDescriptor open(Path directory) throws IOException {
        int fd = LIBC.open(cString(directory.toString()), OPEN_DIRECTORY);
        if (fd < 0) {
            int errno = RUNTIME.getLastError();
            if (errno == Errno.ELOOP || errno == Errno.ENOTDIR) {
                throw new NotADirectoryException(directory.toString(), isSymlink(directory));
            }
            throw failure("open", directory.toString(), errno);
        }
        return new DirectoryDescriptor(fd, directory.toString());
    }

    /**
     * Opens the child directory {@code name} (one path segment) through this descriptor, never following a symlink.
     *
     * @param described how errors name the child (e.g. its path below the import target)
     * @throws NoSuchFileException when there is no such entry
     * @throws NotADirectoryException when the entry is a symlink or not a directory
     */
    public DirectoryDescriptor openChild(String name, String described) throws IOException {
        int child = LIBC.openat(fd, segment(name), OPEN_DIRECTORY);
        if (child < 0) {
            int errno = RUNTIME.getLastError();
            if (errno == Errno.ELOOP || errno == Errno.ENOTDIR) {
                // With O_DIRECTORY the kernel answers ENOTDIR for a symlink too: look at what it is (not followed).
                throw new NotADirectoryException(described, isSymlink(entry(name)));
            }
            throw failure("openat", described, errno);
        }
        return new DirectoryDescriptor(child, described);
    }

    /** A second descriptor of this same directory, closed on its own. */
    public DirectoryDescriptor reopen() throws IOException {
        int again = LIBC.openat(fd, cString("."), OPEN_DIRECTORY);
        if (again < 0) {
            throw failure("openat .", described, RUNTIME.getLastError());
        }
        return new DirectoryDescriptor(again, described);
    }

    /**
     * Creates the child directory {@code name} through this descriptor.
     *
     * @throws FileAlreadyExistsException when the name exists, whatever it is
     */
    public void makeChild(String name, int mode, String described) throws IOException {
        if (LIBC.mkdirat(fd, segment(name), mode) != 0) {
            int errno = RUNTIME.getLastError();
            if (errno == Errno.EEXIST) {
                throw new FileAlreadyExistsException(described);
            }
            throw failure("mkdirat", described, errno);
        }
    }

    /** Sets this directory's mode (bits 07777), untouched by the umask. */
    public void chmod(int mode) throws IOException {
        if (LIBC.fchmod(fd, mode) != 0) {
            throw failure("fchmod", described, RUNTIME.getLastError());
        }
    }

    /**
     * The path that reaches entry {@code name} of this directory through its descriptor, for calls that take a path
     * (valid while this stays open).
     */
    public Path entry(String name) {
        segment(name);
        return Path.of("/proc/self/fd/" + fd + "/" + name);
    }

    /** The file descriptor (valid while this stays open). */
    public int fd() {
        return fd;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LIBC.close(fd);
        }
    }

    @Override
    public String toString() {
        return "directory fd " + fd + " (" + described + ")";
    }

    private static boolean isSymlink(Path path) {
        return Files.isSymbolicLink(path);
    }

    /** A symlink or another kind of file stands where a directory was expected; it was not followed. */
    public static final class NotADirectoryException extends IOException {
        private final boolean symlink;

        NotADirectoryException(String described, boolean symlink) {
            super(described + " exists and is not a directory" + (symlink ? " (a symlink, never followed)" : ""));
            this.symlink = symlink;
        }

        public boolean symlink() {
            return symlink;
        }
    }

    /** One NUL-terminated path segment: a '/' or a NUL in it would reach another entry, so neither is allowed. */
    private static byte[] segment(String name) {
        if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("not a single path segment: '" + name + "'");
        }
        return cString(name);
    }

    private static byte[] cString(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8); // whatever the JVM's locale
        return Arrays.copyOf(utf8, utf8.length + 1);
    }

    private static IOException failure(String call, String described, int errno) {
        if (errno == Errno.ENOENT) {
            return new NoSuchFileException(described, null, call);
        }
        return new IOException(call + " " + described + ": " + Errno.name(errno));
    }

    /** O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC on the architecture {@code arch}. */
    static int openDirectoryFlags(String arch) {
        OpenFlags flags = OpenFlags.of(arch);
        return flags.directory() | flags.noFollow() | OpenFlags.O_CLOEXEC;
    }

    /** The libc calls used here; each returns -1 and sets errno on failure. */
    public interface LibC {
        int open(@In byte[] path, int flags);

        int openat(int dirfd, @In byte[] path, int flags);

        int mkdirat(int dirfd, @In byte[] path, int mode);

        int fchmod(int fd, int mode);

        int close(int fd);
    }
}
