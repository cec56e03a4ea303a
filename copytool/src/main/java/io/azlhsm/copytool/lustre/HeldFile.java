package io.azlhsm.copytool.lustre;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;

/**
 * A file held by an {@code O_PATH} descriptor, so that several calls about it look its name up once: a RESTORE reads
 * the file's archive record and size before the data moves and clears its failure note at the end, by
 * {@code .lustre/fid/<FID>}, each path walk a lookup on the MDS (a FUSE LOOKUP in the simulator).
 *
 * <p>An {@code O_PATH} open only looks the name up: the file system's open is not called (no open on the MDS, no
 * data touched, a released file stays released), and the descriptor allows no I/O. Calls reach the file through
 * {@link #path()}, {@code /proc/self/fd/<fd>}: a "magic link" the kernel resolves to the held dentry itself,
 * whatever the file's names are by then. Those calls must follow that link (stat, getxattr), which the
 * {@code l*xattr} calls would not. (Linux's procfs, mounted on every client.)
 */
public final class HeldFile implements AutoCloseable {
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    /** O_PATH | O_NOFOLLOW | O_CLOEXEC for this machine (O_NOFOLLOW differs on aarch64). */
    private static final int OPEN_PATH = openPathFlags(System.getProperty("os.arch"));

    private final int fd;
    private final Path path;
    private final String described;
    private boolean closed;

    private HeldFile(int fd, String described) {
        this.fd = fd;
        this.path = Path.of("/proc/self/fd/" + fd);
        this.described = described;
    }

    /**
     * Holds the file at {@code file}, its last component not followed (a symlink is held as the symlink).
     *
     * @param described names the file in errors (its FID)
     * @throws NoSuchFileException when it does not exist
     */
    public static HeldFile open(Path file, String described) throws IOException {
        byte[] utf8 = file.toString().getBytes(StandardCharsets.UTF_8); // whatever the JVM's locale
        int fd = LIBC.open(Arrays.copyOf(utf8, utf8.length + 1), OPEN_PATH);
        if (fd < 0) {
            int errno = RUNTIME.getLastError();
            if (errno == Errno.ENOENT) {
                throw new NoSuchFileException(described, null, "open O_PATH");
            }
            throw new IOException("open O_PATH " + described + ": " + Errno.name(errno));
        }
        return new HeldFile(fd, described);
    }

    /**
     * {@code /proc/self/fd/<fd>}: the held file, for calls that follow a link (valid while this stays open: once
     * closed, the number may be another file's).
     *
     * @throws IllegalStateException once closed
     */
    public synchronized Path path() {
        if (closed) {
            throw new IllegalStateException(described + ": no longer held");
        }
        return path;
    }

    /**
     * The descriptor, for calls that take one and accept O_PATH ({@code llapi_fd2fid}: name_to_handle_at with
     * AT_EMPTY_PATH); valid while this stays open.
     *
     * @throws IllegalStateException once closed
     */
    public synchronized int fd() {
        if (closed) {
            throw new IllegalStateException(described + ": no longer held");
        }
        return fd;
    }

    /** What names the file in errors. */
    public String described() {
        return described;
    }

    /** The file's size as stat reports it (a released file reports its full size). */
    public long size() throws IOException {
        return Files.size(path());
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
        return "held " + described + " (fd " + fd + ")";
    }

    /** O_PATH | O_NOFOLLOW | O_CLOEXEC on the architecture {@code arch}. */
    static int openPathFlags(String arch) {
        return OpenFlags.O_PATH | OpenFlags.of(arch).noFollow() | OpenFlags.O_CLOEXEC;
    }

    /** The libc calls used here; each returns -1 and sets errno on failure. */
    public interface LibC {
        int open(@In byte[] path, int flags);

        int close(int fd);
    }
}
