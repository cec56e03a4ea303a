package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.jobs.JobCancelledException;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.imports.StubReimport;
import io.azlhsm.copytool.jobs.requests.BoundedHsmRequests;
import io.azlhsm.copytool.jobs.requests.RequestKind;
import io.azlhsm.copytool.jobs.requests.RequestOutcome;
import io.azlhsm.copytool.jobs.requests.RequestedFile;
import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --repair}: what can be done about a file whose copy is gone.
 * <ul>
 *   <li>blob-missing, blob-replaced, and size-mismatch or checksum-mismatch of a resident file (the data is still in
 *   Lustre, clean: the same data version the bad copy was taken of; a mismatched copy is first marked damaged,
 *   {@link ArchiveRecordStore#DAMAGED_XATTR}, or the archive would take it for current): archived again through the coordinator, as
 *   export does, so whichever agent the coordinator picks writes a new copy under the ownership rules (a blob another
 *   file or tool put at the name is preserved first). The file is first marked dirty ({@code llapi_hsm_state_set}
 *   HS_DIRTY, what {@code lfs hsm_set --dirty} does): the coordinator takes an ARCHIVE of an archived, clean file for
 *   "not needed" and drops it (lustre/mdt/mdt_hsm_cdt_client.c hsm_action_is_needed; without HSM_FORCE_ACTION) or
 *   refuses it (mdt_coordinator.c mdt_hsm_is_action_compat: ARCHIVE needs DIRTY or !ARCHIVED). A successful archive
 *   clears DIRTY; a failed one leaves the file dirty, which is true: it has no copy.</li>
 *   <li>lost (released, copy gone), and size-mismatch or checksum-mismatch of a released file (its only copy is
 *   wrong, and Lustre holds no data of a released file): marked HS_LOST ({@code lfs hsm_set --lost}), so a read fails at once with EIO
 *   instead of waiting on a restore that cannot succeed (the coordinator refuses RESTORE of a lost file:
 *   mdt_hsm_is_action_compat). Needs root (HS_LOST is not in HSM_USER_MASK, lustre/mdt/mdt_hsm.c).</li>
 *   <li>stale-stub (an imported stub whose container blob has another ETag): imported again from the blob as it is
 *   now, as {@code copytool import --conflict overwrite-dirty} does ({@link StubReimport}).</li>
 * </ul>
 * Each repaired item is reported with what was done; at most {@code maxOutstanding} archives wait at once.
 */
final class Repairs {
    static final String ARCHIVED_AGAIN = "files archived again";
    static final String MARKED_LOST = "files marked lost";
    static final String FAILED = "repairs failed";
    static final String REIMPORTED = "stale stubs imported again";

    private final JobContext context;
    private final CheckSink report;
    private final LustreFids fids;
    private final BoundedHsmRequests requests;
    private final Map<Path, CheckItem> pending = new HashMap<>();
    private final Set<Path> damaged = new HashSet<>();
    private final ArchiveRecordStore records = new ArchiveRecordStore();
    private final ArchiveBackend backend;
    private final int archiveId;

    /**
     * @param report    where the repaired items go once their repair ended
     * @param backend   the checked archive's backend (stale stubs are imported again from it)
     */
    Repairs(JobContext context, int maxOutstanding, CheckSink report, ArchiveBackend backend, int archiveId) {
        this.context = context;
        this.report = report;
        this.backend = backend;
        this.archiveId = archiveId;
        this.fids = new LustreFids(context.library());
        this.requests = new BoundedHsmRequests(context.hsm(), context.changes(), context.mount(),
                RequestKind.ARCHIVE, 0, maxOutstanding, context::checkCancelled, this::ended);
        for (String name : new String[] {ARCHIVED_AGAIN, MARKED_LOST, REIMPORTED, FAILED}) {
            context.counters().set(name, 0);
        }
    }

    /** True for a file item this class repairs. */
    static boolean repairable(CheckItem item) {
        return item.isFile() && switch (item.checkClass()) {
            case BLOB_MISSING, BLOB_REPLACED, LOST, STALE_STUB, SIZE_MISMATCH, CHECKSUM_MISMATCH -> true;
            default -> false;
        };
    }

    /** Repairs the file (or queues its archive) and reports the item once that is done. */
    void repair(CheckItem item, Path file) throws Exception {
        if (item.checkClass() == CheckClass.LOST) {
            markLost(item, file);
            return;
        }
        if (item.checkClass() == CheckClass.STALE_STUB) {
            reimport(item);
            return;
        }
        if (item.checkClass() == CheckClass.SIZE_MISMATCH || item.checkClass() == CheckClass.CHECKSUM_MISMATCH) {
            boolean released;
            try {
                released = context.hsm().state(file).has(HsmStates.RELEASED);
            } catch (LustreException e) {
                failed(item, "cannot read its HSM state: " + e.getMessage());
                return;
            }
            if (released) {
                // the bad copy was the only one: Lustre holds no data of a released file
                markLost(item, file);
                return;
            }
            try {
                // else the archive would take the recorded copy for current (same data version, same ETag)
                Optional<ArchiveRecord> record = records.read(file);
                if (record.isPresent() && record.get().etag() != null) {
                    String etag = record.get().etag();
                    context.changes().apply("mark its copy damaged (" + ArchiveRecordStore.DAMAGED_XATTR + ")",
                            file.toString(), item.blob(), () -> records.markDamaged(file, etag));
                    damaged.add(file);
                }
            } catch (java.io.IOException e) {
                failed(item, "cannot mark its copy damaged to archive it again: " + e.getMessage());
                return;
            }
        }
        LuFid fid;
        try {
            context.changes().apply("set hsm dirty", file.toString(), item.blob(),
                    () -> context.hsm().setState(file, HsmStates.DIRTY, 0, 0));
            fid = fids.path2fid(file);
        } catch (LustreException e) {
            failed(item, "cannot mark it dirty to archive it again: " + e.getMessage());
            return;
        }
        pending.put(file, item);
        requests.submit(new RequestedFile(file, fid, item.bytes()));
    }

    /** Waits for every queued archive. */
    void finish() throws Exception {
        requests.finish();
    }

    /** A cancelled check: withdraw the archives still at the coordinator. */
    void cancel() {
        requests.cancelOutstanding();
    }

    private void markLost(CheckItem item, Path file) throws Exception {
        try {
            if (context.hsm().state(file).has(HsmStates.LOST)) {
                report.item(item, null);
                return;
            }
            context.changes().apply("set hsm lost", file.toString(), item.blob(),
                    () -> context.hsm().setState(file, HsmStates.LOST, 0, 0));
        } catch (LustreException e) {
            failed(item, "cannot mark it HS_LOST: " + e.getMessage());
            return;
        }
        context.counters().counter(MARKED_LOST).increment();
        report.item(item.withDetail("repair: marked HS_LOST, reads now fail at once"), null);
    }

    /**
     * A stale stub at the path its blob is named by is imported again from the blob as it is now (import's
     * overwrite-dirty); a stub renamed since its import is left (its path names another blob) and said so.
     */
    private void reimport(CheckItem item) throws Exception {
        String atPath;
        try {
            atPath = backend.objectName(item.path());
        } catch (ArchiveException e) {
            atPath = null;
        }
        if (!item.blob().equals(atPath)) {
            failed(item, "renamed since its import (its path names blob " + atPath + "): import blob "
                    + item.blob() + " again by hand");
            return;
        }
        try {
            Optional<StoredObject> current = backend.stat(item.blob());
            if (current.isEmpty()) {
                failed(item, "blob " + item.blob() + " is gone now");
                return;
            }
            context.changes().apply("import again from the current blob",
                    context.mount().resolve(item.path()).toString(), item.blob(),
                    () -> StubReimport.reimport(context, backend, archiveId, current.get()));
        } catch (Exception e) {
            if (e instanceof JobCancelledException cancelled) {
                throw cancelled;
            }
            failed(item, "cannot import it again: " + e.getMessage());
            return;
        }
        context.counters().counter(REIMPORTED).increment();
        report.item(item.withDetail("repair: imported again from the current blob"), null);
    }

    private void ended(RequestOutcome outcome) {
        CheckItem item = pending.remove(outcome.file().path());
        if (item == null) {
            return;
        }
        try {
            if (outcome.succeeded()) {
                if (damaged.remove(outcome.file().path())) {
                    Path file = outcome.file().path();
                    // the new copy is recorded: the mark is spent
                    context.changes().apply("clear the damaged mark", file.toString(), item.blob(),
                            () -> records.clearDamaged(file));
                }
                context.counters().counter(ARCHIVED_AGAIN).increment();
                report.item(item.withDetail("repair: archived again"), null);
            } else {
                failed(item, outcome.failure().orElse("?"));
            }
        } catch (Exception e) {
            report.error(item.path(), item.blob(), "cannot report the repair: " + e.getMessage());
        }
    }

    private void failed(CheckItem item, String cause) throws Exception {
        context.counters().counter(FAILED).increment();
        report.error(item.path(), item.blob(), "repair failed: " + cause);
        report.item(item.withDetail("repair failed: " + cause), null);
    }
}
