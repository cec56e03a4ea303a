package io.azlhsm.testcluster.coordinator;

import java.util.function.BooleanSupplier;

/**
 * A client's I/O that waits for an implicit restore: who does it (the request masks apply to non-root callers) and
 * whether they gave up waiting (a signal), checked while the restore runs.
 */
public record BlockedIo(int uid, int gid, BooleanSupplier interrupted) {
    /** An I/O by root that nothing interrupts (a caller outside FUSE). */
    public static final BlockedIo ROOT = new BlockedIo(0, 0, () -> false);
}
