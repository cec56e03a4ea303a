package io.azlhsm.copytool.pipeline;

/**
 * Moves a small file's single chunk on the thread that submits it: read, checksum, write and finish one after another,
 * in a buffer that thread keeps for the next small file.
 *
 * <p>A file of one chunk gains nothing from the ring: one reader and one writer handle it there too, one after the
 * other, and getting it through costs a hand-off to each of five threads and a wake-up of every stage thread. For
 * 64 KiB files that was most of the agent's CPU and the reason it moved fewer files per second than azcopy. Files
 * above {@link #LIMIT} go through the ring, where reads and writes of different chunks overlap.
 *
 * <p>Memory: each submitting thread holds one buffer of at most {@link #LIMIT} bytes, allocated when it first moves a
 * small file, on top of the ring's budget.
 */
final class InlineLane {
    /** Largest file moved inline, in bytes (further bounded by the ring's chunk size). */
    static final int LIMIT = 1 << 20;

    private final int limit;
    private final ThreadLocal<TransferEvent> slots;

    InlineLane(int chunkSize) {
        this.limit = Math.min(LIMIT, chunkSize);
        this.slots = ThreadLocal.withInitial(() -> new TransferEvent(limit));
    }

    boolean accepts(Transfer transfer) {
        return transfer.layout().chunkCount() == 1 && transfer.layout().size() <= limit;
    }

    /** Runs every step of the transfer here, {@link Transfer#finish} included, and returns when it has ended. */
    void run(Transfer transfer) {
        TransferEvent slot = slots.get();
        ChunkLayout layout = transfer.layout();
        slot.assign(transfer, 0, 0, layout.lengthOf(0));
        try {
            if (!transfer.isAborted()) {
                ReadStage.fill(transfer, slot);
            }
            if (!transfer.isAborted()) {
                transfer.checksumChunk(slot);
            }
            if (!transfer.isAborted()) {
                transfer.writeChunk(slot);
            }
        } catch (Throwable failure) {
            transfer.fail(failure);
        }
        transfer.chunkCompleted(slot, !transfer.isAborted());
        slot.release();
        transfer.finish();
    }
}
