package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.HsmAttributes;
import io.azlhsm.testcluster.namespace.HsmFileOperations;
import io.azlhsm.testcluster.namespace.HsmFlags;
import io.azlhsm.testcluster.namespace.Namespace;

/**
 * What a coordinator does to a file when one of its requests ends: the HSM attributes an archive, restore or remove
 * leaves (the data-version check at archive end, the layout swap at restore end), DIRTY after a failed archive, and
 * the CL_HSM changelog records. Holds no state; the Coordinator calls it holding its lock, so that a file's HSM
 * attributes change in the same order as its requests' statuses.
 */
final class FileOutcomes {
    private final Namespace ns;
    private final HsmFileOperations files;
    private final Changelogs changelog;

    FileOutcomes(Namespace ns, HsmFileOperations files, Changelogs changelog) {
        this.ns = ns;
        this.files = files;
        this.changelog = changelog;
    }

    /** A request ended well: the file's HSM attributes (and, for a restore, its data) say so. */
    void applySuccess(ActionRecord r) throws SimulatorException {
        switch (r.action) {
            case HsmCodes.HSMA_ARCHIVE -> {
                long dv = ns.dataVersion(r.fid);
                if (dv != r.startDataVersion) {
                    throw new SimulatorException(Errno.EBUSY, "file changed during archive");
                }
                HsmAttributes a = ns.hsm(r.fid);
                ns.setHsm(r.fid, new HsmAttributes(
                        (a.flags() | HsmFlags.ARCHIVED | HsmFlags.EXISTS) & ~(HsmFlags.DIRTY | HsmFlags.LOST),
                        r.archiveId, dv));
            }
            case HsmCodes.HSMA_RESTORE -> {
                if (r.volatileFile == null) {
                    throw new SimulatorException(Errno.ENOENT, "restore ended without action_begin");
                }
                files.swapIn(r.fid, r.volatileFile);
                r.volatileFile = null;
            }
            case HsmCodes.HSMA_REMOVE -> {
                if (ns.exists(r.fid)) {
                    HsmAttributes a = ns.hsm(r.fid);
                    ns.setHsm(r.fid, a.withFlags(a.flags()
                            & ~(HsmFlags.ARCHIVED | HsmFlags.EXISTS | HsmFlags.LOST)));
                }
            }
            default -> {
            }
        }
    }

    static int hsmEvent(int hsmaAction) {
        return switch (hsmaAction) {
            case HsmCodes.HSMA_RESTORE -> ChangelogRecord.HE_RESTORE;
            case HsmCodes.HSMA_REMOVE -> ChangelogRecord.HE_REMOVE;
            default -> ChangelogRecord.HE_ARCHIVE;
        };
    }

    /** A CL_HSM changelog record: event, errno and whether the file is dirty now. */
    void hsmRecord(Fid fid, int event, int errno) {
        if (!changelog.isActive()) {
            return;
        }
        boolean dirty = false;
        try {
            dirty = ns.hsm(fid).has(HsmFlags.DIRTY);
        } catch (SimulatorException e) {
            // the file is gone: the record still tells what happened to its FID
        }
        changelog.add(ChangelogRecord.CL_HSM, ChangelogRecord.hsmFlags(event, errno, dirty), fid, null, null);
    }

    /**
     * The CL_HSM record of a timed-out request: its event with ECANCELED and no dirty flag, whatever the file's state
     * (mdt_cdt_started_cb builds the flags from the event and the error alone, mdt_coordinator.c:364-391, unlike an
     * ending request's record, which adds CLF_HSM_DIRTY from the file's flags, :1744-1745).
     */
    void timeoutRecord(Fid fid, int event) {
        if (changelog.isActive()) {
            changelog.add(ChangelogRecord.CL_HSM, ChangelogRecord.hsmFlags(event, Errno.ECANCELED, false), fid, null,
                    null);
        }
    }

    /** A failed archive: the file's archive copy, if it has one, is no longer its data. */
    void markDirtyIfArchived(Fid fid) {
        try {
            HsmAttributes a = ns.hsm(fid);
            if (a.has(HsmFlags.ARCHIVED) && !a.has(HsmFlags.DIRTY)) {
                ns.setHsm(fid, a.withFlags(a.flags() | HsmFlags.DIRTY));
            }
        } catch (SimulatorException e) {
            // the file is gone: nothing to mark
        }
    }
}
