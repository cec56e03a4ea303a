package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.copytool.operations.LustreFile;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Judges a blob no file of the walk records: asks the file its {@code azlhsm_fid} names, by FID (one lookup and one
 * getxattr), whether it still records this very blob and ETag (a file outside the checked path, or renamed out of
 * it). Otherwise the blob is an orphan when it carries our FID metadata, and foreign when it does not (another tool
 * wrote it: imported-but-unused data, never touched).
 */
final class BlobOwners {
    /** The class and the words why. */
    record Judgement(CheckClass checkClass, String detail) {
    }

    private final Path mount;
    private final int archiveId;
    private final ArchiveRecordStore records = new ArchiveRecordStore();

    BlobOwners(Path mount, int archiveId) {
        this.mount = mount;
        this.archiveId = archiveId;
    }

    /** @throws IOException when the FID's file cannot be looked up (other than: it does not exist) */
    Judgement judge(UnclaimedBlobs.Blob blob) throws IOException {
        if (blob.fid() == null) {
            return new Judgement(CheckClass.FOREIGN_BLOB, "no azlhsm_fid metadata: another tool wrote it, and no"
                    + " file records it");
        }
        LuFid fid;
        try {
            fid = LuFid.parse(blob.fid());
        } catch (IllegalArgumentException notAFid) {
            return new Judgement(CheckClass.ORPHAN_BLOB, "its azlhsm_fid '" + blob.fid() + "' is not a FID, and no"
                    + " file records it");
        }
        Path byFid = new LustreFile(mount, fid).fidPath();
        Optional<ArchiveRecord> record;
        try {
            record = records.read(byFid);
        } catch (NoSuchFileException gone) {
            return new Judgement(CheckClass.ORPHAN_BLOB, "written for file " + fid.bracketed()
                    + ", which no longer exists");
        }
        if (record.isPresent() && record.get().archiveId() == archiveId && record.get().blob().equals(blob.name())
                && blob.etag().equals(record.get().etag())) {
            return new Judgement(CheckClass.OK, "recorded by file " + fid.bracketed() + " (outside the checked path"
                    + " or renamed)");
        }
        return new Judgement(CheckClass.ORPHAN_BLOB, "written for file " + fid.bracketed() + ", which "
                + record.map(r -> "records another copy (" + r + ")").orElse("has no archive record"));
    }
}
