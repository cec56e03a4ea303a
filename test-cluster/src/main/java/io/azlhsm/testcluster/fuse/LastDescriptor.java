package io.azlhsm.testcluster.fuse;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Whether a FLUSH is the close(2) of an open file's last descriptor: where a Lustre client sends the MDT its close
 * (ll_file_release at the last reference: the new mtime, the DIRTY flag, the CLOSE record, the end of a write open),
 * inside the caller's close(2). FUSE reports the last reference only by RELEASE, which the kernel queues and does not
 * wait for (fuse_release_common: synchronous on fuseblk mounts only), so the caller's next request (a link, an
 * unlink, {@code lfs hsm_release}) can be served first. A FLUSH comes with every close(2) and is waited for, but does
 * not say whether other descriptors still share the open file (a shell's redirection dup2s the new descriptor onto
 * its output and closes the first one before anything is written).
 *
 * <p>This asks /proc: a flush is the last when it comes from the process that opened the file and that process
 * holds no other descriptor naming it. A descriptor shared with another process (a fork) is not seen; when such a
 * process flushes, or a flush cannot be judged, the close is left to RELEASE, as FUSE itself does.
 */
final class LastDescriptor {
    private final Supplier<Path> mountPoint;

    /** @param mountPoint the client's mount point (known once mounted) with symlinks resolved, as /proc names files */
    LastDescriptor(Supplier<Path> mountPoint) {
        this.mountPoint = mountPoint;
    }

    /**
     * @param flusherTid the thread that sent the FLUSH (FUSE's request header names the thread, not the process)
     * @param openerTid  the thread that opened the file
     * @param path       the file's path in the mount, as FUSE names it (null when FUSE has none)
     * @return true when this flush closes the opener's last descriptor of the file
     */
    boolean isLast(int flusherTid, int openerTid, String path) {
        Path mount = mountPoint.get();
        if (path == null || mount == null || flusherTid <= 0) {
            return false;
        }
        if (flusherTid != openerTid && !sameProcess(flusherTid, openerTid)) {
            return false; // another process's copy (a fork's): the opener may write on
        }
        String file = mount + path;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Integer.toString(flusherTid),
                "fd"))) {
            for (Path fd : fds) { // an exiting process's table is empty: its flushes are its last
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(file)) {
                        return false;
                    }
                } catch (IOException e) {
                    // closed while listed
                }
            }
            return true;
        } catch (IOException e) {
            return false; // not readable: left to RELEASE
        }
    }

    private static boolean sameProcess(int tidA, int tidB) {
        long a = processOf(tidA);
        return a > 0 && a == processOf(tidB);
    }

    /** The thread group (process) of a thread, or -1 once the thread has gone. */
    private static long processOf(int tid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(tid), "status"))) {
                if (line.startsWith("Tgid:")) {
                    return Long.parseLong(line.substring(5).trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone
        }
        return -1;
    }
}
