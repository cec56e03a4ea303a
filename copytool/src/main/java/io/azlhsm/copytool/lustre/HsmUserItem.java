package io.azlhsm.copytool.lustre;

import java.nio.ByteBuffer;

/** One file of a user request ({@code struct hsm_user_item}, 32 bytes: lu_fid hui_fid@0, hsm_extent hui_extent@16). */
public record HsmUserItem(LuFid fid, HsmExtent extent) {

    public static final int SIZE = 32;

    /** The whole file, as {@code lfs hsm_*} requests it. */
    public static HsmUserItem wholeFile(LuFid fid) {
        return new HsmUserItem(fid, HsmExtent.wholeFile());
    }

    void write(ByteBuffer buffer, int offset) {
        fid.write(buffer, offset);
        extent.write(buffer, offset + LuFid.SIZE);
    }
}
