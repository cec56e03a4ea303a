package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.export.DirectoryMarkers;
import io.azlhsm.copytool.jobs.export.SymlinkBlobs;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Applies what one pass's changelog records say is to be propagated (renames first, so that attribute updates find
 * each record on its new name, then attributes, then deletions), before the pass exports anything: a renamed dirty
 * file's archive then writes to the blob the rename moved. What failed is kept and tried again on the next pass, the
 * records themselves being cleared with the pass; at most {@link #MAX_RETRIED} are kept (beyond that they are logged
 * and left to the checker, which reports orphan blobs and stale names).
 */
final class Propagator {
    static final int MAX_RETRIED = 10_000;

    private final JobContext context;
    private final Set<Propagation> kinds;
    private final RenamePropagation renames;
    private final MetadataPropagation metadata;
    private final DeletionPropagation deletions;
    private PropagationEvents retry;

    Propagator(JobContext context, Path mount, Path root, int archiveId, ArchiveBackend backend, LustreFids fids,
               Set<Propagation> kinds) {
        this.context = context;
        this.kinds = kinds;
        PropagationCounts counts = new PropagationCounts(context);
        ArchiveRecordStore records = new ArchiveRecordStore();
        DirectoryMarkers markers = new DirectoryMarkers(mount, backend, context.changes(), fids);
        SymlinkBlobs symlinks = new SymlinkBlobs(mount, backend, context.changes());
        this.renames = new RenamePropagation(mount, root, fids, backend, new BlobMove(backend, archiveId, records),
                markers, symlinks, counts, context::checkCancelled);
        this.metadata = new MetadataPropagation(mount, root, fids, context.hsm(), backend, archiveId, records, counts,
                markers, symlinks);
        this.deletions = new DeletionPropagation(mount, root, fids, backend, counts);
        this.retry = new PropagationEvents(kinds);
    }

    /** The events of a pass, starting with those that failed last time; records are added as they are read. */
    PropagationEvents nextEvents() {
        PropagationEvents events = retry;
        retry = new PropagationEvents(kinds);
        return events;
    }

    void apply(PropagationEvents events) throws Exception {
        for (Map.Entry<LuFid, PropagationEvents.Renamed> entry : events.renamed().entrySet()) {
            context.checkCancelled();
            if (!renames.renamed(entry.getKey(), entry.getValue())) {
                retry.renamed().put(entry.getKey(), entry.getValue());
            }
        }
        for (LuFid fid : events.attributesChanged()) {
            context.checkCancelled();
            if (!metadata.changed(fid)) {
                retry.attributesChanged().add(fid);
            }
        }
        for (Map.Entry<LuFid, PropagationEvents.Deleted> entry : events.deleted().entrySet()) {
            context.checkCancelled();
            if (!deletions.deleted(entry.getKey(), entry.getValue())) {
                retry.deleted().put(entry.getKey(), entry.getValue());
            }
        }
        int kept = retry.renamed().size() + retry.attributesChanged().size() + retry.deleted().size();
        if (kept > MAX_RETRIED) {
            context.log().warning(kept + " propagations failed in this pass, more than " + MAX_RETRIED
                    + " are not kept: they are not tried again (copytool check reports what they left)");
            retry = new PropagationEvents(kinds);
        }
    }
}
