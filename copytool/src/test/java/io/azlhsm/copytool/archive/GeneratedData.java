package io.azlhsm.copytool.archive;

import java.nio.ByteBuffer;
import java.security.MessageDigest;

/**
 * Deterministic pseudo-random content of any size, generated range by range so a test never holds a large file in
 * memory: byte i depends only on the seed and i.
 */
public final class GeneratedData {
    private final long seed;
    private final long size;

    public GeneratedData(long seed, long size) {
        this.seed = seed;
        this.size = size;
    }

    public long size() {
        return size;
    }

    /** Fills {@code dst} from its position to its limit with bytes from {@code offset}; leaves the position at start. */
    public ByteBuffer fill(ByteBuffer dst, long offset) {
        int start = dst.position();
        for (long i = offset; dst.hasRemaining(); i++) {
            dst.put(byteAt(i));
        }
        dst.position(start);
        return dst;
    }

    /** A new heap buffer holding bytes [offset, offset + length). */
    public ByteBuffer range(long offset, int length) {
        return fill(ByteBuffer.allocate(length), offset);
    }

    public byte byteAt(long index) {
        long z = seed + (index >>> 3) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (byte) (z >>> ((index & 7) * 8));
    }

    /** The MD5 of the whole content, generated in 1 MiB pieces. */
    public byte[] md5() {
        MessageDigest md5 = ContentMd5.newDigest();
        ByteBuffer piece = ByteBuffer.allocate(1 << 20);
        for (long offset = 0; offset < size; offset += piece.capacity()) {
            piece.clear().limit((int) Math.min(piece.capacity(), size - offset));
            fill(piece, offset);
            md5.update(piece);
        }
        return md5.digest();
    }

    /** Index of the first byte of {@code actual} (read from {@code offset}) that differs, or -1. */
    public long firstMismatch(ByteBuffer actual, long offset) {
        ByteBuffer view = actual.duplicate();
        for (long i = offset; view.hasRemaining(); i++) {
            if (view.get() != byteAt(i)) {
                return i;
            }
        }
        return -1;
    }
}
