package io.azlhsm.copytool.jobs.release;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.jobs.ArchiveBackends;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobKind;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.walk.MountPaths;
import io.azlhsm.copytool.jobs.walk.NamespaceVisitor;
import io.azlhsm.copytool.jobs.walk.NamespaceWalker;
import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.HsmUserAction;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.copytool.operations.RecordedBlob;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Frees Lustre capacity: releases the archived, clean files under a path, optionally only those not accessed for a
 * while and/or of at least a size. A dirty, never-archived, lost or never_release file is never released: this job
 * skips them, and Lustre itself refuses a release of a file that changed since its archive (data version check), so
 * a write racing with the job cannot lose data. Nor is a file released whose archive copy is not there to restore
 * it: before each release one Get Blob Properties checks that the blob its {@link ArchiveRecord} names exists with
 * the recorded ETag (restore reads exactly that blob, If-Match that ETag); a file without a record, or whose blob is
 * gone or was replaced behind the archive's back, stays, counted and logged with path, blob and reason.
 */
public final class ReleaseJob implements Job {
    public static final String SCANNED = "files scanned";
    public static final String RELEASED = "files released";
    public static final String BYTES_RELEASED = "bytes released";
    public static final String NOT_ARCHIVED = "files not archived or dirty";
    public static final String ALREADY_RELEASED = "files already released";
    public static final String RECENTLY_ACCESSED = "files accessed recently";
    public static final String TOO_SMALL = "files too small";
    public static final String NO_VERIFIED_COPY = "files without a verified archive copy";
    public static final String FAILED = "files failed";

    private final ReleaseOptions options;
    private final ArchiveRecordStore records = new ArchiveRecordStore();

    public ReleaseJob(ReleaseOptions options) {
        this.options = options;
    }

    @Override
    public JobKind kind() {
        return JobKind.RELEASE;
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("path", options.path());
        parameters.put("not accessed for", options.notAccessedFor().isZero() ? "(any)"
                : options.notAccessedFor().toString());
        parameters.put("min size", options.minSize() == 0 ? "(any)" : Long.toString(options.minSize()));
        return parameters;
    }

    @Override
    public JobState run(JobContext context) throws Exception {
        Path mount = context.mount().toAbsolutePath().normalize();
        Path root = MountPaths.resolve(mount, options.path());
        for (String name : List.of(SCANNED, RELEASED, BYTES_RELEASED, NOT_ARCHIVED, ALREADY_RELEASED,
                RECENTLY_ACCESSED, TOO_SMALL, NO_VERIFIED_COPY, FAILED)) {
            context.counters().counter(name);
        }
        context.progress().setTotal(0, 0);
        Instant accessedBefore = Instant.now().minus(options.notAccessedFor());
        LustreFids fids = new LustreFids(context.library());
        try (ArchiveBackends backends = new ArchiveBackends(context.config())) {
            new NamespaceWalker(mount).walk(root, new NamespaceVisitor() {
                @Override
                public void file(Path file, BasicFileAttributes attributes) {
                    context.checkCancelled();
                    context.counters().counter(SCANNED).increment();
                    consider(context, fids, backends, file, attributes, accessedBefore);
                }

                @Override
                public void failed(Path path, IOException cause) {
                    fail(context, path, "cannot read it: " + cause);
                }
            });
        }
        long failed = context.counters().counter(FAILED).sum();
        if (failed == 0) {
            return JobState.COMPLETED;
        }
        return context.counters().counter(RELEASED).sum() > 0 ? JobState.COMPLETED_PARTIAL : JobState.FAILED;
    }

    private void consider(JobContext context, LustreFids fids, ArchiveBackends backends, Path file,
                          BasicFileAttributes attributes, Instant accessedBefore) {
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
            if (state.has(HsmStates.RELEASED)) {
                context.counters().counter(ALREADY_RELEASED).increment();
                return;
            }
            if (!state.has(HsmStates.ARCHIVED) || (state.states() & (HsmStates.DIRTY | HsmStates.LOST
                    | HsmStates.NORELEASE)) != 0) {
                context.counters().counter(NOT_ARCHIVED).increment();
                return;
            }
            if (!archiveCopyVerified(context, backends, file)) {
                return;
            }
            LuFid fid = fids.path2fid(file);
            // One file per request: the release is done by the client at once, and one refusal (a write since the
            // check) must not keep the others of a batch from being released.
            context.changes().apply("release", file.toString(), null, () -> context.hsm().request(context.mount(),
                    HsmUserAction.RELEASE, 0, 0, List.of(fid), new byte[0]));
            context.counters().counter(RELEASED).increment();
            context.counters().counter(BYTES_RELEASED).add(attributes.size());
            context.progress().advance(1, attributes.size());
        } catch (LustreException e) {
            fail(context, file, "not released: " + e.getMessage());
        }
    }

    /**
     * True when the blob the file's record names exists with the recorded ETag; otherwise counts the file as without
     * a verified copy and logs why (no record, archive not configured, blob missing, ETag differs), or as failed when
     * the record or the archive cannot be read.
     */
    private boolean archiveCopyVerified(JobContext context, ArchiveBackends backends, Path file) {
        Optional<ArchiveRecord> record;
        try {
            record = records.read(file);
        } catch (IOException e) {
            fail(context, file, "not released: cannot read its archive record: " + e.getMessage());
            return false;
        }
        if (record.isEmpty()) {
            unverified(context, file, null, "no record: nothing names the blob a restore would read");
            return false;
        }
        String blob = record.get().blob();
        try {
            Optional<ArchiveBackend> backend = backends.forArchive(record.get().archiveId());
            if (backend.isEmpty()) {
                unverified(context, file, blob, "archive " + record.get().archiveId()
                        + " of its record is not configured");
                return false;
            }
            RecordedBlob found = RecordedBlob.check(backend.get(), record.get());
            if (!found.isCurrent()) {
                unverified(context, file, blob, found.describe(record.get()));
                return false;
            }
            return true;
        } catch (ArchiveException e) {
            fail(context, file, "not released: cannot check its blob " + blob + ": " + e.getMessage());
            return false;
        }
    }

    private static void unverified(JobContext context, Path file, String blob, String reason) {
        context.counters().counter(NO_VERIFIED_COPY).increment();
        context.log().warning(file.toString(), blob, "not released: " + reason);
    }

    private static void fail(JobContext context, Path path, String cause) {
        context.counters().counter(FAILED).increment();
        context.log().error(path.toString(), null, cause);
    }
}
