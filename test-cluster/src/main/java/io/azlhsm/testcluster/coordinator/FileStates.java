package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.HsmAttributes;
import io.azlhsm.testcluster.namespace.HsmFlags;
import io.azlhsm.testcluster.namespace.Namespace;

/**
 * The HSM state of a coordinator's files as a user reads and sets it: hsm_user_state (mdt_hsm.c mdt_hsm_state_get,
 * :228), hsm_current_action (mdt_hsm_action, :484, from the action log's last active request of the file), the flags
 * lfs hsm_set / hsm_clear change (mdt_hsm_state_set, :289, with its CL_HSM HE_STATE record) and the archived data
 * version llapi_hsm_data_version_set records. Takes the Coordinator's lock itself: each method holds the
 * Coordinator's monitor throughout (as the synchronized methods of the Coordinator it was split out of did), so a
 * file's flags do not change between a check and the write, nor under a request that ends.
 */
public final class FileStates {
    /** hsm_user_state of a file. */
    public record State(int flags, int archiveId, int inProgressState, int inProgressAction, long offset, long length) {
    }

    /** hsm_current_action of a file. */
    public record CurrentAction(int state, int action, long offset, long length) {
    }

    private final Coordinator coordinator;
    private final Namespace ns;
    private final ActionTable records;
    private final FileOutcomes outcomes;

    /** coordinator: whose lock guards the files' HSM state. */
    FileStates(Coordinator coordinator, Namespace ns, ActionTable records, FileOutcomes outcomes) {
        this.coordinator = coordinator;
        this.ns = ns;
        this.records = records;
        this.outcomes = outcomes;
    }

    /** hsm_user_state: the file's HSM flags and archive id. */
    public State state(Fid fid) throws SimulatorException {
        synchronized (coordinator) {
            HsmAttributes a = ns.hsm(fid);
            // mdt_hsm.c mdt_hsm_state_get fills hus_states and hus_archive_id only: the in-progress fields stay zero
            // whatever runs (llapi_hsm_test test50); what runs is llapi_hsm_current_action's answer
            return new State(a.flags(), (int) a.archiveId(), 0, 0, 0, 0);
        }
    }

    /** hsm_current_action: a running request reports the bytes moved so far as its extent length. */
    public CurrentAction currentAction(Fid fid) throws SimulatorException {
        synchronized (coordinator) {
            ns.pathOf(fid);
            ActionRecord r = records.lastActive(fid, 0);
            if (r == null) {
                // As the MDT answers (mdt_hsm_cdt_client.c, mdt_hsm.c): no action is HUA_NONE with the zeroed status
                // of an action that never existed, ARS_WAITING, which reads HPS_WAITING. Callers must look at the
                // action.
                return new CurrentAction(HsmCodes.HPS_WAITING, HsmCodes.HUA_NONE, 0, 0);
            }
            if (r.status == RequestStatus.STARTED) {
                return new CurrentAction(HsmCodes.HPS_RUNNING, HsmCodes.userAction(r.action), r.offset,
                        r.progress.total());
            }
            return new CurrentAction(HsmCodes.HPS_WAITING, HsmCodes.userAction(r.action), r.offset, r.length);
        }
    }

    /** llapi_hsm_state_set (lfs hsm_set / hsm_clear) on behalf of uid. */
    public void setState(Fid fid, long setMask, long clearMask, int archiveId, int uid) throws SimulatorException {
        synchronized (coordinator) {
            if (((setMask | clearMask) & ~HsmFlags.FLAGS_MASK) != 0) {
                throw new SimulatorException(Errno.EINVAL, "unknown flags");
            }
            if (uid != 0 && ((setMask | clearMask) & ~HsmFlags.USER_MASK) != 0) {
                throw new SimulatorException(Errno.EPERM, "only root may change these flags");
            }
            HsmAttributes a = ns.hsm(fid);
            int flags = (int) ((a.flags() | setMask) & ~clearMask);
            boolean invalid = ((flags & HsmFlags.DIRTY) != 0 && (flags & HsmFlags.EXISTS) == 0)
                    || ((flags & HsmFlags.RELEASED) != 0 && (flags & HsmFlags.DIRTY) != 0)
                    || ((flags & HsmFlags.RELEASED) != 0 && (flags & HsmFlags.ARCHIVED) == 0)
                    || ((flags & HsmFlags.LOST) != 0 && (flags & HsmFlags.ARCHIVED) == 0);
            if (invalid) {
                throw new SimulatorException(Errno.EINVAL, "invalid flag combination " + flags);
            }
            HsmAttributes updated = a.withFlags(flags);
            if (archiveId != 0) {
                updated = updated.withArchiveId(archiveId);
            }
            ns.setHsm(fid, updated);
            outcomes.hsmRecord(fid, ChangelogRecord.HE_STATE, 0);
        }
    }

    /** llapi_hsm_data_version_set: records dv as the archived data version. */
    public void setArchiveVersion(Fid fid, long dv) throws SimulatorException {
        synchronized (coordinator) {
            ns.setHsm(fid, ns.hsm(fid).withArchiveVersion(dv));
        }
    }
}
