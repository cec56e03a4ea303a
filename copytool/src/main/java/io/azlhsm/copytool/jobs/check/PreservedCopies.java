package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.PreservedListing;
import io.azlhsm.copytool.archive.PreservedVersion;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.jobs.JobContext;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code --collect-orphans AGE}, second half: the preserved copies the identity rules leave (docs/identity.md, rule
 * 2: a blob snapshot or posix version link kept of another file's copy before its name is taken). Such a copy is
 * needed while a live file's record names its name and ETag (restore reads it then: FileJudge's "restores from the
 * preserved version"); once that file is archived again, removed or deleted, nothing reads it.
 *
 * <p>The walk hands every record naming the checked archive to {@link #recorded}; those spill to a scratch file
 * ({@link UnclaimedBlobs}: no map of the namespace in memory). At the end of the walk the preserved versions under
 * the checked prefix are listed, and each candidate (written by us: it carries our {@code azlhsm_fid}; preserved at
 * least AGE ago) is joined with the records. One no walked record names is asked of the file its {@code azlhsm_fid}
 * names ({@link BlobOwners}: a file outside the checked path, or renamed out of it, may still record it). What is
 * left is deleted, and counted with its bytes. Kept always: a version of another tool's blob (no {@code azlhsm_fid}:
 * an imported stub anywhere may record it; the same rule that makes a foreign blob untouchable), a version younger
 * than AGE, and a version with the ETag the object itself has now (it holds nothing the object does not, and a writer
 * about to take the name would reuse it rather than preserve again).
 *
 * <p>Why an old unrecorded version stays unrecorded: a record names the ETag the object had when its archive (or
 * import) committed, so a version preserved before this check began can gain no new record unless the object still
 * has its ETag, which is kept. The age covers an archive that committed but has not written its record yet, as for
 * orphan blobs.
 */
final class PreservedCopies implements AutoCloseable {
    private static final int PAGE_SIZE = 1000;

    private final ArchiveBackend backend;
    private final int archiveId;
    private final Duration age;
    private final Instant now;
    private final UnclaimedBlobs join;
    private long deleted;
    private long bytes;
    private long kept;

    /**
     * @param scratch its own scratch directory (emptied first)
     */
    PreservedCopies(ArchiveBackend backend, int archiveId, Duration age, Instant now, Path scratch)
            throws IOException {
        this.backend = backend;
        this.archiveId = archiveId;
        this.age = age;
        this.now = now;
        this.join = new UnclaimedBlobs(scratch);
    }

    /** A live file's record names this blob and ETag of the checked archive. */
    void recorded(String name, String etag) throws IOException {
        join.addClaim(name, etag);
    }

    /**
     * Lists the preserved versions under {@code listPrefix} (only those of {@code onlyName} when not null), and
     * deletes the orphans among them.
     */
    void collect(JobContext context, String listPrefix, String onlyName, BlobOwners owners) throws Exception {
        String token = null;
        do {
            context.checkCancelled();
            PreservedListing page = backend.listPreserved(listPrefix, token, PAGE_SIZE);
            for (PreservedVersion version : page.versions()) {
                if (onlyName != null && !onlyName.equals(version.name())) {
                    continue;
                }
                String fid = BlobKinds.fid(version.metadata());
                if (fid == null || version.preservedAt() == null || version.preservedAt().isAfter(now.minus(age))) {
                    kept++;
                    continue;
                }
                join.addBlob(new UnclaimedBlobs.Blob(version.name(), version.etag(), version.size(),
                        version.preservedAt().toEpochMilli(), fid, true, version.versionId()));
            }
            token = page.nextContinuationToken();
        } while (token != null);
        join.resolve(new UnclaimedBlobs.Outcome() {
            @Override
            public void claimed(UnclaimedBlobs.Blob version) {
                kept++;
            }

            @Override
            public void unclaimed(UnclaimedBlobs.Blob version) throws Exception {
                context.checkCancelled();
                collectUnrecorded(context, version, owners);
            }
        });
    }

    private void collectUnrecorded(JobContext context, UnclaimedBlobs.Blob version, BlobOwners owners)
            throws Exception {
        String what = version.name() + " (preserved version " + version.version() + ", ETag " + version.etag() + ")";
        try {
            BlobOwners.Judgement judged = owners.judge(version);
            if (judged.checkClass() != CheckClass.ORPHAN_BLOB) {
                kept++;
                return;
            }
            Optional<StoredObject> current = backend.stat(version.name());
            if (current.isPresent() && current.get().etag().equals(version.etag())) {
                kept++;
                return;
            }
            boolean[] gone = {true}; // a dry run would delete it
            context.changes().apply("delete preserved version " + version.version() + " of", null, version.name(),
                    () -> gone[0] = backend.deleteVersion(version.name(), version.version()));
            if (gone[0]) {
                deleted++;
                bytes += version.size();
                context.log().info("collected " + what + ", " + version.size() + " bytes: "
                        + judged.detail());
            }
        } catch (ArchiveException | IOException e) {
            context.log().error(version.name(), version.name(), "preserved version " + version.version()
                    + " not collected: " + e.getMessage());
        }
    }

    /** Preserved versions deleted. */
    long deleted() {
        return deleted;
    }

    /** Their bytes. */
    long bytes() {
        return bytes;
    }

    /** Preserved versions seen and kept (recorded, young, another tool's, or the object's own version). */
    long kept() {
        return kept;
    }

    @Override
    public void close() {
        join.close();
    }
}
