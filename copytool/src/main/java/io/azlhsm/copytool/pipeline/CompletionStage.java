package io.azlhsm.copytool.pipeline;

import java.util.concurrent.Executor;

/**
 * The last stage: waits for a chunk's write still in flight ({@link TransferEvent#writeContinues}), counts finished chunks and hands a transfer whose chunks are all done to the finisher executor, so
 * that committing a blob or ending an action (both slow) never holds up the ring.
 */
final class CompletionStage extends RingStage {
    private final Executor finisher;

    CompletionStage(Executor finisher) {
        this.finisher = finisher;
    }

    @Override
    void process(TransferEvent event, long sequence) {
        Transfer transfer = event.transfer();
        event.awaitWrite(); // the slot is released only once nothing reads its buffer any more
        boolean transferDone = transfer.chunkCompleted(event, !transfer.isAborted());
        event.release();
        if (transferDone) {
            finisher.execute(transfer::finish);
        }
    }
}
