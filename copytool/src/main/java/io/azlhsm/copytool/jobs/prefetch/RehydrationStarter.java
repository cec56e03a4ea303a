package io.azlhsm.copytool.jobs.prefetch;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ObjectTier;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.jobs.ArchiveBackends;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code copytool prefetch --rehydrate-only}: for each released file, looks at its blob (the one its archive record
 * names; for a file without one, the blob at its path in the archive of its HSM state) and, when the blob is in the
 * Archive tier and not on its way back already, asks for its rehydration (Set Blob Tier with the archive's
 * {@code rehydrate_tier} and {@code rehydrate_priority}) without waiting for it and without restoring anything: a
 * campaign's data is warmed hours ahead, and the restores that come later find it online. Counts the blobs by tier.
 */
final class RehydrationStarter {
    static final String REQUESTED = "rehydrations requested";
    static final String ALREADY = "blobs already rehydrating";
    static final String TIER_PREFIX = "blobs in tier ";

    private final ArchiveRecordStore records = new ArchiveRecordStore();
    private final ArchiveBackends backends;

    RehydrationStarter(ArchiveBackends backends) {
        this.backends = backends;
    }

    /** @return a failure to count and log, or null */
    String consider(JobContext context, Path file, HsmUserState state) {
        Optional<ArchiveRecord> record;
        try {
            record = records.read(file);
        } catch (IOException e) {
            return "cannot read its archive record: " + e.getMessage();
        }
        int archiveId = record.map(ArchiveRecord::archiveId).orElse(state.archiveId());
        String blob = null;
        try {
            Optional<ArchiveBackend> found = backends.forArchive(archiveId);
            if (found.isEmpty()) {
                return "archive " + archiveId + " is not configured";
            }
            ArchiveBackend backend = found.get();
            blob = record.isPresent() ? record.get().blob()
                    : backend.objectName(context.mount().relativize(file).toString());
            Optional<StoredObject> stored = backend.stat(blob);
            if (stored.isEmpty()) {
                return "its blob " + blob + " is not in archive " + archiveId;
            }
            ObjectTier tier = stored.get().tier();
            context.counters().counter(TIER_PREFIX + (tier.accessTier() == null ? "(none)" : tier.accessTier()))
                    .increment();
            if (!tier.offline()) {
                return null;
            }
            if (tier.rehydrating()) {
                context.counters().counter(ALREADY).increment();
                return null;
            }
            boolean[] requested = {true}; // a dry run would request it
            String name = blob;
            context.changes().apply("start rehydrating", file.toString(), blob,
                    () -> requested[0] = backend.rehydrate(name));
            if (requested[0]) {
                context.counters().counter(REQUESTED).increment();
            } else {
                context.counters().counter(ALREADY).increment();
            }
            return null;
        } catch (ArchiveException e) {
            return "cannot rehydrate its blob" + (blob == null ? "" : " " + blob) + ": " + e.getMessage();
        }
    }
}
