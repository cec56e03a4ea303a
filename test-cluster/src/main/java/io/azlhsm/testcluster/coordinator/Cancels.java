package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;

import java.util.List;

/**
 * A coordinator's cancels: of the last active request of a FID (an HSMA_CANCEL item of lfs hsm_cancel, found as
 * mdt_hsm_cdt_client.c hsm_find_compatible_cb does, :36-76), and of one request (also every request at
 * hsm_control=purge, hsm_cancel_all_actions, mdt_coordinator.c:1998). A waiting request just ends CANCELED; a running
 * one is marked canceled and gets a CANCEL record of its own, whose item, carrying the cookie of the request it
 * cancels, goes to the request's agent (mdt_hsm_add_hsr, mdt_coordinator.c:1420-1475; mdt_hsm_agent_send,
 * mdt_hsm_cdt_agent.c:427). Guarded by the Coordinator's lock: called holding its monitor (no lock of its own).
 */
final class Cancels {
    private final Coordinator coordinator;
    private final String fsname;
    private final ActionTable records;
    private final Agents agents;

    /** coordinator: where the CANCEL record is made ({@link Coordinator#record}) and requests end. */
    Cancels(Coordinator coordinator, String fsname, ActionTable records, Agents agents) {
        this.coordinator = coordinator;
        this.fsname = fsname;
        this.records = records;
        this.agents = agents;
    }

    /**
     * A cancel by FID (lfs hsm_cancel): as mdt_hsm_cdt_client.c hsm_find_compatible_cb (lines 36-76) finds it, the
     * request canceled is the LAST WAITING or STARTED one of the FID in the action log, one per cancel item. A FID
     * with two requests (a duplicate ARCHIVE, which the coordinator records and dispatches) takes two cancels.
     */
    void cancelLast(Fid fid) {
        ActionRecord last = records.lastActive(fid, 0);
        if (last != null) {
            cancel(last);
        }
    }

    /** Cancel of one active request: a waiting one ends now, a running one is told to its agent. */
    void cancel(ActionRecord r) {
        if (r.status == RequestStatus.WAITING) {
            coordinator.finish(r, RequestStatus.CANCELED);
            return;
        }
        Agent agent = agents.get(r.agentUuid);
        ActionRecord cancel = coordinator.record(r.compoundId, HsmCodes.HSMA_CANCEL, r.fid, r.offset, r.length,
                r.archiveId, r.flags, r.gid, new byte[0]);
        r.cancelRequested = true;
        agents.leaveStarted(r);
        r.finishedMillis = System.currentTimeMillis();
        records.setStatus(r, RequestStatus.CANCELED);
        if (agent != null) {
            // the cancel item carries the cookie of the request it cancels
            agent.channel.send(new ActionList(r.archiveId, r.flags, r.compoundId, fsname, List.of(
                    new ActionList.Item(HsmCodes.HSMA_CANCEL, r.fid, r.dataFid, r.offset, r.length, r.cookie,
                            r.gid, new byte[0]))));
        }
        coordinator.finish(cancel, RequestStatus.SUCCEED);
    }
}
