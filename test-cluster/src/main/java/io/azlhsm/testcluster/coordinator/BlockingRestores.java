package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.HsmAttributes;
import io.azlhsm.testcluster.namespace.HsmFlags;
import io.azlhsm.testcluster.namespace.Namespace;

/**
 * The implicit restore a client's I/O on a released file blocks on: llite's ll_layout_restore (llite/file.c
 * :7170-7199, called from vvp_io.c:317) sends an HSM_REQ_BLOCKING RESTORE that the MDT registers as any other
 * (mdt_hsm_add_actions, mdt_hsm_cdt_client.c:397-433, with its reference on the coordinator and its restore handle),
 * one per FID however many clients wait, and the client waits until the restore ends (the restore handle holds the
 * file's layout lock, cdt_restore_handle_add, mdt_coordinator.c:873-904, until cdt_restore_handle_del, :943). Takes
 * the Coordinator's lock itself, in several short holds (none while sleeping at OBD_FAIL_MDS_HSM_CDT_DELAY); a
 * waiting client waits on the Coordinator's monitor, which {@link Coordinator#finish} and a purge notify.
 */
final class BlockingRestores {
    private final Coordinator coordinator;
    private final Namespace ns;
    private final Tunables tunables;
    private final ActionTable records;
    private final RestoreHandles restoreHandles;
    private final RequestChecks checks;
    private final RequestRefs refs;
    private final FailPoints failPoints;
    private final HsmControl control;

    /** coordinator: the lock and monitor, and where the restore is recorded ({@link Coordinator#record}). */
    BlockingRestores(Coordinator coordinator, Namespace ns, Tunables tunables, ActionTable records,
                     RestoreHandles restoreHandles, RequestChecks checks, RequestRefs refs, FailPoints failPoints,
                     HsmControl control) {
        this.coordinator = coordinator;
        this.ns = ns;
        this.tunables = tunables;
        this.records = records;
        this.restoreHandles = restoreHandles;
        this.checks = checks;
        this.refs = refs;
        this.failPoints = failPoints;
        this.control = control;
    }

    /**
     * A client's read, write or truncate of a released file: one blocking restore per FID (concurrent readers share
     * it), then wait. No agent means waiting until one comes, as on Lustre. Fails with EIO for a lost file, EPERM
     * when a non-root caller's request mask forbids RESTORE, ENODATA at once under the NBR policy (the restore is
     * queued all the same), EIO when the restore fails, is canceled or times out (the file then stays released) and
     * EINTR when the caller gives up (a signal): Lustre's wait for the layout is killable, and the restore goes on.
     */
    void restoreAndWait(Fid fid, BlockedIo caller) throws SimulatorException {
        ActionRecord r;
        boolean registering = false;
        synchronized (coordinator) {
            HsmAttributes a = ns.hsm(fid);
            if (!a.has(HsmFlags.RELEASED)) {
                return;
            }
            if (a.has(HsmFlags.LOST)) {
                throw new SimulatorException(Errno.EIO, "file lost from HSM");
            }
            if (control.stoppedOrStopping()) {
                throw new SimulatorException(Errno.EIO, "coordinator " + control.show());
            }
            checks.checkPermission(HsmCodes.HUA_RESTORE, fid, caller.uid(), caller.gid());
            r = records.lastActive(fid, HsmCodes.HSMA_RESTORE);
            if (r == null && !restoreHandles.registered(fid)) {
                // ll_layout_restore's request (llite/file.c:7170-7199) goes the way of any other: mdt_hsm_add_actions
                restoreHandles.take(fid);
                refs.take();
                registering = true;
            }
        }
        if (registering) {
            try {
                failPoints.timeout(FailPoints.OBD_FAIL_MDS_HSM_CDT_DELAY);
                synchronized (coordinator) {
                    int archiveId = (int) ns.hsm(fid).archiveId();
                    r = coordinator.record(coordinator.nextCompound(), HsmCodes.HSMA_RESTORE, fid, 0, -1,
                            archiveId != 0 ? archiveId : tunables.defaultArchiveId, HsmCodes.HSM_REQ_BLOCKING, 0,
                            new byte[0]);
                    coordinator.save();
                }
            } finally {
                synchronized (coordinator) {
                    restoreHandles.release(fid);
                    refs.put();
                    coordinator.dispatch();
                }
            }
        }
        synchronized (coordinator) {
            if (tunables.policy.contains(Tunables.NBR)) {
                throw new SimulatorException(Errno.ENODATA, "NBR policy: the restore runs without blocking I/O");
            }
        }
        while (true) {
            if (caller.interrupted().getAsBoolean()) {
                throw new SimulatorException(Errno.EINTR, "interrupted while restoring " + fid);
            }
            synchronized (coordinator) {
                if (r == null) {
                    // another caller is recording the restore this one waits for
                    r = records.lastActive(fid, HsmCodes.HSMA_RESTORE);
                    if (r == null && !restoreHandles.beingRecorded(fid)) {
                        if (!ns.hsm(fid).has(HsmFlags.RELEASED)) {
                            return;
                        }
                        throw new SimulatorException(Errno.EIO, "the restore of " + fid + " was not recorded");
                    }
                }
                if (r != null && !r.status.isActive()) {
                    if (r.status == RequestStatus.SUCCEED && !ns.hsm(fid).has(HsmFlags.RELEASED)) {
                        return;
                    }
                    throw new SimulatorException(Errno.EIO, "restore " + r.status);
                }
                try {
                    coordinator.wait(100); // woken by finish(); the timeout is for noticing an interrupted caller
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SimulatorException(Errno.EINTR, "interrupted");
                }
            }
        }
    }

}
