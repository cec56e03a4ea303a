package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Objects;

/**
 * A request to the coordinator, encoded as {@code struct hsm_user_request} for {@code llapi_hsm_request}.
 *
 * <p>Layout (reference "Structs"): the 24-byte {@code hsm_request} (u32 hr_action@0, u32 hr_archive_id@4, u64
 * hr_flags@8, u32 hr_itemcount@16, u32 hr_data_len@20), then hr_itemcount 32-byte {@code hsm_user_item}s, then
 * hr_data_len bytes of data, unpadded.
 *
 * @param action    the HUA_* action
 * @param archiveId the archive to use, 0 for the file's or the coordinator's default
 * @param flags     {@link HsmRequestFlags} bits
 */
public record HsmUserRequest(HsmUserAction action, int archiveId, long flags, List<HsmUserItem> items, byte[] data) {

    public static final int REQUEST_HEADER_SIZE = 24;
    /**
     * The client refuses a request of this many encoded bytes or more with E2BIG: {@code MDS_MAXREQSIZE / 3}
     * (5 KiB / 3), checked by llite before the request reaches the MDS (lustre/llite/dir.c, LL_IOC_HSM_REQUEST).
     */
    public static final int MAX_ENCODED_SIZE_EXCLUSIVE = 5 * 1024 / 3;

    /** The most items one request may carry with {@code dataLength} bytes of data: 52 without data. */
    public static int maxItems(int dataLength) {
        return Math.max(0, (MAX_ENCODED_SIZE_EXCLUSIVE - 1 - REQUEST_HEADER_SIZE - dataLength) / HsmUserItem.SIZE);
    }

    public HsmUserRequest {
        Objects.requireNonNull(action, "action");
        if (action == HsmUserAction.UNKNOWN) {
            throw new IllegalArgumentException("cannot request the UNKNOWN action");
        }
        items = List.copyOf(items);
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** Bytes of the encoded request ({@code hur_len}). */
    public int encodedSize() {
        return REQUEST_HEADER_SIZE + items.size() * HsmUserItem.SIZE + data.length;
    }

    public byte[] encode() {
        byte[] bytes = new byte[encodedSize()];
        ByteBuffer le = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        le.putInt(0, action.code())
                .putInt(4, archiveId)
                .putLong(8, flags)
                .putInt(16, items.size())
                .putInt(20, data.length);
        int offset = REQUEST_HEADER_SIZE;
        for (HsmUserItem item : items) {
            item.write(le, offset);
            offset += HsmUserItem.SIZE;
        }
        le.put(offset, data);
        return bytes;
    }
}
