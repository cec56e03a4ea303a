package io.azlhsm.copytool.pipeline;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One ring slot: a chunk of one transfer and the buffer that carries its bytes between stages.
 *
 * <p>The buffer is allocated once with the slot and reused for every chunk that passes through it. Between publish
 * and completion the slot belongs to exactly one stage at a time, as the Disruptor's sequence barriers guarantee, so
 * no field here needs synchronisation.
 */
public final class TransferEvent {
    private final ByteBuffer buffer;
    private Transfer transfer;
    private int chunkIndex;
    private long offset;
    private int length;
    private CompletableFuture<?> writeInFlight; // a write that outlives the write stage's call, holding the buffer

    TransferEvent(int capacity) {
        this.buffer = ByteBuffer.allocateDirect(capacity);
    }

    void assign(Transfer transfer, int chunkIndex, long offset, int length) {
        this.transfer = transfer;
        this.chunkIndex = chunkIndex;
        this.offset = offset;
        this.length = length;
        this.writeInFlight = null;
        buffer.clear().limit(length);
    }

    /**
     * Write stage: the chunk's write goes on after {@link Transfer#writeChunk} returns (an upload handed to another
     * thread, so one file can have more uploads in flight than the ring has write handlers). The slot, and with it the
     * buffer the upload reads, stays this chunk's until the write is done: the last stage waits for it before it
     * releases the slot, so memory stays bounded by the ring. The write records its own failure on the transfer.
     */
    public void writeContinues(CompletableFuture<?> write) {
        this.writeInFlight = write;
    }

    /** Last stage: waits for a write still in flight (its failure was recorded on the transfer by the write). */
    void awaitWrite() {
        CompletableFuture<?> write = writeInFlight;
        if (write != null) {
            write.exceptionally(failure -> null).join();
            writeInFlight = null;
        }
    }

    void release() {
        transfer = null;
    }

    public Transfer transfer() {
        return transfer;
    }

    /** Index of this chunk within its transfer, from 0. */
    public int chunkIndex() {
        return chunkIndex;
    }

    /** Byte offset of this chunk within the file. */
    public long offset() {
        return offset;
    }

    /** Number of bytes in this chunk. */
    public int length() {
        return length;
    }

    /**
     * The chunk's bytes. Readers fill it from position 0 to {@link #length()}; later stages see it flipped (position 0,
     * limit {@code length}). Stages must not keep a reference after returning.
     */
    public ByteBuffer buffer() {
        return buffer;
    }
}
