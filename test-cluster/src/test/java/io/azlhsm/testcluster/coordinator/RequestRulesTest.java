package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.namespace.HsmAttributes;
import org.junit.jupiter.api.Test;

import static io.azlhsm.testcluster.coordinator.HsmCodes.HSMA_ARCHIVE;
import static io.azlhsm.testcluster.coordinator.HsmCodes.HSMA_REMOVE;
import static io.azlhsm.testcluster.coordinator.HsmCodes.HSMA_RESTORE;
import static io.azlhsm.testcluster.coordinator.HsmCodes.HSM_FORCE_ACTION;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reference's "needed" and "compatible" tables, flag by flag. */
class RequestRulesTest {
    private static HsmAttributes flags(int f, long archiveId) {
        return new HsmAttributes(f, archiveId, 0);
    }

    @Test
    void archiveIsNeededForNewOrDirtyFilesOnly() {
        assertTrue(RequestRules.isNeeded(HSMA_ARCHIVE, flags(0, 0), 0));
        assertTrue(RequestRules.isNeeded(HSMA_ARCHIVE, flags(0xb, 1), 0));
        assertFalse(RequestRules.isNeeded(HSMA_ARCHIVE, flags(0x9, 1), 0));
        assertTrue(RequestRules.isNeeded(HSMA_ARCHIVE, flags(0x9, 1), HSM_FORCE_ACTION));
    }

    @Test
    void archiveCompatibility() {
        assertFalse(RequestRules.isCompatible(HSMA_ARCHIVE, 1, flags(0x20, 0)), "never_archive");
        assertFalse(RequestRules.isCompatible(HSMA_ARCHIVE, 2, flags(0x3, 1)), "exists in another archive");
        assertTrue(RequestRules.isCompatible(HSMA_ARCHIVE, 1, flags(0x3, 1)));
        assertFalse(RequestRules.isCompatible(HSMA_ARCHIVE, 1, flags(0x9, 1)), "archived and clean");
    }

    @Test
    void restoreNeedsAReleasedCleanArchivedFile() {
        assertTrue(RequestRules.isNeeded(HSMA_RESTORE, flags(0xd, 1), 0));
        assertFalse(RequestRules.isNeeded(HSMA_RESTORE, flags(0x9, 1), 0));
        assertTrue(RequestRules.isCompatible(HSMA_RESTORE, 1, flags(0xd, 1)));
        assertFalse(RequestRules.isCompatible(HSMA_RESTORE, 1, flags(0x4d, 1)), "lost");
        assertFalse(RequestRules.isCompatible(HSMA_RESTORE, 1, flags(0xb, 1)), "dirty");
    }

    @Test
    void removeIsForArchivedFilesThatAreNotReleased() {
        assertFalse(RequestRules.isNeeded(HSMA_REMOVE, flags(0, 0), 0));
        assertTrue(RequestRules.isCompatible(HSMA_REMOVE, 1, flags(0x9, 1)));
        assertTrue(RequestRules.isCompatible(HSMA_REMOVE, 1, flags(0x1, 1)));
        assertFalse(RequestRules.isCompatible(HSMA_REMOVE, 1, flags(0xd, 1)));
    }
}
