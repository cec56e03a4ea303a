package io.azlhsm.testcluster.namespace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A file's HSM attributes as Lustre keeps them in trusted.hsm (struct hsm_attrs: u32 compat, u32 flags, u64 arch_id,
 * u64 arch_ver), immutable.
 */
public record HsmAttributes(int flags, long archiveId, long archiveVersion) {
    public static final HsmAttributes NONE = new HsmAttributes(0, 0, 0);

    public byte[] encode() {
        return ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(0).putInt(flags).putLong(archiveId).putLong(archiveVersion).array();
    }

    public static HsmAttributes decode(byte[] raw) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        return new HsmAttributes(b.getInt(4), b.getLong(8), b.getLong(16));
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public HsmAttributes withFlags(int newFlags) {
        return new HsmAttributes(newFlags, archiveId, archiveVersion);
    }

    public HsmAttributes withArchiveId(long id) {
        return new HsmAttributes(flags, id, archiveVersion);
    }

    public HsmAttributes withArchiveVersion(long version) {
        return new HsmAttributes(flags, archiveId, version);
    }
}
