package io.azlhsm.copytool.lustre;

/**
 * What a user asks the coordinator for ({@code enum hsm_user_action}): {@code hr_action} of a request,
 * {@code hus_in_progress_action}, {@code hca_action}.
 */
public enum HsmUserAction {
    NONE(1),
    ARCHIVE(10),
    RESTORE(11),
    RELEASE(12),
    REMOVE(13),
    CANCEL(14),
    /** A code this copytool does not know. */
    UNKNOWN(-1);

    private final int code;

    HsmUserAction(int code) {
        this.code = code;
    }

    /** The {@code HUA_*} value. */
    public int code() {
        return code;
    }

    public static HsmUserAction fromCode(int code) {
        for (HsmUserAction action : values()) {
            if (action.code == code && action != UNKNOWN) {
                return action;
            }
        }
        return UNKNOWN;
    }
}
