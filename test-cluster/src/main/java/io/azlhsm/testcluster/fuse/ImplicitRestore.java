package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.coordinator.BlockedIo;
import io.azlhsm.testcluster.namespace.Fid;

/**
 * What a client does when I/O touches a released file: ask the coordinator for a (blocking) restore and wait for
 * it. Returns once the file's data is back; throws the errno the blocked I/O fails with (ENODATA under the NBR
 * policy, EIO when the restore failed, was canceled or timed out or the file is lost, EINTR when the caller was
 * interrupted, EPERM when the caller's request mask forbids restores).
 */
public interface ImplicitRestore {
    void restoreAndWait(Fid fid, BlockedIo caller) throws SimulatorException;
}
