package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.HsmFileOperations.VolatileFile;

import java.util.HexFormat;

/**
 * One entry of the coordinator's action log (llog_agent_req_rec): an action on one FID with its cookie and status.
 * Mutable, guarded by the {@link Coordinator}'s lock; its status changes through {@link ActionTable#setStatus}.
 */
final class ActionRecord {
    final long cookie;
    final long compoundId;
    final int action; // HSMA_*
    final Fid fid;
    Fid dataFid;
    final long offset;
    final long length;
    final int archiveId;
    final long flags;
    final long gid;
    final byte[] data;
    final int logIndex;

    RequestStatus status = RequestStatus.WAITING;
    String agentUuid;
    /** When the agent last gave news of the request (dispatch, begin, progress): what active_request_timeout counts. */
    long lastActivityMillis;
    /**
     * When the record was last written to the action log: its creation, then each status change (llog_agent_req_rec's
     * arr_req_change: mdt_hsm_cdt_actions.c:186-187, mdt_hsm_cdt_agent.c:358, mdt_coordinator.c:397). Persisted, so
     * that a restarted coordinator counts a STARTED request's timeout from it (mdt_coordinator.c:346-347).
     */
    long changedMillis;
    long finishedMillis;
    /** True once a cancel was sent for this request: progress then returns ECANCELED. */
    boolean cancelRequested;
    /** The data version at COPY_START of an archive. */
    long startDataVersion = -1;
    VolatileFile volatileFile;
    /** A request sent back to WAITING for a retry is dispatched again at the next pass, not at once. */
    long notBeforeMillis;
    final ExtentUnion progress = new ExtentUnion();
    /** Where the record stands in the log (set by {@link ActionTable#add}): its order among the waiting ones. */
    long position;

    ActionRecord(long cookie, long compoundId, int action, Fid fid, long offset, long length, int archiveId,
                 long flags, long gid, byte[] data, int logIndex) {
        this.cookie = cookie;
        this.compoundId = compoundId;
        this.action = action;
        this.fid = fid;
        this.dataFid = fid;
        this.offset = offset;
        this.length = length;
        this.archiveId = archiveId;
        this.flags = flags;
        this.gid = gid;
        this.data = data;
        this.logIndex = logIndex;
    }

    /** The line of {@code lctl get_param mdt.*.hsm.actions}. */
    String listing() {
        return "lrh=[type=10680000 len=" + (136 + data.length) + " idx=1/" + logIndex + "]"
                + " fid=" + fid.bracketed() + " dfid=" + dataFid.bracketed()
                + " compound/cookie=" + HsmCodes.cHex(compoundId) + "/" + HsmCodes.cHex(cookie)
                + " action=" + HsmCodes.actionName(action) + " archive#=" + archiveId
                + " flags=" + HsmCodes.cHex(flags)
                + " extent=" + HsmCodes.cHex(offset) + "-" + HsmCodes.cHex(length == -1 ? -1 : offset + length)
                + " gid=" + HsmCodes.cHex(gid) + " datalen=" + data.length + " status=" + status
                + " data=[" + HexFormat.of().withUpperCase().formatHex(data) + "]";
    }
}
