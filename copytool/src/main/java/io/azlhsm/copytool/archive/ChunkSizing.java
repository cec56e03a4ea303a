package io.azlhsm.copytool.archive;

import io.azlhsm.copytool.archive.ArchiveException.Kind;

/**
 * Chooses the chunk size for a file: the configured size, grown in whole MiB when the file would otherwise need more
 * parts than the archive allows (50,000 blocks for a block blob), never above the largest chunk the archive accepts
 * (Azure: 4,000 MiB per block, so the largest blob is 50,000 x 4,000 MiB, about 190.7 TiB). A grown chunk may be
 * larger than a {@link java.nio.ByteBuffer} can hold: the archive streams such blocks from the file, a ring chunk at
 * a time, and memory stays bounded by the ring.
 */
public final class ChunkSizing {
    public static final long MIB = 1024L * 1024;
    /** The largest whole-MiB size that fits in one ByteBuffer (capacity is an int): 2,047 MiB. */
    public static final long MAX_BUFFER_CHUNK = (Integer.MAX_VALUE / MIB) * MIB;

    private final long configuredChunkSize;
    private final long maxParts;
    private final long maxChunkSize;

    /**
     * @param configuredChunkSize the pipeline's chunk size (its buffers' capacity)
     * @param maxParts            how many parts one object may have
     * @param maxChunkSize        the largest part the archive accepts
     */
    public ChunkSizing(long configuredChunkSize, long maxParts, long maxChunkSize) {
        if (configuredChunkSize <= 0 || configuredChunkSize > MAX_BUFFER_CHUNK) {
            throw new IllegalArgumentException("chunk size must be 1.." + MAX_BUFFER_CHUNK + " bytes: " + configuredChunkSize);
        }
        if (maxParts <= 0) {
            throw new IllegalArgumentException("maxParts must be positive: " + maxParts);
        }
        this.configuredChunkSize = configuredChunkSize;
        this.maxParts = maxParts;
        this.maxChunkSize = maxChunkSize;
    }

    public long configuredChunkSize() {
        return configuredChunkSize;
    }

    public long maxParts() {
        return maxParts;
    }

    /** The chunk size for a file of {@code fileSize} bytes; TOO_LARGE when even the largest chunk is not enough. */
    public long chunkSize(long fileSize) throws ArchiveException {
        if (fileSize < 0) {
            throw ArchiveException.of(Kind.INVALID, null, "negative file size " + fileSize);
        }
        if (partCount(fileSize, configuredChunkSize) <= maxParts) {
            return configuredChunkSize;
        }
        long smallestFitting = ceilDiv(fileSize, maxParts);
        long grown = ceilDiv(smallestFitting, MIB) * MIB;
        if (grown > maxChunkSize) {
            throw ArchiveException.of(Kind.TOO_LARGE, null, "a file of " + fileSize + " bytes needs chunks of "
                    + grown / MIB + " MiB to stay within " + maxParts + " parts, but chunks are at most "
                    + maxChunkSize / MIB + " MiB (largest object: " + maxParts * maxChunkSize + " bytes)");
        }
        return grown;
    }

    /** How many chunks of {@code chunkSize} a file of {@code fileSize} bytes takes (0 for an empty file). */
    public static long partCount(long fileSize, long chunkSize) {
        return ceilDiv(fileSize, chunkSize);
    }

    private static long ceilDiv(long value, long divisor) {
        return value / divisor + (value % divisor == 0 ? 0 : 1);
    }
}
