package io.azlhsm.copytool.archive;

import java.time.Duration;
import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A counting semaphore whose permits go to restores first: the request slots of one archive.
 *
 * <p>The contract:
 * <ul>
 *   <li>At most {@code permits} are held at once.</li>
 *   <li>With more than one permit, one is kept for restores: {@link RequestPriority#OTHER} requests hold at most
 *       {@code permits - 1} at once, so a restore's request never waits for archive requests to end, only for other
 *       restores' (as one of {@code pipeline.max_actions_in_flight} is kept for restores).</li>
 *   <li>A free permit goes to the first waiter in turn: waiters are in turn by the time they began to wait, a restore's
 *       counting from when it came and another request's from {@link RequestPriority#AGING} later. So a restore goes
 *       before every other request waiting with it, unless that one had already waited {@code AGING} when the restore
 *       came: archives are never starved by a flood of restores. Within a priority, first come, first served. A
 *       waiter that may not take a permit (an other request while others hold {@code permits - 1}) does not hold up
 *       restores behind it.</li>
 *   <li>{@link #acquire} is interruptible at once (a stopped action must not wait for a slot): the interrupted waiter
 *       leaves the line without a permit.</li>
 * </ul>
 */
public final class PriorityPermits {
    private final int permits;
    private final int otherCap;
    private final long agingNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final TreeSet<Waiter> line = new TreeSet<>(); // in turn
    private int held;
    private int heldByOther;
    private long arrivals;

    /** Slots for {@code permits} requests at once, with the agent's {@link RequestPriority#AGING}. */
    public PriorityPermits(int permits) {
        this(permits, RequestPriority.AGING);
    }

    public PriorityPermits(int permits, Duration aging) {
        if (permits < 1) {
            throw new IllegalArgumentException("at least one permit is needed: " + permits);
        }
        this.permits = permits;
        this.otherCap = permits > 1 ? permits - 1 : 1;
        this.agingNanos = aging.toNanos();
    }

    /** A held permit; {@link #close} gives it back (once, however often it is called). */
    public final class Permit implements AutoCloseable {
        private final RequestPriority priority;
        private boolean released;

        private Permit(RequestPriority priority) {
            this.priority = priority;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (released) {
                    return;
                }
                released = true;
                held--;
                if (priority != RequestPriority.RESTORE) {
                    heldByOther--;
                }
                wakeThoseWhoMayGo();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Waits for this request's turn and a permit it may take.
     *
     * @throws InterruptedException when the thread is interrupted before or while it waits; it then holds nothing
     */
    public Permit acquire(RequestPriority priority) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long now = System.nanoTime();
            Waiter me = new Waiter(priority, priority == RequestPriority.RESTORE ? now : now + agingNanos, arrivals++,
                    lock.newCondition());
            line.add(me);
            try {
                while (!mayGo(me)) {
                    me.wake.await();
                }
            } catch (InterruptedException e) {
                line.remove(me);
                wakeThoseWhoMayGo(); // a waiter behind this one may now be first
                throw e;
            }
            line.remove(me);
            held++;
            if (priority != RequestPriority.RESTORE) {
                heldByOther++;
            }
            return new Permit(priority);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Signals the waiters that get a permit now, and only them (a release wakes one thread, not every waiter). A
     * signaled waiter checks again for itself, so one woken early or late only waits on.
     */
    private void wakeThoseWhoMayGo() {
        int free = permits - held;
        int otherRoom = otherCap - heldByOther;
        for (Waiter waiter : line) {
            if (free == 0) {
                return;
            }
            if (waiter.priority == RequestPriority.RESTORE || otherRoom > 0) {
                waiter.wake.signal();
                free--;
                if (waiter.priority != RequestPriority.RESTORE) {
                    otherRoom--;
                }
            }
        }
    }

    /**
     * Whether {@code me} gets a permit now: hands the free permits out in turn, as the contract says, and tells
     * whether one reaches {@code me}.
     */
    private boolean mayGo(Waiter me) {
        int free = permits - held;
        int otherRoom = otherCap - heldByOther;
        for (Waiter waiter : line) {
            if (free == 0) {
                return false;
            }
            boolean served = waiter.priority == RequestPriority.RESTORE || otherRoom > 0;
            if (waiter == me) {
                return served;
            }
            if (served) {
                free--;
                if (waiter.priority != RequestPriority.RESTORE) {
                    otherRoom--;
                }
            }
        }
        return false;
    }

    /** Requests of this priority waiting for a permit now (for metrics and tests). */
    public int waiting(RequestPriority priority) {
        lock.lock();
        try {
            return (int) line.stream().filter(w -> w.priority == priority).count();
        } finally {
            lock.unlock();
        }
    }

    /** Permits held now. */
    public int inUse() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    public int permits() {
        return permits;
    }

    /**
     * One waiting request, signaled through {@code wake} when its turn may have come: in turn by {@code turnNanos}
     * (System.nanoTime, compared by difference), then arrival.
     */
    private record Waiter(RequestPriority priority, long turnNanos, long arrival, Condition wake)
            implements Comparable<Waiter> {
        @Override
        public int compareTo(Waiter other) {
            long difference = turnNanos - other.turnNanos;
            return difference != 0 ? (difference < 0 ? -1 : 1) : Long.compare(arrival, other.arrival);
        }
    }
}
