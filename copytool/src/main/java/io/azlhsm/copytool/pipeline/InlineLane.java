package io.azlhsm.copytool.pipeline;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Moves a small file's single chunk on the thread that submits it: read, checksum, write and finish one after another,
 * in a buffer of the lane's own.
 *
 * <p>A file of one chunk gains nothing from the ring: one reader and one writer handle it there too, one after the
 * other, and getting it through costs a hand-off to each of five threads and a wake-up of every stage thread. For
 * 64 KiB files that was most of the agent's CPU and the reason it moved fewer files per second than azcopy. Files
 * above {@link #LIMIT} go through the ring, where reads and writes of different chunks overlap.
 *
 * <p>Memory: at most {@code lanes} buffers of {@link #bufferSize} bytes, each made when first needed and kept for the
 * next small file; they are part of the memory budget ({@link PipelineSettings#inlineBytes}). A small file submitted
 * while every buffer is in use goes through the ring.
 */
final class InlineLane {
    /** Largest file moved inline, in bytes (further bounded by the ring's chunk size). */
    static final int LIMIT = 1 << 20;

    private final int limit;
    private final int lanes;
    private final BlockingQueue<TransferEvent> free;
    private final AtomicInteger made = new AtomicInteger();

    InlineLane(int chunkSize, int lanes) {
        this.limit = bufferSize(chunkSize);
        this.lanes = lanes;
        this.free = new ArrayBlockingQueue<>(Math.max(1, lanes));
    }

    /** Bytes of one lane's buffer. */
    static int bufferSize(int chunkSize) {
        return Math.min(LIMIT, chunkSize);
    }

    boolean accepts(Transfer transfer) {
        return lanes > 0 && transfer.layout().chunkCount() == 1 && transfer.layout().size() <= limit;
    }

    /**
     * Runs every step of the transfer here, {@link Transfer#finish} included, and returns true when it has ended; false,
     * having done nothing, when every lane is busy.
     */
    boolean run(Transfer transfer) {
        TransferEvent slot = take();
        if (slot == null) {
            return false;
        }
        try {
            ChunkLayout layout = transfer.layout();
            slot.assign(transfer, 0, 0, layout.lengthOf(0));
            try {
                if (!transfer.isAborted()) {
                    ReadStage.fill(transfer, slot);
                }
                if (!transfer.isAborted()) {
                    transfer.checksumChunk(slot);
                }
                if (!transfer.isAborted()) {
                    transfer.writeChunk(slot);
                }
            } catch (Throwable failure) {
                transfer.fail(failure);
            }
            slot.awaitWrite();
            transfer.chunkCompleted(slot, !transfer.isAborted());
            slot.release();
        } finally {
            free.add(slot);
        }
        transfer.finish();
        return true;
    }

    /**
     * Gives the memory of every lane buffer not in use back to the kernel ({@link IdlePages}); a lane taken meanwhile
     * is made anew or the file goes through the ring, as when every lane is busy.
     *
     * @return bytes given back
     */
    long releaseFreeLanes() {
        List<TransferEvent> idle = new ArrayList<>();
        free.drainTo(idle); // taken out of the free queue: no file can use them until they are put back below
        long released = 0;
        try {
            for (TransferEvent slot : idle) {
                released += IdlePages.release(slot.buffer());
            }
        } finally {
            free.addAll(idle);
        }
        return released;
    }

    /** The buffers of the lanes not in use now. */
    List<ByteBuffer> freeBuffers() {
        List<ByteBuffer> buffers = new ArrayList<>();
        for (TransferEvent slot : free) {
            buffers.add(slot.buffer());
        }
        return buffers;
    }

    private TransferEvent take() {
        TransferEvent slot = free.poll();
        if (slot != null) {
            return slot;
        }
        while (true) {
            int count = made.get();
            if (count >= lanes) {
                return null;
            }
            if (made.compareAndSet(count, count + 1)) {
                return new TransferEvent(limit);
            }
        }
    }
}
