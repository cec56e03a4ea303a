package io.azlhsm.copytool.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The data movement of one HSM action, cut into chunks that travel through the ring.
 *
 * <p>Subclasses say what reading and writing a chunk mean and what happens when the last chunk is done. The pipeline
 * calls {@link #readChunk}, {@link #checksumChunk} and {@link #writeChunk} from its stage threads (checksum strictly
 * in chunk order, all of a transfer's chunks on one lane), and {@link #finish} exactly once, on the finisher executor, after every chunk has passed the last
 * stage or been skipped. A failure or a cancel makes the remaining chunks skip their I/O; {@code finish} then sees
 * {@link #failure()} or {@link #isCanceled()} and ends the action accordingly.
 */
public abstract class Transfer {
    /** Restores go first: a user is usually blocked on them. */
    public enum Priority {
        RESTORE,
        ARCHIVE
    }

    private static final AtomicLong SERIALS = new AtomicLong();

    private final ChunkLayout layout;
    private final Priority priority;
    private final long serial = SERIALS.getAndIncrement(); // picks the checksum lane
    private final AtomicInteger chunksCompleted = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<long[]> landedSinceLastDrain = new ArrayList<>();
    private volatile boolean canceled;
    private volatile Runnable onCancel; // the publisher's, while chunks of this transfer wait for ring slots
    private int nextChunkToPublish; // under the publisher's lock

    protected Transfer(ChunkLayout layout, Priority priority) {
        this.layout = layout;
        this.priority = priority;
    }

    public final ChunkLayout layout() {
        return layout;
    }

    public final Priority priority() {
        return priority;
    }

    /** The checksum lane of this transfer among {@code lanes}: fixed for its life, so its chunks stay in order. */
    final int checksumLane(int lanes) {
        return (int) (serial % lanes);
    }

    /** Fills {@code event.buffer()} with {@code event.length()} bytes of the chunk. Runs on a reader thread. */
    protected abstract void readChunk(TransferEvent event) throws Exception;

    /** Sees every chunk's bytes in chunk order, on one checksum lane's thread. Must not move the buffer's position. */
    protected abstract void checksumChunk(TransferEvent event) throws Exception;

    /** Stores the chunk's bytes. Runs on a writer thread, after {@link #checksumChunk} saw the same chunk. */
    protected abstract void writeChunk(TransferEvent event) throws Exception;

    /** Called once, after all chunks are done or skipped: commit or clean up, and end the action. */
    protected abstract void finish();

    /** Records the first failure; later chunks skip their I/O. */
    public final void fail(Throwable cause) {
        failure.compareAndSet(null, cause);
    }

    /**
     * Asks the transfer to stop promptly; chunks not yet read or written skip their I/O, and chunks not yet in the
     * ring are dropped at once (a full ring must not hold a canceled transfer's end back).
     */
    public final void cancel() {
        canceled = true;
        Runnable listener = onCancel;
        if (listener != null) {
            listener.run();
        }
    }

    /** Set by the publisher when the transfer is submitted; run on {@link #cancel}, maybe more than once. */
    final void onCancel(Runnable listener) {
        onCancel = listener;
        if (canceled) {
            listener.run();
        }
    }

    public final boolean isCanceled() {
        return canceled;
    }

    public final Throwable failure() {
        return failure.get();
    }

    /** True once the transfer failed or was canceled: its remaining chunks only need to be counted. */
    public final boolean isAborted() {
        return canceled || failure.get() != null;
    }

    /**
     * Byte ranges that completed every stage since the last call, merged where they touch, as {@code {offset, length}}
     * pairs in ascending order. The progress reporter drains these.
     */
    public final List<long[]> drainLandedExtents() {
        List<long[]> landed;
        synchronized (landedSinceLastDrain) {
            if (landedSinceLastDrain.isEmpty()) {
                return List.of();
            }
            landed = new ArrayList<>(landedSinceLastDrain);
            landedSinceLastDrain.clear();
        }
        landed.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged = new ArrayList<>();
        for (long[] extent : landed) {
            long[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (last != null && last[0] + last[1] == extent[0]) {
                last[1] += extent[1];
            } else {
                merged.add(new long[] {extent[0], extent[1]});
            }
        }
        return merged;
    }

    /**
     * Whether a chunk counts as landed (for progress) when it passes the last stage. Transfers that store data
     * elsewhere than in the write stage say no and call {@link #recordLanded} themselves when it is really stored.
     */
    protected boolean landsAtCompletion() {
        return true;
    }

    /** Records a byte range as stored, for the next progress report. */
    protected final void recordLanded(long offset, long length) {
        synchronized (landedSinceLastDrain) {
            landedSinceLastDrain.add(new long[] {offset, length});
        }
    }

    // ---- pipeline-side bookkeeping ------------------------------------------------------------------------------

    /** Next chunk index to publish, or -1 when every chunk is out. Under the publisher's lock. */
    final int claimNextChunk() {
        if (nextChunkToPublish >= layout.chunkCount()) {
            return -1;
        }
        return nextChunkToPublish++;
    }

    final boolean allChunksClaimed() {
        return nextChunkToPublish >= layout.chunkCount();
    }

    /**
     * Counts the chunks that will never be published because the transfer is aborted.
     *
     * @return true when that made the transfer complete
     */
    final boolean skipUnpublishedChunks() {
        int remaining = layout.chunkCount() - nextChunkToPublish;
        nextChunkToPublish = layout.chunkCount();
        return remaining > 0 && chunksCompleted.addAndGet(remaining) == layout.chunkCount();
    }

    /**
     * Records that a chunk passed the last stage.
     *
     * @return true for the call that completes the transfer
     */
    final boolean chunkCompleted(TransferEvent event, boolean landed) {
        if (landed && landsAtCompletion()) {
            recordLanded(event.offset(), event.length());
        }
        return chunksCompleted.incrementAndGet() == layout.chunkCount();
    }
}
