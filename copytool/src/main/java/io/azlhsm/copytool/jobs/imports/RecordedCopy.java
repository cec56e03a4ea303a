package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.RecordedBlob;
import java.util.Optional;

/**
 * What an existing file's archive record says about its archived copy, as far as an import of one archive can tell:
 * whether the blob it names is gone or was replaced, so that the file's data (a released stub's only data) can no
 * longer be restored. Asks the archive only when the record names a blob other than the one being imported (a
 * renamed file): the listing already holds that one's ETag.
 *
 * @param record what the file records; empty when it has none
 * @param blob   what became of the recorded blob; empty when there is no record or it names another archive
 */
record RecordedCopy(Optional<ArchiveRecord> record, Optional<RecordedBlob> blob) {
    static RecordedCopy of(Optional<ArchiveRecord> record, StoredObject listed, int archiveId,
                           ArchiveBackend backend) throws ArchiveException {
        if (record.isEmpty() || record.get().archiveId() != archiveId) {
            return new RecordedCopy(record, Optional.empty());
        }
        RecordedBlob found = record.get().blob().equals(listed.name())
                ? RecordedBlob.compare(record.get(), Optional.of(listed))
                : RecordedBlob.check(backend, record.get());
        return new RecordedCopy(record, Optional.of(found));
    }

    /** The recorded blob is gone or holds another ETag: a restore by this record fails. */
    boolean stale() {
        return blob.isPresent() && !blob.get().isCurrent();
    }

    /** For the job log: "its record names blob B: ETag differs (recorded E1, now E2)". */
    String describe() {
        return "its record names blob " + record.map(ArchiveRecord::blob).orElse("?") + ": "
                + blob.map(found -> found.describe(record.get())).orElse("not checked");
    }
}
