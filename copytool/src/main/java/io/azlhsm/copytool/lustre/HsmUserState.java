package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A file's HSM state ({@code struct hsm_user_state}, 32 bytes: u32 hus_states@0, hus_archive_id@4,
 * hus_in_progress_state@8, hus_in_progress_action@12, hsm_extent hus_in_progress_location@16).
 */
public record HsmUserState(int states, int archiveId, int inProgressStateCode, int inProgressActionCode,
                           HsmExtent inProgressLocation) {

    public static final int SIZE = 32;

    public static HsmUserState decode(ByteBuffer buffer) {
        ByteBuffer le = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new HsmUserState(le.getInt(0), le.getInt(4), le.getInt(8), le.getInt(12), HsmExtent.read(le, 16));
    }

    public boolean has(int stateBits) {
        return HsmStates.has(states, stateBits);
    }

    public HsmProgressState inProgressState() {
        return HsmProgressState.fromCode(inProgressStateCode);
    }

    public HsmUserAction inProgressAction() {
        return HsmUserAction.fromCode(inProgressActionCode);
    }

    /**
     * What {@code lfs hsm_state} prints after {@code "<path>: "}, e.g.
     * {@code (0x0000000d) released exists archived, archive_id:1}.
     */
    public String lfsDescription() {
        StringBuilder text = new StringBuilder(String.format("(0x%08x)", states));
        String words = HsmStates.words(states);
        if (!words.isEmpty()) {
            text.append(' ').append(words);
        }
        if (archiveId != 0) {
            text.append(", archive_id:").append(Integer.toUnsignedString(archiveId));
        }
        return text.toString();
    }
}
