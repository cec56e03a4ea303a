package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.jobs.JobChanges;
import java.time.Duration;
import java.time.Instant;

/**
 * {@code --collect-orphans AGE}: deletes each orphan blob last modified at least AGE ago, on the ETag the check
 * judged (If-Match), so a blob written again since, by an archive that now records it, is never touched. Never a
 * foreign blob (another tool's data) and never a blob a live file records: only what the check classed orphan-blob
 * reaches here. A blob with preserved versions (Azure snapshots) is refused by the archive and stays, said so.
 */
final class OrphanCollector {
    private final ArchiveBackend backend;
    private final JobChanges changes;
    private final Duration age;
    private final Instant now;
    private long deleted;
    private long bytes;

    OrphanCollector(ArchiveBackend backend, JobChanges changes, Duration age, Instant now) {
        this.backend = backend;
        this.changes = changes;
        this.age = age;
        this.now = now;
    }

    /** The item, with what was done about it said in its detail. */
    CheckItem collect(CheckItem orphan) {
        if (orphan.checkClass() != CheckClass.ORPHAN_BLOB || orphan.isFile() || orphan.etag() == null) {
            return orphan;
        }
        if (orphan.lastModified() == null || orphan.lastModified().isAfter(now.minus(age))) {
            return orphan.withDetail("kept: modified less than " + age + " ago");
        }
        try {
            boolean[] gone = {true}; // a dry run would delete it
            changes.apply("delete orphan blob", null, orphan.blob(),
                    () -> gone[0] = backend.delete(orphan.blob(), orphan.etag()));
            if (gone[0]) {
                deleted++;
                bytes += orphan.bytes();
                return orphan.withDetail("collected: deleted");
            }
            return orphan.withDetail("already gone");
        } catch (ArchiveException e) {
            return orphan.withDetail("not deleted: " + e.getMessage());
        }
    }

    long deleted() {
        return deleted;
    }

    long bytes() {
        return bytes;
    }
}
