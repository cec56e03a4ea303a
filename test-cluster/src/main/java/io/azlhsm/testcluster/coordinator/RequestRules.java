package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.HsmAttributes;

import static io.azlhsm.testcluster.namespace.HsmFlags.ARCHIVED;
import static io.azlhsm.testcluster.namespace.HsmFlags.DIRTY;
import static io.azlhsm.testcluster.namespace.HsmFlags.EXISTS;
import static io.azlhsm.testcluster.namespace.HsmFlags.LOST;
import static io.azlhsm.testcluster.namespace.HsmFlags.NOARCHIVE;
import static io.azlhsm.testcluster.namespace.HsmFlags.RELEASED;

/** The coordinator's per-item checks (mdt_hsm_cdt_client.c: hsm_action_is_needed, mdt_hsm_is_action_compat). */
final class RequestRules {
    private RequestRules() {
    }

    /** Whether the action would change anything; items that would not are skipped silently unless forced. */
    static boolean isNeeded(int hsmaAction, HsmAttributes a, long requestFlags) {
        if ((requestFlags & HsmCodes.HSM_FORCE_ACTION) != 0) {
            return true;
        }
        return switch (hsmaAction) {
            case HsmCodes.HSMA_ARCHIVE -> a.has(DIRTY) || !a.has(ARCHIVED);
            case HsmCodes.HSMA_RESTORE -> a.has(RELEASED) || a.has(DIRTY);
            case HsmCodes.HSMA_REMOVE -> a.has(ARCHIVED) || a.has(EXISTS);
            default -> true;
        };
    }

    /** Whether the action is allowed in the file's state; an incompatible item fails its whole request with EPERM. */
    static boolean isCompatible(int hsmaAction, int archiveId, HsmAttributes a) {
        return switch (hsmaAction) {
            case HsmCodes.HSMA_ARCHIVE -> !a.has(NOARCHIVE) && (a.has(DIRTY) || !a.has(ARCHIVED))
                    && !(a.has(EXISTS) && a.archiveId() != 0 && a.archiveId() != archiveId);
            case HsmCodes.HSMA_RESTORE -> !a.has(DIRTY) && a.has(RELEASED) && a.has(ARCHIVED) && !a.has(LOST);
            case HsmCodes.HSMA_REMOVE -> !a.has(RELEASED) && (a.has(ARCHIVED) || a.has(EXISTS));
            default -> true;
        };
    }
}
