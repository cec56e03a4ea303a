package io.azlhsm.copytool.jobs.release;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.jobs.ArchiveBackends;
import io.azlhsm.copytool.jobs.JobContext;
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
import java.util.List;
import java.util.Optional;

/**
 * Releases one file only when that cannot lose data: the file is archived and clean (not dirty, lost or
 * never_release) and the blob its {@link ArchiveRecord} names exists with the recorded ETag (restore reads exactly
 * that blob, If-Match that ETag). Lustre itself refuses a release of a file that changed since its archive (data
 * version check), so a write racing with the check cannot lose data either. Used by the release job and the policy
 * engine's release rule; the release goes through {@link JobContext#changes()}, so a dry run only records it.
 */
public final class SafeRelease {
    /** What became of a file. */
    public enum Outcome {
        RELEASED, ALREADY_RELEASED, NOT_ARCHIVED, NO_VERIFIED_COPY, FAILED
    }

    private final JobContext context;
    private final ArchiveBackends backends;
    private final LustreFids fids;
    private final ArchiveRecordStore records = new ArchiveRecordStore();

    public SafeRelease(JobContext context, ArchiveBackends backends) {
        this.context = context;
        this.backends = backends;
        this.fids = new LustreFids(context.library());
    }

    /**
     * True when the HSM state allows a release (archived, not released, not dirty, lost or never_release); the
     * cheap first test, before anything is asked of the archive.
     */
    public static boolean releasable(HsmUserState state) {
        return state.has(HsmStates.ARCHIVED) && (state.states() & (HsmStates.RELEASED | HsmStates.DIRTY
                | HsmStates.LOST | HsmStates.NORELEASE)) == 0;
    }

    /**
     * Checks and releases {@code file}. A file without a verified copy is logged as a warning (path, blob, reason), a
     * failure as an error: nothing else needs to log them.
     */
    public Outcome release(Path file) {
        try {
            HsmUserState state = context.hsm().state(file);
            if (state.has(HsmStates.RELEASED)) {
                return Outcome.ALREADY_RELEASED;
            }
            if (!releasable(state)) {
                return Outcome.NOT_ARCHIVED;
            }
            Outcome verified = archiveCopyVerified(file);
            if (verified != null) {
                return verified;
            }
            LuFid fid = fids.path2fid(file);
            // One file per request: the release is done by the client at once, and one refusal (a write since the
            // check) must not keep the others of a batch from being released.
            context.changes().apply("release", file.toString(), null, () -> context.hsm().request(context.mount(),
                    HsmUserAction.RELEASE, 0, 0, List.of(fid), new byte[0]));
            return Outcome.RELEASED;
        } catch (LustreException e) {
            return fail(file, null, "not released: " + e.getMessage());
        }
    }

    /**
     * Null when the blob the file's record names exists with the recorded ETag; otherwise NO_VERIFIED_COPY, logged
     * with why (no record, archive not configured, blob missing, ETag differs), or FAILED when the record or the
     * archive cannot be read.
     */
    private Outcome archiveCopyVerified(Path file) {
        Optional<ArchiveRecord> record;
        try {
            record = records.read(file);
        } catch (IOException e) {
            return fail(file, null, "not released: cannot read its archive record: " + e.getMessage());
        }
        if (record.isEmpty()) {
            return unverified(file, null, "no record: nothing names the blob a restore would read");
        }
        String blob = record.get().blob();
        try {
            Optional<ArchiveBackend> backend = backends.forArchive(record.get().archiveId());
            if (backend.isEmpty()) {
                return unverified(file, blob, "archive " + record.get().archiveId()
                        + " of its record is not configured");
            }
            RecordedBlob found = RecordedBlob.check(backend.get(), record.get());
            if (!found.isCurrent()) {
                return unverified(file, blob, found.describe(record.get()));
            }
            return null;
        } catch (ArchiveException e) {
            return fail(file, null, "not released: cannot check its blob " + blob + ": " + e.getMessage());
        }
    }

    private Outcome unverified(Path file, String blob, String reason) {
        context.log().warning(file.toString(), blob, "not released: " + reason);
        return Outcome.NO_VERIFIED_COPY;
    }

    private Outcome fail(Path file, String blob, String cause) {
        context.log().error(file.toString(), blob, cause);
        return Outcome.FAILED;
    }
}
