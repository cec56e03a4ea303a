package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.coordinator.BlockedIo;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.HsmFlags;
import io.azlhsm.testcluster.namespace.Namespace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The mount's implicit restores: I/O that needs a released file's data (a read, a write, a truncate of any size, an
 * open with O_TRUNC, fallocate) asks the coordinator for a blocking restore and waits, on behalf of the process behind
 * the FUSE request; an open alone never restores. Holds no state of its own: an open handle remembers its failed
 * restore itself ({@link OpenFile#ensureData}), under the handle's lock.
 */
final class RestoreOnAccess {
    private final ImplicitRestore restorer;
    /** The process behind the FUSE request the calling thread serves, as the restore's waiter. */
    private final Supplier<BlockedIo> caller;

    RestoreOnAccess(ImplicitRestore restorer, Supplier<BlockedIo> caller) {
        this.restorer = restorer;
        this.caller = caller;
    }

    static boolean isReleased(Path p) throws SimulatorException {
        return Namespace.readHsm(p).has(HsmFlags.RELEASED);
    }

    /** Before a truncate (or open with O_TRUNC) of the file at p: restores it first if it is released. */
    void beforeTruncate(Path p, Fid fid) throws SimulatorException {
        if (isReleased(p)) {
            restorer.restoreAndWait(fid, caller.get()); // truncate of any size restores first, as on Lustre
        }
    }

    /** Before I/O through an open handle: a read or write of a released file blocks on its restore. */
    void beforeIo(OpenFile f) throws SimulatorException, IOException {
        f.ensureData(restorer, caller);
    }
}
