package io.azlhsm.testcluster.coordinator;

/**
 * What a coordinator's start makes of the action log a previous run left (after a daemon restart, as after an MDS
 * restart): every record is taken back, cookies and compound ids go on above the highest (hsm_restore_cb,
 * mdt_coordinator.c:1005-1008), a restore left STARTED is replayed from WAITING ("force replay of restore requests
 * left in started state", :1015-1025, run at the start by cdt_start_pending_restore, :618) with its volatile
 * file's FID forgotten (and its change time set, :1021), and another STARTED request waits for its
 * active_request_timeout counted from the record's last change as the log kept it (arr_req_change: no request in
 * memory, so mdt_cdt_started_cb takes the record's time, :346-347), not from this start. Runs in the
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
                r.changedMillis = now;
            }
            r.lastActivityMillis = r.changedMillis;
            records.add(r);
            cookies.seen(r);
        }
    }
}
