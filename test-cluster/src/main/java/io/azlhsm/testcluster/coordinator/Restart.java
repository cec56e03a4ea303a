package io.azlhsm.testcluster.coordinator;

/**
 * What a coordinator's start makes of the action log a previous run left (after a daemon restart, as after an MDS
 * restart): every record is taken back, cookies and compound ids go on above the highest (hsm_restore_cb,
 * mdt_coordinator.c:1005-1008), a restore left STARTED is replayed from WAITING ("force replay of restore requests
 * left in started state", :1015-1025, run at the start by cdt_start_pending_restore, :618) with its volatile
 * file's FID forgotten, and another STARTED request waits for its active_request_timeout, counted here from the
 * start (Lustre counts it from the record's last change, arr_req_change, mdt_cdt_started_cb :345-354). Runs in the
 * Coordinator's constructor, before its pass thread starts and before it is published: no lock is needed.
 */
final class Restart {
    private Restart() {
    }

    /** Loads log's records into records, raising cookies above them. */
    static void load(ActionLog log, ActionTable records, Cookies cookies) {
        long now = System.currentTimeMillis();
        for (ActionRecord r : log.load()) {
            if (r.status == RequestStatus.STARTED && r.action == HsmCodes.HSMA_RESTORE) {
                r.status = RequestStatus.WAITING;
                r.dataFid = r.fid;
            }
            r.lastActivityMillis = now;
            records.add(r);
            cookies.seen(r);
        }
    }
}
