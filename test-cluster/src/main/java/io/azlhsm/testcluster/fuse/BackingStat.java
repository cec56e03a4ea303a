package io.azlhsm.testcluster.fuse;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Platform;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

import java.nio.file.Path;

/**
 * The lstat of a backing file, by statx(2) into a per-thread native buffer. A GETATTR is the most frequent FUSE
 * request and java.nio's "unix:" attribute view parsed its attribute list, built a map and boxed every field for
 * each one: most of what a getattr cost the simulator beyond the system call itself. struct statx has one layout on
 * every architecture (linux/stat.h), unlike struct stat.
 */
final class BackingStat {
    /** libc's statx (glibc 2.28); returns -1 and sets errno on failure. */
    public interface LibC {
        int statx(int dirfd, String path, int flags, int mask, Pointer buffer);
    }

    private static final LibC LIBC = LibraryLoader.create(LibC.class)
            .load(Platform.getNativePlatform().getStandardCLibraryName());
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    private static final int AT_FDCWD = -100;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** STATX_BASIC_STATS: what stat(2) returns. */
    private static final int STATX_BASIC_STATS = 0x7ff;
    /** sizeof(struct statx). */
    private static final int SIZE = 256;
    /** Offsets in struct statx (linux/stat.h). */
    private static final int STX_NLINK = 16;
    private static final int STX_UID = 20;
    private static final int STX_GID = 24;
    private static final int STX_MODE = 28;
    private static final int STX_INO = 32;
    private static final int STX_SIZE = 40;
    private static final int STX_BLOCKS = 48;
    private static final int STX_ATIME = 64;
    private static final int STX_CTIME = 96;
    private static final int STX_MTIME = 112;
    private static final int STX_RDEV_MAJOR = 128;
    private static final int STX_RDEV_MINOR = 132;
    /** struct statx_timestamp: __s64 tv_sec, __u32 tv_nsec. */
    private static final int TV_NSEC = 8;

    private static final ThreadLocal<Pointer> BUFFER =
            ThreadLocal.withInitial(() -> Memory.allocateDirect(RUNTIME, SIZE, true));

    private BackingStat() {
    }

    /** A file's attributes as lstat(2) gives them; times in nanoseconds since the epoch. */
    record Attributes(int mode, long ino, int nlink, int uid, int gid, long rdev, long size, long blocks,
                      long atimeNanos, long mtimeNanos, long ctimeNanos) {
        boolean isRegularFile() {
            return (mode & 0170000) == 0100000;
        }
    }

    /** The attributes of p, its last component not followed. */
    static Attributes lstat(Path p) throws StatException {
        Pointer b = BUFFER.get();
        if (LIBC.statx(AT_FDCWD, p.toString(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, b) != 0) {
            throw new StatException(RUNTIME.getLastError());
        }
        return new Attributes(b.getShort(STX_MODE) & 0xffff, b.getLong(STX_INO), b.getInt(STX_NLINK),
                b.getInt(STX_UID), b.getInt(STX_GID),
                makedev(b.getInt(STX_RDEV_MAJOR), b.getInt(STX_RDEV_MINOR)), b.getLong(STX_SIZE),
                b.getLong(STX_BLOCKS), nanos(b, STX_ATIME), nanos(b, STX_MTIME), nanos(b, STX_CTIME));
    }

    private static long nanos(Pointer b, int offset) {
        return b.getLong(offset) * 1_000_000_000L + (b.getInt(offset + TV_NSEC) & 0xffffffffL);
    }

    /** glibc's gnu_dev_makedev: the dev_t stat(2) would give for a major and minor number. */
    private static long makedev(int major, int minor) {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }

    /** statx failed with errno; without a stack trace: a missing name is a common answer, not an accident. */
    static final class StatException extends Exception {
        private final int errno;

        StatException(int errno) {
            super("statx: errno " + errno, null, false, false);
            this.errno = errno;
        }

        int errno() {
            return errno;
        }
    }
}
