package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * A Lustre file identifier ({@code struct lu_fid}, 16 bytes: u64 f_seq, u32 f_oid, u32 f_ver).
 *
 * <p>The components are unsigned in C; Java keeps their bits in {@code long}/{@code int} and renders them unsigned.
 */
public record LuFid(long seq, int oid, int ver) {

    /** Size of {@code struct lu_fid} in bytes. */
    public static final int SIZE = 16;

    /**
     * Parses {@code 0x200000401:0x1:0x0}, with or without surrounding brackets. The sequence may also be written
     * {@code 0} (what C's {@code %#llx} prints for zero).
     *
     * @throws IllegalArgumentException naming the text when it is not a FID
     */
    public static LuFid parse(String text) {
        Objects.requireNonNull(text, "text");
        String body = text.strip();
        if (body.startsWith("[") && body.endsWith("]")) {
            body = body.substring(1, body.length() - 1);
        }
        String[] parts = body.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a FID (expected 0xSEQ:0xOID:0xVER): '" + text + "'");
        }
        try {
            long seq = parseHex(parts[0]);
            long oid = parseHex(parts[1]);
            long ver = parseHex(parts[2]);
            if (oid > 0xFFFF_FFFFL || ver > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("FID oid or ver exceeds 32 bits: '" + text + "'");
            }
            return new LuFid(seq, (int) oid, (int) ver);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a FID (expected 0xSEQ:0xOID:0xVER): '" + text + "'", e);
        }
    }

    private static long parseHex(String part) {
        if (part.equals("0")) {
            return 0;
        }
        if (!(part.startsWith("0x") || part.startsWith("0X")) || part.length() == 2) {
            throw new NumberFormatException("missing 0x prefix: " + part);
        }
        return Long.parseUnsignedLong(part.substring(2), 16);
    }

    /** Decodes the FID at {@code offset} of a little-endian buffer (absolute read, the position is not moved). */
    public static LuFid read(ByteBuffer buffer, int offset) {
        ByteBuffer le = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new LuFid(le.getLong(offset), le.getInt(offset + 8), le.getInt(offset + 12));
    }

    /** Encodes this FID at {@code offset} of a little-endian buffer. */
    public void write(ByteBuffer buffer, int offset) {
        ByteBuffer le = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        le.putLong(offset, seq).putInt(offset + 8, oid).putInt(offset + 12, ver);
    }

    /** True for the all-zero FID Lustre uses as "none". */
    public boolean isZero() {
        return seq == 0 && oid == 0 && ver == 0;
    }

    /** Lustre's {@code SFID} form, {@code 0x%llx:0x%x:0x%x}, e.g. {@code 0x200000401:0x1:0x0}. */
    @Override
    public String toString() {
        return "0x" + Long.toHexString(seq) + ":0x" + Integer.toHexString(oid) + ":0x" + Integer.toHexString(ver);
    }

    /** The bracketed form ({@code [0x200000401:0x1:0x0]}) that {@code lfs} prints and {@code llapi_fid2path} takes. */
    public String bracketed() {
        return "[" + this + "]";
    }
}
