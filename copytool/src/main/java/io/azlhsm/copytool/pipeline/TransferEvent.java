package io.azlhsm.copytool.pipeline;

import java.nio.ByteBuffer;

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

    TransferEvent(int capacity) {
        this.buffer = ByteBuffer.allocateDirect(capacity);
    }

    void assign(Transfer transfer, int chunkIndex, long offset, int length) {
        this.transfer = transfer;
        this.chunkIndex = chunkIndex;
        this.offset = offset;
        this.length = length;
        buffer.clear().limit(length);
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
