package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One action the coordinator sent ({@code struct hsm_action_item}: 72-byte header, then {@code hai_len - 72} bytes of
 * {@code hai_data}).
 *
 * <p>Offsets (reference "Structs"): hai_len@0 u32, hai_action@4 u32, hai_fid@8, hai_dfid@24, hai_extent@40,
 * hai_cookie@56 u64, hai_gid@64 u64, hai_data@72.
 *
 * <p>The item keeps a copy of its raw bytes: liblustreapi reuses its receive buffer on the next recv, while
 * {@code llapi_hsm_action_begin} needs the item itself, possibly much later, from another thread.
 */
public record HsmActionItem(int actionCode, LuFid fid, LuFid dfid, HsmExtent extent, long cookie, long gid,
                            byte[] data, byte[] raw) {

    /** Size of the fixed part of {@code struct hsm_action_item}. */
    public static final int HEADER_SIZE = 72;

    public HsmActionItem {
        data = data.clone();
        raw = raw.clone();
    }

    /**
     * Decodes the item at {@code position} of a little-endian buffer holding a whole action list, whose valid bytes
     * end at {@code limit}.
     */
    static HsmActionItem decode(ByteBuffer list, int position, int limit) throws LustreFormatException {
        ByteBuffer le = list.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (position + HEADER_SIZE > limit) {
            throw new LustreFormatException("hsm_action_item at offset " + position + " needs " + HEADER_SIZE
                    + " bytes but the message ends at " + limit);
        }
        long length = Integer.toUnsignedLong(le.getInt(position));
        if (length < HEADER_SIZE || position + length > limit) {
            throw new LustreFormatException("hsm_action_item at offset " + position + " has hai_len " + length
                    + " (must be >= " + HEADER_SIZE + " and end by " + limit + ")");
        }
        byte[] raw = new byte[(int) length];
        le.get(position, raw);
        return new HsmActionItem(
                le.getInt(position + 4),
                LuFid.read(le, position + 8),
                LuFid.read(le, position + 24),
                HsmExtent.read(le, position + 40),
                le.getLong(position + 56),
                le.getLong(position + 64),
                Arrays.copyOfRange(raw, HEADER_SIZE, raw.length),
                raw);
    }

    public HsmCopytoolAction action() {
        return HsmCopytoolAction.fromCode(actionCode);
    }

    /** {@code hai_data} (e.g. the {@code --data} of {@code lfs hsm_archive}); a copy. */
    @Override
    public byte[] data() {
        return data.clone();
    }

    /** {@code hai_data} as text, up to its first NUL (lfs passes NUL-terminated strings). */
    public String dataAsText() {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    /** The whole item as the coordinator sent it ({@code hai_len} bytes), for {@code llapi_hsm_action_begin}; a copy. */
    @Override
    public byte[] raw() {
        return raw.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HsmActionItem that && Arrays.equals(raw, that.raw);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(raw);
    }

    @Override
    public String toString() {
        return action() + (action() == HsmCopytoolAction.UNKNOWN ? "(" + actionCode + ")" : "")
                + " fid=" + fid.bracketed() + " dfid=" + dfid.bracketed() + " extent=" + extent
                + " cookie=0x" + Long.toHexString(cookie) + " gid=0x" + Long.toHexString(gid)
                + " data=[" + HexFormat.of().formatHex(data) + "]";
    }
}
