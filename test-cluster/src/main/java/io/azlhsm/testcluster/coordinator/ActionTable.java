package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.Fid;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The coordinator's action records in log order, with what its per-action paths look up kept at hand: the waiting
 * records (restores and the rest apart, each in log order), how many run, each FID's active records, and which records
 * changed since the action log last saw them. The action log keeps every finished record for grace_delay (60 s), so a
 * busy coordinator holds thousands; walking all of them at every dispatch, end and save cost more CPU per action than
 * the action itself. Every change of a record's status, data FID or finish time is told to this table
 * ({@link #setStatus}, {@link #touched}). Guarded by the Coordinator's lock.
 */
final class ActionTable {
    /** Every live record by cookie, in log order. */
    private final Map<Long, ActionRecord> byCookie = new LinkedHashMap<>();
    /** WAITING restores and WAITING other records, by log position. */
    private final TreeMap<Long, ActionRecord> waitingRestores = new TreeMap<>();
    private final TreeMap<Long, ActionRecord> waitingOthers = new TreeMap<>();
    /** Each FID's WAITING and STARTED records, in log order. */
    private final Map<Fid, List<ActionRecord>> activeByFid = new HashMap<>();
    private int started;
    private long nextPosition;
    /** Live records that may differ from what the action log last wrote; cookies removed since. */
    private final Set<ActionRecord> changed = new LinkedHashSet<>();
    private final Set<Long> removed = new LinkedHashSet<>();

    /** A new record, at the end of the log. */
    void add(ActionRecord r) {
        if (r.changedMillis == 0) {
            r.changedMillis = System.currentTimeMillis(); // a new record (one loaded from the log keeps its time)
        }
        r.position = nextPosition++;
        byCookie.put(r.cookie, r);
        index(r);
        changed.add(r);
    }

    ActionRecord get(long cookie) {
        return byCookie.get(cookie);
    }

    /** Every live record, in log order (a view: do not add or remove while iterating, but status changes are fine). */
    Collection<ActionRecord> all() {
        return Collections.unmodifiableCollection(byCookie.values());
    }

    int startedCount() {
        return started;
    }

    /** Changes a live record's status, keeping the indexes right. */
    void setStatus(ActionRecord r, RequestStatus status) {
        boolean live = byCookie.get(r.cookie) == r;
        if (live) {
            unindex(r);
        }
        r.status = status;
        r.changedMillis = System.currentTimeMillis(); // the record is written again (arr_req_change)
        if (live) {
            index(r);
            changed.add(r);
        }
    }

    /** A live record's data FID or finish time changed: the action log must hear of it. */
    void touched(ActionRecord r) {
        if (byCookie.get(r.cookie) == r) {
            changed.add(r);
        }
    }

    /** Removes the records that match (in log order). */
    void removeIf(Predicate<ActionRecord> gone) {
        for (Iterator<ActionRecord> it = byCookie.values().iterator(); it.hasNext(); ) {
            ActionRecord r = it.next();
            if (gone.test(r)) {
                it.remove();
                unindex(r);
                changed.remove(r);
                removed.add(r.cookie);
            }
        }
    }

    void clear() {
        removeIf(r -> true);
    }

    /**
     * The last (in log order) WAITING or STARTED record of fid for action (0: any), CANCEL records left out: what
     * walking the whole log for it found.
     */
    ActionRecord lastActive(Fid fid, int action) {
        List<ActionRecord> active = activeByFid.get(fid);
        if (active == null) {
            return null;
        }
        for (int i = active.size() - 1; i >= 0; i--) {
            ActionRecord r = active.get(i);
            if ((action == 0 || r.action == action) && r.action != HsmCodes.HSMA_CANCEL) {
                return r;
            }
        }
        return null;
    }

    /** The first WAITING restore (restores) or other record, in log order; null if none. */
    ActionRecord firstWaiting(boolean restores) {
        Map.Entry<Long, ActionRecord> e = (restores ? waitingRestores : waitingOthers).firstEntry();
        return e == null ? null : e.getValue();
    }

    /**
     * The WAITING record of the same kind after r in log order; r itself may have left the waiting records meanwhile.
     * Records that start waiting while a caller walks do not come before its position unless they are older.
     */
    ActionRecord nextWaiting(boolean restores, ActionRecord r) {
        Map.Entry<Long, ActionRecord> e = (restores ? waitingRestores : waitingOthers).higherEntry(r.position);
        return e == null ? null : e.getValue();
    }

    /** Hands the log what changed since the last call (changed records in log order, removed cookies). */
    void syncTo(ActionLog log) {
        List<ActionRecord> candidates = new ArrayList<>(changed);
        candidates.sort(Comparator.comparingLong(r -> r.position));
        log.sync(candidates, removed, byCookie.values());
        changed.clear();
        removed.clear();
    }

    private void index(ActionRecord r) {
        if (r.status == RequestStatus.WAITING) {
            (r.action == HsmCodes.HSMA_RESTORE ? waitingRestores : waitingOthers).put(r.position, r);
        } else if (r.status == RequestStatus.STARTED) {
            started++;
        }
        if (r.status.isActive()) {
            List<ActionRecord> list = activeByFid.computeIfAbsent(r.fid, k -> new ArrayList<>(1));
            int at = list.size();
            while (at > 0 && list.get(at - 1).position > r.position) {
                at--; // a retried record waits again in its log position
            }
            list.add(at, r);
        }
    }

    private void unindex(ActionRecord r) {
        if (r.status == RequestStatus.WAITING) {
            (r.action == HsmCodes.HSMA_RESTORE ? waitingRestores : waitingOthers).remove(r.position);
        } else if (r.status == RequestStatus.STARTED) {
            started--;
        }
        if (r.status.isActive()) {
            List<ActionRecord> list = activeByFid.get(r.fid);
            if (list != null) {
                list.remove(r);
                if (list.isEmpty()) {
                    activeByFid.remove(r.fid);
                }
            }
        }
    }
}
