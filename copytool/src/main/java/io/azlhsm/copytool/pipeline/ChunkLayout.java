package io.azlhsm.copytool.pipeline;

/**
 * How a file of a given size is cut into chunks: fixed-size chunks from offset 0, the last one shorter. A zero-length
 * file is one empty chunk, so that it still travels through every stage and gets stored and verified like any other.
 *
 * @param size      file size in bytes
 * @param chunkSize chunk size in bytes, at most {@link Integer#MAX_VALUE} (one ring buffer)
 */
public record ChunkLayout(long size, int chunkSize) {
    public ChunkLayout {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunk size must be positive, got " + chunkSize);
        }
    }

    public int chunkCount() {
        if (size == 0) {
            return 1;
        }
        long count = (size + chunkSize - 1) / chunkSize;
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("file of " + size + " bytes needs too many chunks of " + chunkSize);
        }
        return (int) count;
    }

    public long offsetOf(int chunkIndex) {
        return (long) chunkIndex * chunkSize;
    }

    public int lengthOf(int chunkIndex) {
        return (int) Math.min(chunkSize, size - offsetOf(chunkIndex));
    }
}
