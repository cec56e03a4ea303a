package io.azlhsm.copytool.lustre;

/** {@code hp_flags} of {@code llapi_hsm_action_progress} and {@code llapi_hsm_action_end}. */
public final class HsmProgressFlags {
    public static final int NONE = 0x0;
    /** Set by the kernel on the final report; a copytool does not normally pass it. */
    public static final int COMPLETED = 0x1;
    /** Ask the coordinator to retry a failed action (honoured only when the NRA policy is off). */
    public static final int RETRY = 0x2;

    private HsmProgressFlags() {
    }
}
