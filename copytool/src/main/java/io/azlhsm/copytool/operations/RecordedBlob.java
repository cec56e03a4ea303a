package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the blob an {@link ArchiveRecord} names is still there with the recorded ETag, that is, whether a restore
 * by that record can succeed. Restore reads exactly that blob with If-Match on that ETag, so a blob that is gone or
 * was replaced leaves the file's data nowhere: a job must not release such a file, nor leave such a stub unsaid.
 *
 * @param verdict what was found
 * @param current the blob as the archive holds it now; empty when it is gone
 */
public record RecordedBlob(Verdict verdict, Optional<StoredObject> current) {
    /** What became of the recorded blob. */
    public enum Verdict {
        /** There, with the recorded ETag. */
        CURRENT,
        /** No object of that name any more. */
        MISSING,
        /** Replaced: an object of that name with another ETag. */
        ETAG_DIFFERS
    }

    /** One Get Blob Properties (stat) of the recorded blob, in the record's archive's {@code backend}. */
    public static RecordedBlob check(ArchiveBackend backend, ArchiveRecord record) throws ArchiveException {
        return compare(record, backend.stat(record.blob()));
    }

    /** The same judgement from the blob as already known (a listing), without asking the archive. */
    public static RecordedBlob compare(ArchiveRecord record, Optional<StoredObject> current) {
        if (current.isEmpty()) {
            return new RecordedBlob(Verdict.MISSING, current);
        }
        return new RecordedBlob(Objects.equals(record.etag(), current.get().etag()) ? Verdict.CURRENT
                : Verdict.ETAG_DIFFERS, current);
    }

    public boolean isCurrent() {
        return verdict == Verdict.CURRENT;
    }

    /** For logs: "blob missing" or "ETag differs (recorded E1, now E2)"; "current" when nothing is wrong. */
    public String describe(ArchiveRecord record) {
        return switch (verdict) {
            case CURRENT -> "current";
            case MISSING -> "blob missing (archive " + record.archiveId() + " has no " + record.blob() + ")";
            case ETAG_DIFFERS -> "ETag differs (recorded " + record.etag() + ", now " + current.get().etag() + ")";
        };
    }
}
