package io.azlhsm.copytool.pipeline;

import com.lmax.disruptor.RingBuffer;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The ring's single producer: puts the chunks of submitted transfers into ring slots.
 *
 * <p>It claims a free slot first and only then picks whose chunk goes in it, so a restore submitted while the ring is
 * full of archive chunks takes the very next free slot: restores wait behind at most one ring of chunks, never behind
 * whole files. Within a priority it rotates between transfers chunk by chunk, so one huge file cannot starve many
 * small ones. Claiming a slot blocks while the ring is full; that is the back-pressure that bounds memory.
 */
final class ChunkPublisher implements Runnable {
    private final RingBuffer<TransferEvent> ring;
    private final Executor finisher;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition pending = lock.newCondition();
    private final Map<Transfer.Priority, ArrayDeque<Transfer>> queues = new EnumMap<>(Transfer.Priority.class);
    private final long idleNanos;
    private final BooleanSupplier whenIdle;
    /** whenIdle has given the memory back: wait untimed until a transfer comes ({@link #activity}). */
    private volatile boolean released;
    private volatile boolean running = true;

    /**
     * @param idleNanos how long this thread waits for work before it runs {@code whenIdle}, and again while that
     *                  answers false
     * @param whenIdle  run on this thread, the ring's only producer, when it has waited {@code idleNanos} with nothing
     *                  to publish and every slot has passed the last stage: no slot is in use then, and none can be
     *                  claimed until it returns. True when it gave the memory back: this thread then waits without a
     *                  timeout (an idle agent wakes no thread) until {@link #activity} or a submit.
     */
    ChunkPublisher(RingBuffer<TransferEvent> ring, Executor finisher, long idleNanos, BooleanSupplier whenIdle) {
        this.ring = ring;
        this.finisher = finisher;
        this.idleNanos = idleNanos;
        this.whenIdle = whenIdle;
        for (Transfer.Priority priority : Transfer.Priority.values()) {
            queues.put(priority, new ArrayDeque<>());
        }
    }

    void submit(Transfer transfer) {
        lock.lock();
        try {
            queues.get(transfer.priority()).addLast(transfer);
            released = false;
            pending.signal();
        } finally {
            lock.unlock();
        }
        transfer.onCancel(() -> withdraw(transfer));
    }

    /**
     * Something was given to the pipeline (a transfer moved outside the ring too): after memory was given back, wake
     * this thread so that it gives back again what that work makes resident once idle anew. A volatile read otherwise.
     */
    void activity() {
        if (released) {
            lock.lock();
            try {
                released = false;
                pending.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Drops a canceled transfer's chunks not yet published, at once rather than when it next gets a slot (which, with
     * the ring full of another transfer's slow chunks, can be minutes), and finishes it if none is left in the ring.
     */
    private void withdraw(Transfer transfer) {
        boolean complete;
        lock.lock();
        try {
            if (!queues.get(transfer.priority()).remove(transfer)) {
                return; // every chunk is in the ring already, or it was withdrawn before
            }
            complete = transfer.skipUnpublishedChunks();
        } finally {
            lock.unlock();
        }
        if (complete) {
            finisher.execute(transfer::finish);
        }
    }

    /** Transfers with chunks still to publish, per priority. */
    int waiting(Transfer.Priority priority) {
        lock.lock();
        try {
            return queues.get(priority).size();
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        running = false;
        lock.lock();
        try {
            pending.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void run() {
        try {
            while (awaitWork()) {
                long sequence = ring.next();
                boolean published = false;
                try {
                    published = fill(ring.get(sequence));
                } finally {
                    if (!published) {
                        // A claimed slot must always be published; an unassigned one passes as a no-op chunk.
                        ring.get(sequence).assign(NoOpTransfer.INSTANCE, 0, 0, 0);
                    }
                    ring.publish(sequence);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean awaitWork() throws InterruptedException {
        lock.lock();
        try {
            while (running && nothingToPublish()) {
                if (released) {
                    pending.await();
                } else if (pending.awaitNanos(idleNanos) <= 0 && running && nothingToPublish() && ringDrained()) {
                    // set first: work that comes while whenIdle runs clears it (activity, submit), so the memory
                    // that work makes resident is given back after the next idle period, not kept until more work
                    released = true;
                    boolean gaveBack = false;
                    lock.unlock(); // a submit meanwhile waits for this thread, which is busy here, not for the lock
                    try {
                        gaveBack = whenIdle.getAsBoolean();
                    } finally {
                        lock.lock();
                        if (!gaveBack) {
                            released = false;
                        }
                    }
                }
            }
            return running;
        } finally {
            lock.unlock();
        }
    }

    private boolean nothingToPublish() {
        return queues.values().stream().allMatch(ArrayDeque::isEmpty);
    }

    /** Every published slot has passed the last stage (which waits for a write still in flight before it lets go). */
    private boolean ringDrained() {
        return ring.remainingCapacity() == ring.getBufferSize();
    }

    /** Picks the next chunk by priority and writes it into the slot; false if nothing was left to publish. */
    private boolean fill(TransferEvent slot) {
        lock.lock();
        try {
            for (Transfer.Priority priority : Transfer.Priority.values()) {
                ArrayDeque<Transfer> queue = queues.get(priority);
                while (!queue.isEmpty()) {
                    Transfer transfer = queue.pollFirst();
                    if (transfer.isAborted()) {
                        if (transfer.skipUnpublishedChunks()) {
                            finisher.execute(transfer::finish);
                        }
                        continue;
                    }
                    int chunk = transfer.claimNextChunk();
                    if (!transfer.allChunksClaimed()) {
                        queue.addLast(transfer);
                    }
                    ChunkLayout layout = transfer.layout();
                    slot.assign(transfer, chunk, layout.offsetOf(chunk), layout.lengthOf(chunk));
                    return true;
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }
}
