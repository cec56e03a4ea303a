package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;

import java.util.HashSet;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A coordinator's restore handles (Lustre's cdt_restore_handle list): a FID has at most one restore recorded or
 * being recorded, so a second restore request of it in the meantime is skipped, and a client blocked on the file
 * waits for the one there is. A handle is either an active RESTORE record in the {@link ActionTable} or a FID taken
 * here by a request that has not recorded its restore yet. Guarded by the Coordinator's lock: every method is called
 * holding it (no lock of its own); a handle is taken and released in separate holds of that lock, the request
 * sleeping at OBD_FAIL_MDS_HSM_CDT_DELAY in between.
 */
final class RestoreHandles {
    /** Logged under the coordinator's name, as before this class was split out of it. */
    private static final Logger LOG = Logger.getLogger(Coordinator.class.getName());

    private final ActionTable records;
    /** The index of the coordinator's MDT, for the log. */
    private final int mdt;

    /**
     * FIDs whose restore a request is registering and has not recorded yet. With the records of active restores this
     * is Lustre's restore handle (cdt_restore_handle_add, taken before the record is written: mdt_hsm_cdt_client.c
     * :341-356): a second restore of the FID in that window is skipped, not recorded twice (sanity-hsm 407).
     */
    private final Set<Fid> restoresBeingRecorded = new HashSet<>();

    RestoreHandles(ActionTable records, int mdt) {
        this.records = records;
        this.mdt = mdt;
    }

    /** A request is about to record a restore of fid. */
    void take(Fid fid) {
        restoresBeingRecorded.add(fid);
    }

    /** The request recorded its restore of fid, or gave up (a no-op for a FID not taken). */
    void release(Fid fid) {
        restoresBeingRecorded.remove(fid);
    }

    /** A request is recording a restore of fid and has not yet. */
    boolean beingRecorded(Fid fid) {
        return restoresBeingRecorded.contains(fid);
    }

    /** A restore of fid is recorded and active, or being recorded (Lustre: its restore handle exists). */
    boolean registered(Fid fid) {
        if (restoresBeingRecorded.contains(fid)) {
            LOG.info("MDT" + mdt + ": a restore of [" + fid + "] is being recorded: item skipped"
                    + " (cdt_restore_handle_add: EEXIST)");
            return true;
        }
        return records.lastActive(fid, HsmCodes.HSMA_RESTORE) != null;
    }
}
