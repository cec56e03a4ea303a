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
 * line when it frees: a restore before archives), {@link #assign}s it to the action it begins, or {@link #giveBack}s
 * it when it begins none. The action's end gives it back ({@link #ended}); an action that never held a slot (canceled
 * or stopped before it began) gives back nothing.
 */
final class ActionSlots {
    private final int limit;
    private final Semaphore free;
    /** Slots held per action; a count, since a coordinator may send one action twice (a restore after MDS restart). */
    private final Map<ActionKey, Integer> holders = new ConcurrentHashMap<>();
    private final AtomicInteger assigned = new AtomicInteger();

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

    /** A slot taken for nothing: no action was begun with it. */
    void giveBack() {
        free.release();
    }

    /** The slot just taken now belongs to this action, until it ends. */
    void assign(ActionKey action) {
        holders.merge(action, 1, Integer::sum);
        assigned.incrementAndGet();
    }

    /** The action ended: gives back its slot if it held one. */
    void ended(ActionKey action) {
        boolean[] held = {false};
        holders.computeIfPresent(action, (key, count) -> {
            held[0] = true;
            return count == 1 ? null : count - 1;
        });
        if (held[0]) {
            assigned.decrementAndGet();
            free.release();
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
