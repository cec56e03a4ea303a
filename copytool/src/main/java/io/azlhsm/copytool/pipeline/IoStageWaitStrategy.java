package io.azlhsm.copytool.pipeline;

import com.lmax.disruptor.AlertException;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * How the pipeline's stage threads wait, made for stages that do I/O on machines that also run a Lustre client.
 *
 * <ul>
 *   <li>Nothing published: block on a condition the publisher signals. An idle agent costs no CPU at all.</li>
 *   <li>Published, but the upstream stage is still on it (a read or an upload in progress): spin briefly, then park
 *       with a backoff doubling up to {@link #MAX_PARK_NANOS}, since the wait is as long as an I/O.</li>
 * </ul>
 * Disruptor's BlockingWaitStrategy does the first and busy-spins on the second, which burned a core per waiting
 * thread and halved restore throughput; its SleepingWaitStrategy parks in both cases, which woke every idle stage
 * thousands of times a second.
 */
final class IoStageWaitStrategy implements WaitStrategy {
    static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int SPINS = 100;
    private static final long FIRST_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(2);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition published = lock.newCondition();

    @Override
    public long waitFor(long sequence, Sequence cursor, Sequence dependentSequence, SequenceBarrier barrier)
            throws AlertException, InterruptedException {
        if (cursor.get() < sequence) {
            lock.lock();
            try {
                while (cursor.get() < sequence) {
                    barrier.checkAlert();
                    published.await();
                }
            } finally {
                lock.unlock();
            }
        }
        long available;
        int spins = 0;
        long park = FIRST_PARK_NANOS;
        while ((available = dependentSequence.get()) < sequence) {
            barrier.checkAlert();
            if (spins < SPINS) {
                spins++;
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(park);
                park = Math.min(park * 2, MAX_PARK_NANOS);
            }
        }
        return available;
    }

    @Override
    public void signalAllWhenBlocking() {
        lock.lock();
        try {
            published.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
