package io.azlhsm.copytool.jobs.policy;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The space of a Lustre file system as statfs(2) on a client reports it: the OSTs' blocks, free blocks and blocks
 * available to users (ll_statfs_internal, lustre/llite/llite_lib.c 2759-2771). The used share is computed as
 * {@code lfs df} does: used = blocks - free, and used / (used + available) (obd_statfs_ratio, lustre/utils/lfs.c
 * 8838-8848), so a watermark means what an administrator reads in its Use% column.
 *
 * @param total     f_blocks x f_frsize
 * @param used      (f_blocks - f_bfree) x f_frsize
 * @param available f_bavail x f_frsize
 */
record SpaceUsage(long total, long used, long available) {

    /** statfs of the file system mounted at {@code mount}. */
    static SpaceUsage of(Path mount) throws IOException {
        FileStore store = Files.getFileStore(mount);
        long total = store.getTotalSpace();
        return new SpaceUsage(total, total - store.getUnallocatedSpace(), store.getUsableSpace());
    }

    /** The used share in percent, as lfs df's Use% (not rounded). */
    double percentUsed() {
        long usable = used + available;
        return usable <= 0 ? 0 : 100.0 * used / usable;
    }

    /** Bytes to free to bring the used share down to {@code percent}; 0 when it is there already. */
    long bytesAbove(int percent) {
        long allowed = (long) Math.floor((used + available) * (percent / 100.0));
        return Math.max(0, used - allowed);
    }

    @Override
    public String toString() {
        return String.format("%.1f%% used (%d of %d bytes usable; %d bytes total)", percentUsed(), used,
                used + available, total);
    }
}
