package io.azlhsm.copytool.pipeline;

/**
 * The shape of the ring and of every other buffer of file data, which together make the data path's memory budget.
 *
 * @param ringSize    number of slots, a power of two
 * @param chunkSize   bytes per slot buffer (the largest chunk a transfer may use)
 * @param readers     parallel read-stage handlers (concurrent preads or ranged downloads)
 * @param writers     parallel write-stage handlers (concurrent block uploads or pwrites); also the number of
 *                    streamed blocks (blocks larger than a chunk, read again from Lustre) uploading at once
 * @param inlineLanes small files moved at once outside the ring, each in a buffer of its own ({@link InlineLane})
 */
public record PipelineSettings(int ringSize, int chunkSize, int readers, int writers, int inlineLanes) {
    /** The buffer each streamed block upload reads its range through. */
    public static final int STREAM_BUFFER_BYTES = 1 << 20;

    public PipelineSettings {
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1) {
            throw new IllegalArgumentException("ring size must be a power of two >= 2, got " + ringSize);
        }
        if (chunkSize < 4096) {
            throw new IllegalArgumentException("chunk size must be at least 4096 bytes, got " + chunkSize);
        }
        if (readers < 1 || writers < 1) {
            throw new IllegalArgumentException("need at least one reader and one writer");
        }
        if (inlineLanes < 0) {
            throw new IllegalArgumentException("inline lanes cannot be negative: " + inlineLanes);
        }
    }

    /** A ring with one inline lane (tests of the ring itself). */
    public PipelineSettings(int ringSize, int chunkSize, int readers, int writers) {
        this(ringSize, chunkSize, readers, writers, 1);
    }

    /** Bytes of the ring's chunk buffers. */
    public long ringBytes() {
        return (long) ringSize * chunkSize;
    }

    /** Bytes of the inline lanes' buffers, one per lane. */
    public long inlineBytes() {
        return (long) inlineLanes * InlineLane.bufferSize(chunkSize);
    }

    /** Bytes of the streamed-block buffers, one per writer. */
    public long streamBytes() {
        return (long) writers * STREAM_BUFFER_BYTES;
    }

    /** Every byte of file data the agent may hold at once: ring, inline lanes and streamed-block buffers. */
    public long memoryBudget() {
        return ringBytes() + inlineBytes() + streamBytes();
    }
}
