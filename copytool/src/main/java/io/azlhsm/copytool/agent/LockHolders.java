package io.azlhsm.copytool.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Which process holds a POSIX lock on a file, from the kernel's table /proc/locks (fs/locks.c lock_get_status):
 * {@code 1: POSIX  ADVISORY  WRITE 4242 00:2b:1234567 0 EOF}, the device as hex major:minor, then the inode.
 */
final class LockHolders {
    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private LockHolders() {
    }

    /** The PID holding a POSIX lock on {@code file}, if the kernel says (0 or none: another PID namespace). */
    static OptionalLong pidOf(Path file) {
        try {
            long dev = (Long) Files.getAttribute(file, "unix:dev", LinkOption.NOFOLLOW_LINKS);
            long inode = (Long) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
            return pidOf(Files.readAllLines(PROC_LOCKS), dev, inode);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    static OptionalLong pidOf(List<String> table, long dev, long inode) {
        String where = String.format("%02x:%02x:%d", major(dev), minor(dev), inode);
        for (String line : table) {
            String[] fields = line.trim().split("\\s+");
            // "N: POSIX ADVISORY WRITE pid dev:inode start end"; a waiter's line has "->" after "N:"
            if (fields.length >= 6 && fields[1].equals("POSIX") && fields[5].equals(where)) {
                long pid = Long.parseLong(fields[4]);
                if (pid > 0) {
                    return OptionalLong.of(pid);
                }
            }
        }
        return OptionalLong.empty();
    }

    /** glibc's gnu_dev_major of a dev_t as stat returns it. */
    static long major(long dev) {
        return ((dev & 0xfff00L) >>> 8) | ((dev & 0xfffff00000000000L) >>> 32);
    }

    static long minor(long dev) {
        return (dev & 0xffL) | ((dev & 0xffffff00000L) >>> 12);
    }
}
