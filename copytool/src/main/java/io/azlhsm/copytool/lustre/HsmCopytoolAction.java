package io.azlhsm.copytool.lustre;

/** What the coordinator asks a copytool to do ({@code enum hsm_copytool_action}, the {@code hai_action} field). */
public enum HsmCopytoolAction {
    NONE(10),
    ARCHIVE(20),
    RESTORE(21),
    REMOVE(22),
    CANCEL(23),
    /** A code this copytool does not know; the item keeps the raw code so it can be refused with an error. */
    UNKNOWN(-1);

    private final int code;

    HsmCopytoolAction(int code) {
        this.code = code;
    }

    /** The {@code HSMA_*} value. */
    public int code() {
        return code;
    }

    public static HsmCopytoolAction fromCode(int code) {
        for (HsmCopytoolAction action : values()) {
            if (action.code == code && action != UNKNOWN) {
                return action;
            }
        }
        return UNKNOWN;
    }
}
