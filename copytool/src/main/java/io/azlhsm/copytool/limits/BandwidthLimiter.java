package io.azlhsm.copytool.limits;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A token bucket of bytes per second shared by the transfers of one archive (or of the whole agent).
 *
 * <p>Tokens accrue at the rate up to one second's worth, so an idle link allows a burst of at most one second. A
 * request larger than the bucket waits until the bucket is full and then takes it into debt, so chunks of any size
 * pass and the long-run rate holds. When restores and archives both wait, restores are served first: a user is
 * usually blocked on a restore. The rate can change at any moment ({@link #setRate}), waking the waiters; a rate of
 * 0 means unlimited.
 */
public final class BandwidthLimiter {
    /** Which kind of transfer asks: restores go first. */
    public enum Direction {
        RESTORE,
        ARCHIVE
    }

    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition changed = lock.newCondition();
    private final int[] waiting = new int[Direction.values().length];
    private long bytesPerSecond;
    private double tokens;
    private long refilledAtNanos = System.nanoTime();

    public BandwidthLimiter(long bytesPerSecond) {
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

    /** Requests of this direction waiting now (for status and tests). */
    public int waiting(Direction direction) {
        lock.lock();
        try {
            return waiting[direction.ordinal()];
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
     * Blocks until {@code bytes} may be sent or received.
     *
     * @return nanoseconds spent waiting (0 when the bucket had enough)
     */
    public long acquire(long bytes, Direction direction) throws InterruptedException {
        long start = System.nanoTime();
        lock.lock();
        try {
            waiting[direction.ordinal()]++;
            try {
                while (true) {
                    if (bytesPerSecond == 0) {
                        return System.nanoTime() - start;
                    }
                    refill();
                    boolean myTurn = direction == Direction.RESTORE || waiting[Direction.RESTORE.ordinal()] == 0;
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
                waiting[direction.ordinal()]--;
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
