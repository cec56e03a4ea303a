package io.azlhsm.copytool.pipeline;

/**
 * One of N handlers sharing a stage: each handles the events whose sequence modulo N is its own, so N chunks are
 * worked on at once while each event is still handled by exactly one thread. Chunks of aborted transfers pass
 * through untouched; a failure is recorded on the chunk's transfer, never thrown into the ring.
 */
abstract class ParallelStage extends RingStage {
    private final int ordinal;
    private final int count;

    ParallelStage(int ordinal, int count) {
        this.ordinal = ordinal;
        this.count = count;
    }

    @Override
    final void process(TransferEvent event, long sequence) {
        if (sequence % count != ordinal) {
            return;
        }
        Transfer transfer = event.transfer();
        if (transfer.isAborted()) {
            return;
        }
        try {
            handle(transfer, event);
        } catch (Throwable failure) {
            transfer.fail(failure);
        }
    }

    abstract void handle(Transfer transfer, TransferEvent event) throws Exception;
}
