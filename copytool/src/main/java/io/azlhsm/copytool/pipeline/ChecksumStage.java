package io.azlhsm.copytool.pipeline;

/**
 * One lane of the in-order stage: sees the chunks of its transfers in sequence order, which for one transfer is chunk
 * order, so a whole-file digest can be computed while reads and writes run in parallel around it.
 *
 * <p>A whole-file MD5 cannot be split, so one transfer's digest runs on one core (~0.6 GB/s here). Lanes let
 * different transfers digest on different cores at once: every transfer belongs to one lane for its whole life.
 */
final class ChecksumStage extends RingStage {
    private final int lane;
    private final int lanes;

    ChecksumStage(int lane, int lanes) {
        this.lane = lane;
        this.lanes = lanes;
    }

    @Override
    void process(TransferEvent event, long sequence) {
        Transfer transfer = event.transfer();
        if (transfer.checksumLane(lanes) != lane || transfer.isAborted()) {
            return;
        }
        try {
            transfer.checksumChunk(event);
        } catch (Throwable failure) {
            transfer.fail(failure);
        }
    }
}
