package io.azlhsm.testcluster.fuse;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads a backing file opened with {@code O_NOATIME}, for a client open that asked for it: the copytool opens an
 * archive's source so (liblustreapi_hsm.c, ct_open_by_fid with O_NOATIME), and an archive must not change the file's
 * access time. Java's FileChannel cannot open with that flag, hence libc's open and pread.
 */
final class NoAtimeReader implements AutoCloseable {
    /** Linux's O_NOATIME, the same on x86_64 and aarch64. */
    static final int O_NOATIME = 01000000;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 02000000;
    private static final int EINTR = 4;

    /** libc's calls; return -1 and set errno on failure. */
    public interface LibC {
        int open(@In byte[] path, int flags);

        long pread(int fd, @Out byte[] buffer, long count, long offset);

        int close(int fd);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class)
            .load(Platform.getNativePlatform().getStandardCLibraryName());
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private final int fd;

    private NoAtimeReader(int fd) {
        this.fd = fd;
    }

    static NoAtimeReader open(Path file) throws IOException {
        // the path as the file system's bytes whatever the daemon's locale
        byte[] utf8 = file.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int fd = LIBC.open(java.util.Arrays.copyOf(utf8, utf8.length + 1), O_RDONLY | O_NOATIME | O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("open O_NOATIME " + file + ": errno " + RUNTIME.getLastError());
        }
        return new NoAtimeReader(fd);
    }

    /** Up to size bytes from offset (fewer only at end of file). */
    byte[] read(long offset, int size) throws IOException {
        byte[] buffer = new byte[size];
        int total = 0;
        while (total < size) {
            byte[] part = total == 0 ? buffer : new byte[size - total];
            long n = LIBC.pread(fd, part, size - total, offset + total);
            if (n < 0) {
                if (RUNTIME.getLastError() == EINTR) {
                    continue;
                }
                throw new IOException("pread: errno " + RUNTIME.getLastError());
            }
            if (n == 0) {
                break;
            }
            if (part != buffer) {
                System.arraycopy(part, 0, buffer, total, (int) n);
            }
            total += (int) n;
        }
        return total == size ? buffer : java.util.Arrays.copyOf(buffer, total);
    }

    @Override
    public void close() {
        LIBC.close(fd);
    }
}
