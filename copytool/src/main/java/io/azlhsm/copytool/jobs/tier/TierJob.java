package io.azlhsm.copytool.jobs.tier;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ObjectTier;
import io.azlhsm.copytool.archive.StorageTier;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.jobs.ArchiveBackends;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobKind;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.walk.MountPaths;
import io.azlhsm.copytool.jobs.walk.NamespaceVisitor;
import io.azlhsm.copytool.jobs.walk.NamespaceWalker;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.lustre.HsmCurrentAction;
import io.azlhsm.copytool.lustre.HsmProgressState;
import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.HsmUserAction;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.copytool.operations.RecordedBlob;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Moves the blobs of archived files under a path to a cheaper access tier (Cool, Cold or Archive), optionally only
 * those of files not accessed for a while and/or of at least a size. Only a blob a restore would read is moved: the
 * file is archived, not dirty nor lost, and no HSM action is under way on it (a RESTORE reading the blob, an ARCHIVE
 * about to replace it, a REMOVE about to delete it); its {@link ArchiveRecord} names the blob and one Get Blob
 * Properties finds it there with the recorded ETag, online and in a warmer tier than the target.
 *
 * <p>Set Blob Tier takes no If-Match (the REST reference lists a lease id and {@code x-ms-if-tags}, no ETag
 * condition), so the look just before is the guard, and the file's current action is read last, right before the
 * change. What remains is the moment between that look and the Set Blob Tier: a blob replaced exactly then is the one
 * moved. That never loses data (a tier change moves no bytes, and Set Blob Tier "does not update the blob's ETag", so
 * a restore's If-Match still holds), it can only put a newer blob in the cheaper tier; a second Get Blob Properties
 * after the change sees it (the ETag is no longer the recorded one), counts it and logs both ETags. A restore that
 * begins after a move to Archive rehydrates the blob first, as for any Archive-tier blob.
 *
 * <p>A dry run ({@code --dry-run}) makes the same walk, looks and counts, with the same price estimate; its Set Blob
 * Tier is a WOULD line of its log instead (through {@link io.azlhsm.copytool.jobs.JobChanges}), and the look after it
 * is not made (nothing was changed to look at).
 */
public final class TierJob implements Job {
    public static final String SCANNED = "files scanned";
    public static final String MOVED = "blobs moved";
    public static final String BYTES_MOVED = "bytes moved";
    public static final String NOT_ARCHIVED = "files not archived, dirty or lost";
    public static final String BEING_RESTORED = "files being restored";
    public static final String OTHER_ACTION = "files being archived or removed";
    public static final String RECENTLY_ACCESSED = "files accessed recently";
    public static final String TOO_SMALL = "files too small";
    public static final String NO_VERIFIED_COPY = "files without a verified archive copy";
    public static final String ALREADY_THERE = "blobs already in that tier or colder";
    public static final String REHYDRATING = "blobs being rehydrated";
    public static final String NO_TIERS = "blobs without an access tier";
    public static final String REPLACED_MEANWHILE = "blobs replaced while being moved";
    public static final String FAILED = "files failed";

    private static final String MOVED_FROM = "blobs moved from ";
    private static final String BYTES_FROM = "bytes moved from ";

    private final TierOptions options;
    private final ArchiveRecordStore records = new ArchiveRecordStore();
    private volatile TierCost cost;

    public TierJob(TierOptions options) {
        this.options = options;
    }

    /** The counter of blobs moved out of {@code tier}, e.g. "blobs moved from Hot". */
    public static String movedFrom(StorageTier tier) {
        return MOVED_FROM + tier.serviceName();
    }

    /** The counter of bytes moved out of {@code tier}, e.g. "bytes moved from Hot". */
    public static String bytesMovedFrom(StorageTier tier) {
        return BYTES_FROM + tier.serviceName();
    }

    public TierOptions options() {
        return options;
    }

    /** The monthly cost estimate of the blobs moved, once the walk has ended; null before (or if it failed). */
    public TierCost cost() {
        return cost;
    }

    @Override
    public JobKind kind() {
        return JobKind.TIER;
    }

    @Override
    public List<String> paths() {
        return List.of(options.path());
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("path", options.path());
        parameters.put("to", options.to().configName());
        parameters.put("not accessed for", options.notAccessedFor().isZero() ? "(any)"
                : options.notAccessedFor().toString());
        parameters.put("min size", options.minSize() == 0 ? "(any)" : Long.toString(options.minSize()));
        return parameters;
    }

    @Override
    public JobState run(JobContext context) throws Exception {
        Path mount = context.mount().toAbsolutePath().normalize();
        Path root = MountPaths.resolve(mount, options.path());
        List<String> names = new ArrayList<>(List.of(SCANNED, MOVED, BYTES_MOVED));
        for (StorageTier from : StorageTier.values()) {
            if (from.ordinal() < options.to().ordinal()) {
                names.add(movedFrom(from));
                names.add(bytesMovedFrom(from));
            }
        }
        names.addAll(List.of(NOT_ARCHIVED, BEING_RESTORED, OTHER_ACTION, RECENTLY_ACCESSED, TOO_SMALL,
                NO_VERIFIED_COPY, ALREADY_THERE, REHYDRATING, NO_TIERS, REPLACED_MEANWHILE, FAILED));
        names.forEach(context.counters()::counter);
        context.progress().setTotal(0, 0);
        Instant accessedBefore = Instant.now().minus(options.notAccessedFor());
        try (ArchiveBackends backends = new ArchiveBackends(context.config())) {
            new NamespaceWalker(mount).walk(root, new NamespaceVisitor() {
                @Override
                public void file(Path file, HeldFile held, BasicFileAttributes attributes) {
                    context.checkCancelled();
                    context.counters().counter(SCANNED).increment();
                    consider(context, backends, file, attributes, accessedBefore);
                }

                @Override
                public void failed(Path path, IOException cause) {
                    fail(context, path, null, "cannot read it: " + cause);
                }
            });
        }
        cost = TierCost.of(context.counters().snapshot(), options.to(), context.config().tierPrices());
        context.log().info(cost.describe());
        long failed = context.counters().counter(FAILED).sum();
        if (failed == 0) {
            return JobState.COMPLETED;
        }
        return context.counters().counter(MOVED).sum() > 0 ? JobState.COMPLETED_PARTIAL : JobState.FAILED;
    }

    private void consider(JobContext context, ArchiveBackends backends, Path file, BasicFileAttributes attributes,
                          Instant accessedBefore) {
        if (attributes.size() < options.minSize()) {
            context.counters().counter(TOO_SMALL).increment();
            return;
        }
        if (!options.notAccessedFor().isZero() && attributes.lastAccessTime().toInstant().isAfter(accessedBefore)) {
            context.counters().counter(RECENTLY_ACCESSED).increment();
            return;
        }
        try {
            HsmUserState state = context.hsm().state(file);
            if (!state.has(HsmStates.ARCHIVED) || (state.states() & (HsmStates.DIRTY | HsmStates.LOST)) != 0) {
                context.counters().counter(NOT_ARCHIVED).increment();
                return;
            }
        } catch (LustreException e) {
            fail(context, file, null, "cannot read its HSM state: " + e.getMessage());
            return;
        }
        Optional<ArchiveRecord> record;
        try {
            record = records.read(file);
        } catch (IOException e) {
            fail(context, file, null, "cannot read its archive record: " + e.getMessage());
            return;
        }
        if (record.isEmpty()) {
            unverified(context, file, null, "no record: nothing names the blob a restore would read");
            return;
        }
        String blob = record.get().blob();
        try {
            Optional<ArchiveBackend> backend = backends.forArchive(record.get().archiveId());
            if (backend.isEmpty()) {
                unverified(context, file, blob, "archive " + record.get().archiveId()
                        + " of its record is not configured");
                return;
            }
            RecordedBlob found = RecordedBlob.check(backend.get(), record.get());
            if (!found.isCurrent()) {
                unverified(context, file, blob, found.describe(record.get()));
                return;
            }
            StoredObject stored = found.current().orElseThrow();
            Optional<StorageTier> from = movableFrom(context, file, blob, stored.tier());
            if (from.isEmpty() || busy(context, file)) {
                return;
            }
            // the one change (a dry run records it and goes on as if it was made: the same counters, no request)
            context.changes().apply("set blob tier " + options.to().serviceName(), file.toString(), blob,
                    () -> backend.get().setTier(blob, options.to()));
            Optional<StoredObject> after = context.changes().dryRun() ? Optional.empty() : backend.get().stat(blob);
            if (after.isPresent() && !record.get().etag().equals(after.get().etag())) {
                context.counters().counter(REPLACED_MEANWHILE).increment();
                context.log().warning(file.toString(), blob, "replaced while being moved to "
                        + options.to().serviceName() + ": the blob now there (ETag " + after.get().etag()
                        + ", tier " + after.get().tier().display() + ") is not the recorded one (ETag "
                        + record.get().etag() + "); the file's record is unchanged");
                return;
            }
            context.counters().counter(MOVED).increment();
            context.counters().counter(BYTES_MOVED).add(stored.size());
            context.counters().counter(movedFrom(from.get())).increment();
            context.counters().counter(bytesMovedFrom(from.get())).add(stored.size());
            context.progress().advance(1, stored.size());
        } catch (ArchiveException e) {
            fail(context, file, blob, "not moved to " + options.to().serviceName() + ": " + e.getMessage());
        }
    }

    /** The blob's tier when it is one to move from (online, warmer than the target); otherwise counts why not. */
    private Optional<StorageTier> movableFrom(JobContext context, Path file, String blob, ObjectTier tier) {
        if (tier.rehydrating()) {
            context.counters().counter(REHYDRATING).increment();
            return Optional.empty();
        }
        Optional<StorageTier> current = StorageTier.parse(tier.accessTier());
        if (current.isEmpty()) {
            context.counters().counter(NO_TIERS).increment();
            context.log().warning(file.toString(), blob, "not moved: its archive reports no access tier ("
                    + tier.display() + "); only Azure block blobs have tiers");
            return Optional.empty();
        }
        if (current.get().ordinal() >= options.to().ordinal()) {
            context.counters().counter(ALREADY_THERE).increment();
            return Optional.empty();
        }
        return current;
    }

    /**
     * True (and counted) when an HSM action waits or runs on the file: a RESTORE reads the blob now (moved to
     * Archive under it, its reads would fail), an ARCHIVE is about to replace it, a REMOVE to delete it. Read last,
     * right before the tier change, to keep the moment between the look and the change short.
     */
    private static boolean busy(JobContext context, Path file) {
        HsmCurrentAction action;
        try {
            action = context.hsm().currentAction(file);
        } catch (LustreException e) {
            fail(context, file, null, "cannot read its current HSM action: " + e.getMessage());
            return true;
        }
        // A file with no action reads HUA_NONE with state WAITING (the MDT's zeroed status): the action decides.
        if (action.action() == HsmUserAction.NONE || (action.state() != HsmProgressState.WAITING
                && action.state() != HsmProgressState.RUNNING)) {
            return false;
        }
        context.counters().counter(action.action() == HsmUserAction.RESTORE ? BEING_RESTORED : OTHER_ACTION)
                .increment();
        context.log().info("not moved, " + action.action() + " " + action.state() + " on it: " + file);
        return true;
    }

    private static void unverified(JobContext context, Path file, String blob, String reason) {
        context.counters().counter(NO_VERIFIED_COPY).increment();
        context.log().warning(file.toString(), blob, "not moved: " + reason);
    }

    private static void fail(JobContext context, Path path, String blob, String cause) {
        context.counters().counter(FAILED).increment();
        context.log().error(path.toString(), blob, cause);
    }
}
