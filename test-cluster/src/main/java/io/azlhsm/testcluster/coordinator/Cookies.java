package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;

/**
 * The numbers a coordinator gives its action log's records: cookies (cdt_last_cookie), compound ids (one per user
 * request, hal_compound_id) and log indexes. They start at the wall-clock second the coordinator started
 * (mdt_coordinator.c ~1064-1065), or above the highest the action log holds after a restart (hsm_last_cookie_cb,
 * mdt_hsm_cdt_actions.c:108-123). Guarded by the Coordinator's lock: called holding its monitor (no lock of its own).
 */
final class Cookies {
    private long lastCookie;
    private long lastCompound;
    private int lastLogIndex;

    /** seed: where cookies and compound ids start when the action log has none higher. */
    Cookies(long seed) {
        lastCookie = seed;
        lastCompound = seed;
    }

    /** A record loaded from the action log: new numbers go on above its own. */
    void seen(ActionRecord r) {
        lastCookie = Math.max(lastCookie, r.cookie);
        lastCompound = Math.max(lastCompound, r.compoundId);
        lastLogIndex = Math.max(lastLogIndex, r.logIndex);
    }

    /** A new record with the next cookie and log index. */
    ActionRecord next(long compound, int action, Fid fid, long offset, long length, int archiveId, long flags,
                      long gid, byte[] data) {
        return new ActionRecord(++lastCookie, compound, action, fid, offset, length, archiveId, flags, gid, data,
                ++lastLogIndex);
    }

    /** The next compound id. */
    long nextCompound() {
        return ++lastCompound;
    }
}
