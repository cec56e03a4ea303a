package io.azlhsm.copytool.limits;

import io.azlhsm.copytool.archive.RequestPriority;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket of bytes per second shared by the transfers of one archive (or of the whole agent).
 *
 * <p>Tokens accrue at the rate up to one second's worth, so an idle link allows a burst of at most one second. A
 * request larger than the bucket waits until the bucket is full and then takes it into debt, so chunks of any size
 * pass and the long-run rate holds. When restores and other transfers both wait, restores are served first (by the
 * {@link RequestPriority} of the asking action): a user is usually blocked on a restore. As in every queue of the
 * agent, a request that has waited {@link RequestPriority#AGING} is then served as a restore would be, so that a flood
 * of restores never stops archives. The rate can change at any moment ({@link #setRate}), waking the waiters; a rate
 * of 0 means unlimited. A wait ends at once when its thread is interrupted (a stopped action).
 */
public final class BandwidthLimiter {
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition changed = lock.newCondition();
    private final int[] waiting = new int[RequestPriority.values().length];
    /** Waiting requests served as restores: restores, and others that have waited {@link #agingNanos}. */
    private int servedAsRestores;
    private final long agingNanos;
    private long bytesPerSecond;
    private double tokens;
    private long refilledAtNanos = System.nanoTime();

    public BandwidthLimiter(long bytesPerSecond) {
        this(bytesPerSecond, RequestPriority.AGING);
    }

    BandwidthLimiter(long bytesPerSecond, Duration aging) {
        this.agingNanos = aging.toNanos();
        setRate(bytesPerSecond);
    }

    public long rate() {
        lock.lock();
        try {
            return bytesPerSecond;
        } finally {
            lock.unlock();
        }
    }

    /** Requests of this priority waiting now (for status and tests). */
    public int waiting(RequestPriority priority) {
        lock.lock();
        try {
            return waiting[priority.ordinal()];
        } finally {
            lock.unlock();
        }
    }

    /** Changes the rate at once; waiting transfers re-check against the new rate. */
    public void setRate(long newBytesPerSecond) {
        if (newBytesPerSecond < 0) {
            throw new IllegalArgumentException("negative rate " + newBytesPerSecond);
        }
        lock.lock();
        try {
            refill();
            bytesPerSecond = newBytesPerSecond;
            tokens = Math.min(tokens, newBytesPerSecond);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until {@code bytes} may be sent or received by a request of this priority.
     *
     * @return nanoseconds spent waiting (0 when the bucket had enough)
     * @throws InterruptedException when the thread is interrupted while it waits
     */
    public long acquire(long bytes, RequestPriority priority) throws InterruptedException {
        long start = System.nanoTime();
        lock.lockInterruptibly();
        try {
            waiting[priority.ordinal()]++;
            boolean asRestore = priority == RequestPriority.RESTORE;
            if (asRestore) {
                servedAsRestores++;
            }
            try {
                while (true) {
                    if (bytesPerSecond == 0) {
                        return System.nanoTime() - start;
                    }
                    refill();
                    if (!asRestore && System.nanoTime() - start >= agingNanos) {
                        asRestore = true; // waited long enough: competes with the restores from now on
                        servedAsRestores++;
                    }
                    boolean myTurn = asRestore || servedAsRestores == 0;
                    double needed = Math.min(bytes, bytesPerSecond); // larger requests go into debt
                    if (myTurn && tokens >= needed) {
                        tokens -= bytes;
                        return System.nanoTime() - start;
                    }
                    long waitNanos = myTurn
                            ? (long) ((needed - tokens) * TimeUnit.SECONDS.toNanos(1) / bytesPerSecond) + 1
                            : TimeUnit.MILLISECONDS.toNanos(10);
                    changed.awaitNanos(Math.max(TimeUnit.MICROSECONDS.toNanos(100), waitNanos));
                }
            } finally {
                waiting[priority.ordinal()]--;
                if (asRestore) {
                    servedAsRestores--;
                }
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private void refill() {
        long now = System.nanoTime();
        if (bytesPerSecond > 0) {
            tokens = Math.min(bytesPerSecond, tokens + (now - refilledAtNanos) * (double) bytesPerSecond / 1e9);
        }
        refilledAtNanos = now;
    }
}
