package io.azlhsm.copytool.agent;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bound of {@code pipeline.max_actions_in_flight}: at most that many actions between llapi_hsm_action_begin and
 * llapi_hsm_action_end. Each one holds a descriptor on Lustre (a restore also its volatile file), an action the
 * coordinator counts as running, and its share of the ring; so the bound holds from the moment a starter decides to
 * begin an action until the moment the action has ended, however it ends.
 *
 * <p>A starter {@link #take}s a slot before it takes an action from the queue (so the slot goes to whatever is first in
 * line when it frees: a restore before archives), {@link #claim}s it for the kind of action it found and
 * {@link #assign}s it to the action it begins, or {@link #giveBack}s it when it begins none. The action's end gives it
 * back ({@link #ended}); an action that never held a slot (canceled or stopped before it began) gives back nothing.
 *
 * <p>With more than one slot, one is kept for restores: archives and removes hold at most {@code limit - 1}, so a
 * restore (a reader may be blocked on it) never waits for a long archive to end, as the coordinator itself dispatches
 * a restore even when max_requests are running (lustre/mdt/mdt_coordinator.c, mdt_cdt_waiting_cb: "Restore requests
 * are too important not to schedule at least one, everytime we can").
 */
final class ActionSlots {
    private final int limit;
    private final Semaphore free;
    /** Slots held per action; a count, since a coordinator may send one action twice (a restore after MDS restart). */
    private final Map<ActionKey, Integer> holders = new ConcurrentHashMap<>();
    private final AtomicInteger assigned = new AtomicInteger();
    /** Slots claimed for actions other than restores (begun, or about to be). */
    private final AtomicInteger others = new AtomicInteger();

    ActionSlots(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("at least one action must be allowed in flight: " + limit);
        }
        this.limit = limit;
        this.free = new Semaphore(limit);
    }

    /** Waits up to {@code timeout} for a free slot; true when one was taken. */
    boolean take(long timeout, TimeUnit unit) throws InterruptedException {
        return free.tryAcquire(timeout, unit);
    }

    /**
     * Decides that the slot just taken goes to an action of this kind: always for a restore; for another action only
     * while fewer than {@code limit - 1} slots hold others (with a single slot, always).
     */
    synchronized boolean claim(boolean restore) {
        if (restore) {
            return true;
        }
        if (limit > 1 && others.get() >= limit - 1) {
            return false;
        }
        others.incrementAndGet();
        return true;
    }

    /** A slot taken for nothing: no action was begun with it ({@code claimedForOther}: as {@link #claim} said). */
    void giveBack(boolean claimedForOther) {
        if (claimedForOther) {
            others.decrementAndGet();
        }
        free.release();
    }

    /** The slot just taken and claimed now belongs to this action, until it ends. */
    void assign(ActionKey action) {
        holders.merge(action, 1, Integer::sum);
        assigned.incrementAndGet();
    }

    /** The action ended: gives back its slot if it held one. */
    void ended(ActionKey action, boolean restore) {
        boolean[] held = {false};
        holders.computeIfPresent(action, (key, count) -> {
            held[0] = true;
            return count == 1 ? null : count - 1;
        });
        if (held[0]) {
            assigned.decrementAndGet();
            giveBack(!restore);
        }
    }

    /**
     * Actions begun or being begun, and not yet ended: never more than {@link #limit()}. (A slot taken by a starter
     * that is still looking for an action does not count.)
     */
    int inUse() {
        return assigned.get();
    }

    int limit() {
        return limit;
    }
}
