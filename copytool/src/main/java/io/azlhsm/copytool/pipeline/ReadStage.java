package io.azlhsm.copytool.pipeline;

import java.io.IOException;

/** Fills chunks: pread from Lustre for archives, ranged GETs for restores; a short read fails the transfer. */
final class ReadStage extends ParallelStage {
    ReadStage(int ordinal, int count) {
        super(ordinal, count);
    }

    @Override
    void handle(Transfer transfer, TransferEvent event) throws Exception {
        fill(transfer, event);
    }

    /** Reads the chunk and leaves its buffer flipped for the stages after; a short read fails. */
    static void fill(Transfer transfer, TransferEvent event) throws Exception {
        transfer.readChunk(event);
        if (event.buffer().position() != event.length()) {
            throw new IOException("short read: chunk " + event.chunkIndex() + " at offset " + event.offset()
                    + " got " + event.buffer().position() + " of " + event.length() + " bytes");
        }
        event.buffer().flip();
    }
}
