package io.azlhsm.copytool.pipeline;

import com.lmax.disruptor.EventHandler;

/**
 * One of N parallel readers: handles the events whose sequence modulo N is its own, so N chunks are read at once
 * (pread from Lustre for archives, ranged GETs for restores) while each event is still handled by exactly one thread.
 */
final class ReadStage implements EventHandler<TransferEvent> {
    private final int ordinal;
    private final int count;

    ReadStage(int ordinal, int count) {
        this.ordinal = ordinal;
        this.count = count;
    }

    @Override
    public void onEvent(TransferEvent event, long sequence, boolean endOfBatch) {
        if (sequence % count != ordinal) {
            return;
        }
        Transfer transfer = event.transfer();
        if (transfer.isAborted()) {
            return;
        }
        try {
            transfer.readChunk(event);
            if (event.buffer().position() != event.length()) {
                throw new java.io.IOException("short read: chunk " + event.chunkIndex() + " at offset " + event.offset()
                        + " got " + event.buffer().position() + " of " + event.length() + " bytes");
            }
            event.buffer().flip();
        } catch (Throwable failure) {
            transfer.fail(failure);
        }
    }
}
