package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A byte range ({@code struct hsm_extent}, 16 bytes: u64 offset, u64 length). A length of -1 (all bits set)
 * means "to the end of the file".
 */
public record HsmExtent(long offset, long length) {

    /** Size of {@code struct hsm_extent} in bytes. */
    public static final int SIZE = 16;
    /** The length value meaning "to EOF". */
    public static final long TO_EOF = -1L;

    /** The whole file: offset 0, length to EOF (what {@code lfs hsm_*} puts in every request item). */
    public static HsmExtent wholeFile() {
        return new HsmExtent(0, TO_EOF);
    }

    /** Decodes the extent at {@code offset} of a little-endian buffer. */
    public static HsmExtent read(ByteBuffer buffer, int offset) {
        ByteBuffer le = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new HsmExtent(le.getLong(offset), le.getLong(offset + 8));
    }

    /** Encodes this extent at index {@code at} of a little-endian buffer. */
    public void write(ByteBuffer buffer, int at) {
        ByteBuffer le = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        le.putLong(at, offset).putLong(at + 8, length);
    }

    /** The 16 bytes of the native struct. */
    public byte[] toBytes() {
        byte[] bytes = new byte[SIZE];
        write(ByteBuffer.wrap(bytes), 0);
        return bytes;
    }

    public boolean reachesEof() {
        return length == TO_EOF;
    }

    @Override
    public String toString() {
        return reachesEof()
                ? "[" + Long.toUnsignedString(offset) + ", EOF)"
                : "[" + Long.toUnsignedString(offset) + ", +" + Long.toUnsignedString(length) + ")";
    }
}
