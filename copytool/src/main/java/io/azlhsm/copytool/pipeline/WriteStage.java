package io.azlhsm.copytool.pipeline;

import com.lmax.disruptor.EventHandler;

/** One of N parallel writers (stage a block or Put Blob for archives, pwrite into the volatile file for restores). */
final class WriteStage implements EventHandler<TransferEvent> {
    private final int ordinal;
    private final int count;

    WriteStage(int ordinal, int count) {
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
            transfer.writeChunk(event);
        } catch (Throwable failure) {
            transfer.fail(failure);
        }
    }
}
