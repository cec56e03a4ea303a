package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.jobs.ArchiveBackends;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One pass of the check: merges the sorted walk of the tree ({@link SortedTreeWalk}) with the sorted listing of the
 * archive under the same prefix ({@link BlobStream}), so a file and the blob at its path meet without a map of
 * either side. Each file is judged ({@link FileJudge}) from the listing when its record names the blob at its own
 * path (the common case: no request per file), else with one stat of the blob it names; a verdict that says data is
 * at risk is confirmed with a fresh state, record and stat before it is believed (an archive may have ended since
 * the listing passed that name). Each blob is paired with the file at its path, or kept in {@link UnclaimedBlobs}
 * for the join with the blobs files record under other names, then judged by {@link BlobOwners}. Directory markers
 * are judged on the spot by whether the directory exists.
 */
final class CheckPass {
    private final JobContext context;
    private final Path mount;
    private final Path root;
    private final ArchiveBackend backend;
    private final int archiveId;
    private final String archivePrefix;
    private final ArchiveBackends others;
    private final UnclaimedBlobs unclaimed;
    private final CheckSink sink;
    private final HsmFiles hsm;
    private final LustreFids fids;
    private final ArchiveRecordStore records = new ArchiveRecordStore();
    private final FileJudge judge = new FileJudge();
    private final BlobChecksums checksums;
    private final PreservedCopies preserved;
    private final CheckProfile profile;

    /**
     * @param backend       the checked archive's backend
     * @param archivePrefix its normalized prefix ("" or ending in '/')
     * @param others        backends of other archives a record may name
     * @param checksums     {@code --deep}: reads recorded blobs back; null without it
     * @param preserved     {@code --collect-orphans}: told every record of the checked archive, collects the orphan
     *                      preserved copies after the walk; null without it
     * @param profile       where the pass's time goes
     */
    CheckPass(JobContext context, Path mount, Path root, ArchiveBackend backend, int archiveId, String archivePrefix,
              ArchiveBackends others, UnclaimedBlobs unclaimed, CheckSink sink, BlobChecksums checksums,
              PreservedCopies preserved, CheckProfile profile) {
        this.checksums = checksums;
        this.preserved = preserved;
        this.profile = profile;
        this.context = context;
        this.mount = mount;
        this.root = root;
        this.backend = backend;
        this.archiveId = archiveId;
        this.archivePrefix = archivePrefix;
        this.others = others;
        this.unclaimed = unclaimed;
        this.sink = sink;
        this.hsm = context.hsm();
        this.fids = new LustreFids(context.library());
    }

    void run() throws Exception {
        String rel = mount.relativize(root).toString();
        boolean directory = Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS);
        String listPrefix = archivePrefix + (rel.isEmpty() ? "" : directory ? rel + "/" : rel);
        SortedTreeWalk walk = new SortedTreeWalk(mount, root,
                (path, cause) -> sink.error(mount.relativize(path).toString(), null, "cannot read it: " + cause));
        try (BlobStream blobs = new BlobStream(backend, archivePrefix, listPrefix, directory ? null : rel)) {
            merge(walk, blobs);
        }
        BlobOwners owners = new BlobOwners(mount, archiveId);
        if (preserved != null) {
            // before the orphan blobs: Azure refuses to delete a blob while it has snapshots
            profile.enter(CheckProfile.Phase.PRESERVED);
            try {
                preserved.collect(context, listPrefix, directory ? null : listPrefix, owners);
            } finally {
                profile.exit();
            }
        }
        profile.enter(CheckProfile.Phase.JOIN);
        try {
            resolve(owners);
        } finally {
            profile.exit();
        }
    }

    private void resolve(BlobOwners owners) throws Exception {
        unclaimed.resolve(new UnclaimedBlobs.Outcome() {
            @Override
            public void claimed(UnclaimedBlobs.Blob b) throws Exception {
                context.checkCancelled();
                sink.item(blobItem(b, CheckClass.OK, "recorded by a file under another name"), null);
            }

            @Override
            public void unclaimed(UnclaimedBlobs.Blob b) throws Exception {
                context.checkCancelled();
                try {
                    BlobOwners.Judgement judged = owners.judge(b);
                    sink.item(blobItem(b, judged.checkClass(), judged.detail()), null);
                } catch (java.io.IOException e) {
                    sink.error(key(b.name()), b.name(), "cannot look up the file its azlhsm_fid " + b.fid()
                            + " names: " + e.getMessage());
                }
            }
        });
    }

    /** Merges the walk with the listing, in name order: a file and the blob at its path meet. */
    private void merge(SortedTreeWalk walk, BlobStream blobs) throws Exception {
        SortedTreeWalk.Entry file = next(walk);
        BlobStream.Listed blob = nextBlob(blobs);
        while (file != null || blob != null) {
            context.checkCancelled();
            int order = file == null ? 1 : blob == null ? -1 : file.relative().compareTo(blob.key());
            if (order < 0) {
                file(file, null);
                file = next(walk);
            } else if (order > 0) {
                unmatched(blob);
                blob = nextBlob(blobs);
            } else {
                file(file, blob);
                file = next(walk);
                blob = nextBlob(blobs);
            }
        }
    }

    private SortedTreeWalk.Entry next(SortedTreeWalk walk) throws Exception {
        profile.enter(CheckProfile.Phase.WALK);
        try {
            return walk.next();
        } finally {
            profile.exit();
        }
    }

    /** The next listed blob that is not a directory marker; markers met on the way are judged at once. */
    private BlobStream.Listed nextBlob(BlobStream blobs) throws Exception {
        while (true) {
            BlobStream.Listed listed;
            profile.enter(CheckProfile.Phase.LISTING);
            try {
                listed = blobs.next();
            } finally {
                profile.exit();
            }
            if (listed == null || !BlobKinds.isMarker(listed.object())) {
                return listed;
            }
            context.checkCancelled();
            StoredObject marker = listed.object();
            Path directory = mount.resolve(listed.key()).normalize();
            boolean exists = directory.startsWith(mount) && Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS);
            CheckClass verdict = exists ? CheckClass.OK
                    : BlobKinds.writtenByUs(marker) ? CheckClass.ORPHAN_BLOB : CheckClass.FOREIGN_BLOB;
            report(new CheckItem(verdict, listed.key(), null, marker.name(), exists ? ""
                    : "directory marker of a directory that does not exist", marker.size(), false, marker.etag(),
                    marker.lastModified()), null);
        }
    }

    private void file(SortedTreeWalk.Entry file, BlobStream.Listed atPath) throws Exception {
        if (file.symlink()) {
            if (atPath != null) {
                if (BlobKinds.isSymlink(atPath.object())) {
                    report(listedItem(atPath, CheckClass.OK, "the blob of the symlink at its path"), null);
                } else {
                    unmatched(atPath);
                }
            }
            return;
        }
        long size = file.attributes().size();
        context.progress().advance(1, size);
        String pathBlob;
        try {
            pathBlob = backend.objectName(file.relative());
        } catch (ArchiveException invalid) {
            pathBlob = null;
        }
        FileJudge.Verdict verdict;
        LuFid ownFid;
        try {
            FileJudge.Facts facts = facts(file.path(), size, pathBlob);
            ownFid = facts.ownFid();
            verdict = judge(facts, listingBlobs(atPath, pathBlob));
            if (verdict.checkClass().atRisk()) {
                // the listing may be older than an archive that ended since: believe only what is true now
                facts = facts(file.path(), Files.size(file.path()), pathBlob);
                ownFid = facts.ownFid();
                verdict = judge(facts, statBlobs());
            }
            verdict = deep(verdict, facts);
            if (preserved != null && facts.record().isPresent() && facts.record().get().archiveId() == archiveId
                    && facts.record().get().etag() != null) {
                preserved.recorded(facts.record().get().blob(), facts.record().get().etag());
            }
        } catch (Exception e) {
            if (e instanceof io.azlhsm.copytool.jobs.JobCancelledException cancelled) {
                throw cancelled;
            }
            if (!Files.exists(file.path(), LinkOption.NOFOLLOW_LINKS)) {
                // deleted since the walk listed it: nothing to judge; its blob is judged on its own
                if (atPath != null) {
                    unmatched(atPath);
                }
                return;
            }
            sink.error(file.relative(), pathBlob, "cannot judge it: " + e.getMessage());
            if (atPath != null) {
                sink.error(atPath.key(), atPath.object().name(), "not judged: the file at its path could not be");
            }
            return;
        }
        FileJudge.Claim claim = verdict.claim();
        boolean paired = atPath != null && claim != null && claim.archiveId() == archiveId
                && claim.name().equals(atPath.object().name()) && claim.etag().equals(atPath.object().etag());
        if (atPath != null) {
            if (paired) {
                report(listedItem(atPath, CheckClass.OK, ""), null);
            } else {
                unmatched(atPath);
            }
        }
        if (claim != null && claim.archiveId() == archiveId && !paired) {
            unclaimed.addClaim(claim.name(), claim.etag());
        }
        String fid = null;
        if (verdict.checkClass().listed()) {
            try {
                fid = (ownFid != null ? ownFid : fids.path2fid(file.path())).bracketed();
            } catch (java.io.IOException e) {
                fid = null; // the report still names path and blob
            }
        }
        report(new CheckItem(verdict.checkClass(), file.relative(), fid, verdict.blob(), verdict.detail(), size,
                true), file.path());
    }

    /**
     * {@code --deep}: an ok file whose record names a blob of the checked archive and holds a checksum has that blob
     * read back; other bytes than the record's make it checksum-mismatch.
     */
    private FileJudge.Verdict deep(FileJudge.Verdict verdict, FileJudge.Facts facts) throws Exception {
        FileJudge.Claim claim = verdict.claim();
        if (checksums == null || verdict.checkClass() != CheckClass.OK || claim == null || facts.record().isEmpty()
                || claim.archiveId() != archiveId || !claim.name().equals(facts.record().get().blob())) {
            return verdict;
        }
        Optional<String> mismatch;
        profile.enter(CheckProfile.Phase.DEEP_READ);
        try {
            mismatch = checksums.mismatch(facts.record().get(), facts.size());
        } finally {
            profile.exit();
        }
        return mismatch.isEmpty() ? verdict
                : new FileJudge.Verdict(CheckClass.CHECKSUM_MISMATCH, verdict.blob(), mismatch.get(), claim);
    }

    private FileJudge.Verdict judge(FileJudge.Facts facts, FileJudge.Blobs blobs) throws Exception {
        profile.enter(CheckProfile.Phase.JUDGE);
        try {
            return judge.judge(facts, blobs);
        } finally {
            profile.exit();
        }
    }

    private void report(CheckItem item, Path file) throws Exception {
        profile.enter(CheckProfile.Phase.REPORT);
        try {
            sink.item(item, file);
        } finally {
            profile.exit();
        }
    }

    private FileJudge.Facts facts(Path file, long size, String pathBlob) throws Exception {
        HsmUserState state;
        profile.enter(CheckProfile.Phase.HSM_STATE);
        try {
            state = hsm.state(file);
        } finally {
            profile.exit();
        }
        Optional<ArchiveRecord> record;
        profile.enter(CheckProfile.Phase.RECORD);
        try {
            record = records.read(file);
        } finally {
            profile.exit();
        }
        boolean needsFid = record.isEmpty() && state.has(HsmStates.ARCHIVED);
        LuFid ownFid = null;
        if (needsFid) {
            profile.enter(CheckProfile.Phase.FID);
            try {
                ownFid = fids.path2fid(file);
            } finally {
                profile.exit();
            }
        }
        int fallbackArchive = state.archiveId() != 0 ? state.archiveId() : archiveId;
        return new FileJudge.Facts(size, state, record, ownFid, fallbackArchive == archiveId ? pathBlob
                : otherName(fallbackArchive, mount.relativize(file).toString()), fallbackArchive);
    }

    private String otherName(int archive, String relative) throws Exception {
        try {
            return backendFor(archive).objectName(relative);
        } catch (ArchiveException invalid) {
            return null;
        }
    }

    /** Answers from the listing for the blob at the file's own path in the checked archive, else with a stat. */
    private FileJudge.Blobs listingBlobs(BlobStream.Listed atPath, String pathBlob) {
        FileJudge.Blobs stat = statBlobs();
        return new FileJudge.Blobs() {
            @Override
            public Optional<StoredObject> current(int archive, String name) throws Exception {
                if (archive == archiveId && name.equals(pathBlob)) {
                    return atPath == null ? Optional.empty() : Optional.of(atPath.object());
                }
                return stat.current(archive, name);
            }

            @Override
            public boolean preserved(int archive, String name, String etag) throws Exception {
                return stat.preserved(archive, name, etag);
            }
        };
    }

    private FileJudge.Blobs statBlobs() {
        return new FileJudge.Blobs() {
            @Override
            public Optional<StoredObject> current(int archive, String name) throws Exception {
                profile.enter(CheckProfile.Phase.BLOB_STAT);
                try {
                    return backendFor(archive).stat(name);
                } finally {
                    profile.exit();
                }
            }

            @Override
            public boolean preserved(int archive, String name, String etag) throws Exception {
                profile.enter(CheckProfile.Phase.BLOB_STAT);
                try {
                    return backendFor(archive).findPreserved(name, etag).isPresent();
                } finally {
                    profile.exit();
                }
            }
        };
    }

    private ArchiveBackend backendFor(int archive) throws Exception {
        if (archive == archiveId) {
            return backend;
        }
        return others.forArchive(archive).orElseThrow(() -> new IllegalStateException("archive " + archive
                + " is not configured"));
    }

    /** A blob no file at its path records: a symlink blob is judged now, any other waits for the join. */
    private void unmatched(BlobStream.Listed listed) throws Exception {
        StoredObject object = listed.object();
        if (BlobKinds.isSymlink(object)) {
            report(listedItem(listed, BlobKinds.writtenByUs(object) ? CheckClass.ORPHAN_BLOB
                    : CheckClass.FOREIGN_BLOB, "symlink blob, and no symlink at its path"), null);
            return;
        }
        unclaimed.addBlob(new UnclaimedBlobs.Blob(object.name(), object.etag(), object.size(),
                object.lastModified() == null ? -1 : object.lastModified().toEpochMilli(), BlobKinds.fid(object),
                BlobKinds.writtenByUs(object)));
    }

    private CheckItem listedItem(BlobStream.Listed listed, CheckClass verdict, String detail) {
        StoredObject object = listed.object();
        return new CheckItem(verdict, listed.key(), BlobKinds.fid(object), object.name(), detail, object.size(),
                false, object.etag(), object.lastModified());
    }

    private CheckItem blobItem(UnclaimedBlobs.Blob blob, CheckClass verdict, String detail) {
        return new CheckItem(verdict, key(blob.name()), blob.fid(), blob.name(), detail, blob.size(), false,
                blob.etag(), blob.lastModifiedMillis() < 0 ? null : Instant.ofEpochMilli(blob.lastModifiedMillis()));
    }

    private String key(String name) {
        return name.startsWith(archivePrefix) ? name.substring(archivePrefix.length()) : name;
    }
}
