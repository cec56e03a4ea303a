package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * A batch of actions from the coordinator ({@code struct hsm_action_list}), fully copied out of native memory.
 *
 * <p>Layout (reference "Structs"): hal_version@0 u32 (=1), hal_count@4 u32, hal_compound_id@8 u64, hal_flags@16
 * u64, hal_archive_id@24 u32, padding@28, hal_fsname@32 NUL-terminated. The first item is at
 * {@code 32 + ALIGN8(strlen(fsname) + 1)}, each next one at {@code item + ALIGN8(hai_len)}. Every item must lie
 * within the {@code msgsize} bytes liblustreapi reported; a list that breaks that rule is refused whole.
 */
public record HsmActionList(int version, int count, long compoundId, long flags, int archiveId, String fsname,
                            List<HsmActionItem> items) {

    public static final int HEADER_SIZE = 32;
    public static final int SUPPORTED_VERSION = 1;
    /** Largest list liblustreapi can hand over (its receive buffer); a bigger msgsize is a corrupt report. */
    public static final int MAX_SIZE = 1 << 20;

    public HsmActionList {
        items = List.copyOf(items);
    }

    /** Copies {@code msgsize} bytes at {@code hal} out of native memory and decodes them. */
    public static HsmActionList decode(Pointer hal, int msgsize) throws LustreFormatException {
        if (msgsize < HEADER_SIZE || msgsize > MAX_SIZE) {
            throw new LustreFormatException("hsm_action_list msgsize " + msgsize + " outside [" + HEADER_SIZE + ", "
                    + MAX_SIZE + "]");
        }
        byte[] bytes = new byte[msgsize];
        hal.get(0, bytes, 0, msgsize);
        return decode(ByteBuffer.wrap(bytes));
    }

    /** Decodes a list occupying the buffer from index 0 to its limit. */
    public static HsmActionList decode(ByteBuffer buffer) throws LustreFormatException {
        ByteBuffer le = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int limit = le.limit();
        if (limit < HEADER_SIZE) {
            throw new LustreFormatException("hsm_action_list of " + limit + " bytes is shorter than its "
                    + HEADER_SIZE + "-byte header");
        }
        int version = le.getInt(0);
        if (version != SUPPORTED_VERSION) {
            throw new LustreFormatException("hsm_action_list version " + version + ", expected "
                    + SUPPORTED_VERSION);
        }
        long count = Integer.toUnsignedLong(le.getInt(4));
        int nameEnd = HEADER_SIZE;
        while (nameEnd < limit && le.get(nameEnd) != 0) {
            nameEnd++;
        }
        if (nameEnd == limit) {
            throw new LustreFormatException("hsm_action_list fsname is not NUL-terminated within " + limit
                    + " bytes");
        }
        byte[] name = new byte[nameEnd - HEADER_SIZE];
        le.get(HEADER_SIZE, name);
        String fsname = new String(name, StandardCharsets.UTF_8);

        // A 72-byte item per entry at least: reject absurd counts before allocating for them.
        if (count > (limit - HEADER_SIZE) / HsmActionItem.HEADER_SIZE) {
            throw new LustreFormatException("hsm_action_list claims " + count + " items, more than " + limit
                    + " bytes can hold");
        }
        List<HsmActionItem> items = new ArrayList<>((int) count);
        long position = HEADER_SIZE + align8(name.length + 1L);
        for (int i = 0; i < count; i++) {
            if (position > limit) {
                throw new LustreFormatException("hsm_action_list item " + i + " of " + count + " starts at "
                        + position + ", past the end of the " + limit + "-byte message");
            }
            HsmActionItem item;
            try {
                item = HsmActionItem.decode(le, (int) position, limit);
            } catch (LustreFormatException e) {
                throw new LustreFormatException("hsm_action_list item " + i + " of " + count + ": "
                        + e.getMessage());
            }
            items.add(item);
            position += align8(Integer.toUnsignedLong(le.getInt((int) position))); // hai_len, validated
        }
        return new HsmActionList(version, (int) count, le.getLong(8), le.getLong(16), le.getInt(24), fsname, items);
    }

    static long align8(long value) {
        return (value + 7) & ~7L;
    }
}
