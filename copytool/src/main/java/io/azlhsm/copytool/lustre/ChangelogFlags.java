package io.azlhsm.copytool.lustre;

/** Bits of {@code cr_flags} and the flags of {@code llapi_changelog_start}. */
public final class ChangelogFlags {
    // cr_flags: high 4 bits say which extensions follow the 64-byte header
    public static final int CLF_VERSION = 0x1000;
    public static final int CLF_RENAME = 0x2000;
    public static final int CLF_JOBID = 0x4000;
    public static final int CLF_EXTRA_FLAGS = 0x8000;
    /** The low 12 bits are per-type flags. */
    public static final int CLF_FLAGMASK = 0x0FFF;

    // per-type flags
    public static final int CLF_UNLINK_LAST = 0x1;
    public static final int CLF_UNLINK_HSM_EXISTS = 0x2;
    public static final int CLF_RENAME_LAST = 0x1;
    public static final int CLF_RENAME_LAST_EXISTS = 0x2;

    // llapi_changelog_start flags (enum changelog_send_flag)
    public static final int FOLLOW = 0x1;
    public static final int BLOCK = 0x2;
    public static final int JOBID = 0x4;
    public static final int EXTRA_FLAGS = 0x8;

    private ChangelogFlags() {
    }

    /** CL_HSM records: the errno packed in bits 0-6 of the per-type flags. */
    public static int hsmErrno(int crFlags) {
        return crFlags & 0x7F;
    }

    /** CL_HSM records: the event (ARCHIVE 0, RESTORE 1, CANCEL 2, RELEASE 3, REMOVE 4, STATE 5) in bits 7-9. */
    public static int hsmEvent(int crFlags) {
        return (crFlags >> 7) & 0x7;
    }

    /** CL_HSM records: bit 10, the file was dirty. */
    public static boolean hsmDirty(int crFlags) {
        return (crFlags & 0x400) != 0;
    }
}
