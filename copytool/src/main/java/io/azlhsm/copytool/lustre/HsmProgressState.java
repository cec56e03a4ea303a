package io.azlhsm.copytool.lustre;

/** State of the HSM action running on a file ({@code enum hsm_progress_states}, {@code HPS_*}). */
public enum HsmProgressState {
    NONE(0),
    WAITING(1),
    RUNNING(2),
    DONE(3),
    /** A code this copytool does not know. */
    UNKNOWN(-1);

    private final int code;

    HsmProgressState(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static HsmProgressState fromCode(int code) {
        for (HsmProgressState state : values()) {
            if (state.code == code && state != UNKNOWN) {
                return state;
            }
        }
        return UNKNOWN;
    }
}
