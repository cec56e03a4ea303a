package io.azlhsm.copytool.pipeline;

/**
 * Fills a ring slot that was claimed but found no chunk to carry (every queued transfer was aborted meanwhile).
 * It is always "aborted", so every stage passes it through without I/O, and it never finishes.
 */
final class NoOpTransfer extends Transfer {
    static final NoOpTransfer INSTANCE = new NoOpTransfer();

    private NoOpTransfer() {
        super(new ChunkLayout(0, 1), Priority.ARCHIVE);
        cancel();
    }

    @Override
    protected void readChunk(TransferEvent event) {
    }

    @Override
    protected void checksumChunk(TransferEvent event) {
    }

    @Override
    protected void writeChunk(TransferEvent event) {
    }

    @Override
    protected void finish() {
    }
}
