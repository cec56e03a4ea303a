package io.azlhsm.copytool.pipeline;

/** Stores chunks: stage a block or Put Blob for archives, pwrite into the volatile file for restores. */
final class WriteStage extends ParallelStage {
    WriteStage(int ordinal, int count) {
        super(ordinal, count);
    }

    @Override
    void handle(Transfer transfer, TransferEvent event) throws Exception {
        transfer.writeChunk(event);
    }
}
