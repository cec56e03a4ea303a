package io.azlhsm.copytool.lustre;

import java.io.IOException;
import java.nio.ByteBuffer;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * Positional I/O on a raw file descriptor handed out by liblustreapi (the archive source or the restore volatile
 * file from {@code llapi_hsm_action_get_fd}).
 *
 * <p>Java cannot wrap an int fd in a FileChannel, and reopening {@code /proc/self/fd/N} would give a different open
 * file (and on Lustre a different lease), so this calls libc's {@code pread}/{@code pwrite} directly. Every call is
 * positional, so many threads may use one fd at once, as the pipeline's read and write stages do.
 */
public final class FdChannel implements AutoCloseable {
    private static final int SEEK_END = 2;
    private static final int EINTR = 4;
    private static final int EAGAIN = 11;
    private static final LibC LIBC = LibraryLoader.create(LibC.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private final int fd;
    private final String description;
    private volatile boolean closed;

    /**
     * @param fd          an open descriptor this channel now owns (closed by {@link #close()})
     * @param description names the file in error messages, e.g. its FID and path
     */
    public FdChannel(int fd, String description) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid fd " + fd + " for " + description);
        }
        this.fd = fd;
        this.description = description;
    }

    public int fd() {
        return fd;
    }

    /** Whether {@link #close()} has not been called yet. */
    public boolean isOpen() {
        return !closed;
    }

    /** What names the file in error messages (its FID and path). */
    public String description() {
        return description;
    }

    /**
     * Reads into {@code dst} from {@code offset} until {@code dst} is full or end of file.
     *
     * @return bytes read; fewer than requested only at end of file
     */
    public int readFully(ByteBuffer dst, long offset) throws IOException {
        requireDirect(dst);
        int total = 0;
        while (dst.hasRemaining()) {
            long n = LIBC.pread(fd, slice(dst), dst.remaining(), offset + total);
            if (n < 0) {
                int errno = RUNTIME.getLastError();
                if (errno == EINTR || errno == EAGAIN) {
                    continue;
                }
                throw new IOException("pread of " + description + " at offset " + (offset + total) + " failed: "
                        + describe(errno));
            }
            if (n == 0) {
                break;
            }
            dst.position(dst.position() + (int) n);
            total += (int) n;
        }
        return total;
    }

    /** Writes all of {@code src} at {@code offset}. */
    public void writeFully(ByteBuffer src, long offset) throws IOException {
        requireDirect(src);
        long position = offset;
        while (src.hasRemaining()) {
            long n = LIBC.pwrite(fd, slice(src), src.remaining(), position);
            if (n < 0) {
                int errno = RUNTIME.getLastError();
                if (errno == EINTR || errno == EAGAIN) {
                    continue;
                }
                throw new IOException("pwrite of " + description + " at offset " + position + " failed: "
                        + describe(errno));
            }
            src.position(src.position() + (int) n);
            position += n;
        }
    }

    /** Current size of the file. */
    public long size() throws IOException {
        long end = LIBC.lseek(fd, 0, SEEK_END);
        if (end < 0) {
            throw new IOException("size of " + description + " unknown: " + describe(RUNTIME.getLastError()));
        }
        return end;
    }

    public void fsync() throws IOException {
        if (LIBC.fsync(fd) != 0) {
            throw new IOException("fsync of " + description + " failed: " + describe(RUNTIME.getLastError()));
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LIBC.close(fd);
        }
    }

    /** jnr passes a direct buffer's base address, ignoring its position: hand it a view starting at the position. */
    private static ByteBuffer slice(ByteBuffer buffer) {
        return buffer.slice();
    }

    private static String describe(int errno) {
        return LIBC.strerror(errno) + " (errno " + errno + ")";
    }

    private static void requireDirect(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("FdChannel needs direct buffers (heap buffers would be copied)");
        }
    }

    /** The few libc calls used here. */
    public interface LibC {
        @ssize_t long pread(int fd, @Out ByteBuffer buf, @size_t long count, @off_t long offset);

        @ssize_t long pwrite(int fd, @In ByteBuffer buf, @size_t long count, @off_t long offset);

        @off_t long lseek(int fd, @off_t long offset, int whence);

        int fsync(int fd);

        int close(int fd);

        String strerror(int errnum);
    }
}
