package io.azlhsm.testcluster.namespace;

/** hus_states bits (enum hsm_states) and the masks Lustre derives from them. */
public final class HsmFlags {
    public static final int EXISTS = 0x1;
    public static final int DIRTY = 0x2;
    public static final int RELEASED = 0x4;
    public static final int ARCHIVED = 0x8;
    public static final int NORELEASE = 0x10;
    public static final int NOARCHIVE = 0x20;
    public static final int LOST = 0x40;
    public static final int USER_MASK = NORELEASE | NOARCHIVE | DIRTY;
    public static final int FLAGS_MASK = 0x1FF;

    private HsmFlags() {
    }
}
