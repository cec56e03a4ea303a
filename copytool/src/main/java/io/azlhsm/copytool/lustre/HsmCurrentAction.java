package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The HSM action on a file ({@code struct hsm_current_action}, 24 bytes: u32 hca_state@0 (HPS_*), u32
 * hca_action@4 (HUA_*), hsm_extent hca_location@8).
 */
public record HsmCurrentAction(int stateCode, int actionCode, HsmExtent location) {

    public static final int SIZE = 24;

    public static HsmCurrentAction decode(ByteBuffer buffer) {
        ByteBuffer le = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new HsmCurrentAction(le.getInt(0), le.getInt(4), HsmExtent.read(le, 8));
    }

    public HsmProgressState state() {
        return HsmProgressState.fromCode(stateCode);
    }

    public HsmUserAction action() {
        return HsmUserAction.fromCode(actionCode);
    }
}
