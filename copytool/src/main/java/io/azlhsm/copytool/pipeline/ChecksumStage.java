package io.azlhsm.copytool.pipeline;

/**
 * The single, in-order stage: sees every chunk in sequence order, which for one transfer is chunk order, so a
 * whole-file digest can be computed while reads and writes run in parallel around it.
 */
final class ChecksumStage extends RingStage {
    @Override
    void process(TransferEvent event, long sequence) {
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
