package io.azlhsm.copytool.archive;

import io.azlhsm.copytool.archive.ArchiveException.Kind;

/**
 * How an object of {@code size} bytes splits into chunks of {@code chunkSize}, and the checks a chunked upload makes
 * on what it is handed: index in range, chunk exactly as long as its place in the object.
 */
public record ChunkLayout(String objectName, long size, long chunkSize, int chunkCount) {

    /** The layout for an upload; INVALID when the sizes are impossible or need more parts than {@code maxParts}. */
    public static ChunkLayout of(String objectName, long size, long chunkSize, long maxParts) throws ArchiveException {
        if (size < 0) {
            throw ArchiveException.of(Kind.INVALID, objectName, "negative object size " + size);
        }
        if (chunkSize <= 0) { // a chunk larger than a ByteBuffer can only be staged from a stream
            throw ArchiveException.of(Kind.INVALID, objectName, "chunk size out of range: " + chunkSize);
        }
        long count = ChunkSizing.partCount(size, chunkSize);
        if (count > maxParts) {
            throw ArchiveException.of(Kind.TOO_LARGE, objectName, size + " bytes in chunks of " + chunkSize
                    + " make " + count + " parts; at most " + maxParts + " are allowed (use chunkSize(size))");
        }
        return new ChunkLayout(objectName, size, chunkSize, (int) count);
    }

    /** Byte offset of chunk {@code index} in the object. */
    public long offset(int index) {
        return index * chunkSize;
    }

    /** The exact length chunk {@code index} must have. */
    public long length(int index) {
        return Math.min(chunkSize, size - offset(index));
    }

    /** INVALID unless {@code index} is a chunk of this layout and {@code length} is its exact length. */
    public void check(int index, long length) throws ArchiveException {
        if (index < 0 || index >= chunkCount) {
            throw ArchiveException.of(Kind.INVALID, objectName,
                    "chunk index " + index + " outside 0.." + (chunkCount - 1));
        }
        if (length != length(index)) {
            throw ArchiveException.of(Kind.INVALID, objectName,
                    "chunk " + index + " has " + length + " bytes; it must have " + length(index));
        }
    }
}
