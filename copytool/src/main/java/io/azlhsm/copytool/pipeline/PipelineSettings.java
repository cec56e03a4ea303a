package io.azlhsm.copytool.pipeline;

/**
 * The shape of the ring.
 *
 * @param ringSize  number of slots, a power of two; with {@code chunkSize} it fixes the memory budget
 * @param chunkSize bytes per slot buffer (the largest chunk a transfer may use)
 * @param readers   parallel read-stage handlers (concurrent preads or ranged downloads)
 * @param writers   parallel write-stage handlers (concurrent block uploads or pwrites)
 */
public record PipelineSettings(int ringSize, int chunkSize, int readers, int writers) {
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
    }

    /** Bytes of chunk buffers the ring holds: the data path's memory budget. */
    public long memoryBudget() {
        return (long) ringSize * chunkSize;
    }
}
