package io.azlhsm.copytool.pipeline;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;

/**
 * A stage of the ring that tells the stages after it about every chunk it finishes, not only at the end of a batch.
 *
 * <p>The Disruptor's batch processor publishes a handler's progress once per batch, and a batch is everything
 * available when it looked: up to the whole ring. With slow I/O (a throttled link, a far blob endpoint) the next stage
 * would then see nothing until the whole batch is done: no overlap between reading and writing, no slot released, no
 * progress for the coordinator. Publishing each finished sequence keeps the stages overlapping chunk by chunk.
 */
abstract class RingStage implements EventHandler<TransferEvent> {
    private Sequence finished;

    @Override
    public final void setSequenceCallback(Sequence sequenceCallback) {
        this.finished = sequenceCallback;
    }

    @Override
    public final void onEvent(TransferEvent event, long sequence, boolean endOfBatch) {
        process(event, sequence);
        if (finished != null) {
            finished.set(sequence);
        }
    }

    /** Handles one chunk; never throws into the ring (failures are recorded on the chunk's transfer). */
    abstract void process(TransferEvent event, long sequence);
}
