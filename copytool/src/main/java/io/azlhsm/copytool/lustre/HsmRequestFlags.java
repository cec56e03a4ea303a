package io.azlhsm.copytool.lustre;

/** {@code hr_flags} of an {@code hsm_user_request}. */
public final class HsmRequestFlags {
    public static final long NONE = 0x0;
    /** Queue the action even when the coordinator judges it unneeded. */
    public static final long FORCE_ACTION = 0x1;
    public static final long GHOST_COPY = 0x2;
    /** Set by the kernel on implicit restores (a reader is blocked on the file). */
    public static final long REQ_BLOCKING = 0x4;

    private HsmRequestFlags() {
    }
}
