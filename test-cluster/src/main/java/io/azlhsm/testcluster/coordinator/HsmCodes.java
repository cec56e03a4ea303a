package io.azlhsm.testcluster.coordinator;

/** The numbers of the Lustre HSM protocol the coordinator speaks (lustre_user.h). */
public final class HsmCodes {
    // enum hsm_user_action: what users ask for
    public static final int HUA_NONE = 1;
    public static final int HUA_ARCHIVE = 10;
    public static final int HUA_RESTORE = 11;
    public static final int HUA_RELEASE = 12;
    public static final int HUA_REMOVE = 13;
    public static final int HUA_CANCEL = 14;

    // enum hsm_copytool_action: what copytools are sent
    public static final int HSMA_NONE = 10;
    public static final int HSMA_ARCHIVE = 20;
    public static final int HSMA_RESTORE = 21;
    public static final int HSMA_REMOVE = 22;
    public static final int HSMA_CANCEL = 23;

    // enum hsm_progress_states
    public static final int HPS_NONE = 0;
    public static final int HPS_WAITING = 1;
    public static final int HPS_RUNNING = 2;
    public static final int HPS_DONE = 3;

    // hr_flags
    public static final long HSM_FORCE_ACTION = 0x1;
    public static final long HSM_GHOST_COPY = 0x2;
    public static final long HSM_REQ_BLOCKING = 0x4;

    // hp_flags
    public static final int HP_FLAG_COMPLETED = 0x1;
    public static final int HP_FLAG_RETRY = 0x2;

    private HsmCodes() {
    }

    /** The copytool action a user action becomes, or HSMA_NONE. */
    public static int copytoolAction(int userAction) {
        return switch (userAction) {
            case HUA_ARCHIVE -> HSMA_ARCHIVE;
            case HUA_RESTORE -> HSMA_RESTORE;
            case HUA_REMOVE -> HSMA_REMOVE;
            case HUA_CANCEL -> HSMA_CANCEL;
            default -> HSMA_NONE;
        };
    }

    public static int userAction(int copytoolAction) {
        return switch (copytoolAction) {
            case HSMA_ARCHIVE -> HUA_ARCHIVE;
            case HSMA_RESTORE -> HUA_RESTORE;
            case HSMA_REMOVE -> HUA_REMOVE;
            case HSMA_CANCEL -> HUA_CANCEL;
            default -> HUA_NONE;
        };
    }

    /** The name Lustre's listings use for a copytool action. */
    public static String actionName(int copytoolAction) {
        return switch (copytoolAction) {
            case HSMA_ARCHIVE -> "ARCHIVE";
            case HSMA_RESTORE -> "RESTORE";
            case HSMA_REMOVE -> "REMOVE";
            case HSMA_CANCEL -> "CANCEL";
            default -> "NOOP";
        };
    }

    public static int actionByName(String name) {
        return switch (name) {
            case "ARCHIVE" -> HSMA_ARCHIVE;
            case "RESTORE" -> HSMA_RESTORE;
            case "REMOVE" -> HSMA_REMOVE;
            case "CANCEL" -> HSMA_CANCEL;
            default -> HSMA_NONE;
        };
    }

    /** C's "%#llx": 0 prints as "0", anything else as 0x followed by hex digits. */
    public static String cHex(long value) {
        return value == 0 ? "0" : "0x" + Long.toHexString(value);
    }
}
