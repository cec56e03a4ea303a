package io.azlhsm.copytool.pipeline;

import com.lmax.disruptor.EventHandler;

/**
 * The single, in-order stage: sees every chunk in sequence order, which for one transfer is chunk order, so a
 * whole-file digest can be computed while reads and writes run in parallel around it.
 */
final class ChecksumStage implements EventHandler<TransferEvent> {
    @Override
    public void onEvent(TransferEvent event, long sequence, boolean endOfBatch) {
        Transfer transfer = event.transfer();
        if (transfer.isAborted()) {
            return;
        }
        try {
            transfer.checksumChunk(event);
        } catch (Throwable failure) {
            transfer.fail(failure);
        }
    }
}
