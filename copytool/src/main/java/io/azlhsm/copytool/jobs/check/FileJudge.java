package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.operations.ArchiveRecord;
import java.util.Objects;
import java.util.Optional;

/**
 * Gives one file its {@link CheckClass} from its HSM state, its archive record and the blob the record names, by the
 * rules restore follows (docs/identity.md): restore reads the recorded blob with If-Match on the recorded ETag, or the
 * preserved version of that ETag when another file took the name; a file without a record (archived or imported by
 * another tool) restores from the blob at its path, but only from one whose {@code azlhsm_fid} is absent or its own.
 *
 * <p>An imported stub is told from an archived file by its record's data version: an import records 0 (the stub has
 * no data yet), an archive the file's data version at archive time. A released imported stub whose blob has another
 * ETag is a stale stub (the container moved on; import can bring the stub up to date); one whose blob is gone is
 * lost, like any released file whose copy is gone. (A file never written has data version 0 as well, on Lustre as in
 * the simulator; archived and released empty, with its blob replaced, it is called stale: it held no data to lose.)
 *
 * <p>Stateless and pure apart from the {@link Blobs} it asks; thread-safe.
 */
final class FileJudge {
    /** Where the judge finds blobs; the job answers from the listing when it can, else with one stat. */
    interface Blobs {
        /** The blob of that name in that archive as it is now; empty when there is none. */
        Optional<StoredObject> current(int archiveId, String name) throws Exception;

        /** True when a preserved version (snapshot, version link) of that name with that ETag exists. */
        boolean preserved(int archiveId, String name, String etag) throws Exception;
    }

    /**
     * What the file is, as far as the judge needs it.
     *
     * @param size            the file's size (a released file's logical size)
     * @param record          its archive record, if any
     * @param ownFid          its FID, needed only for a file without a record (null otherwise)
     * @param pathBlob        the blob name its path maps to in {@code fallbackArchive}; null when the path cannot name one
     * @param fallbackArchive the archive a file without a record restores from (its HSM archive id, else the checked one)
     */
    record Facts(long size, HsmUserState state, Optional<ArchiveRecord> record, LuFid ownFid, String pathBlob,
                 int fallbackArchive) {
    }

    /** A blob the file restores from, found there as the file expects it: that blob is recorded by a live file. */
    record Claim(int archiveId, String name, String etag) {
    }

    /**
     * @param blob  the blob the file names (or would restore from); null when none
     * @param claim the blob found as the file expects it; null when there is none
     */
    record Verdict(CheckClass checkClass, String blob, String detail, Claim claim) {
    }

    private final BlobMetadataCodec codec = new BlobMetadataCodec();

    Verdict judge(Facts file, Blobs blobs) throws Exception {
        HsmUserState state = file.state();
        String recordedBlob = file.record().map(ArchiveRecord::blob).orElse(null);
        if (state.has(HsmStates.LOST)) {
            return new Verdict(CheckClass.LOST, recordedBlob, "marked HS_LOST (hsm state "
                    + state.lfsDescription() + "): reads fail at once", null);
        }
        if (!state.has(HsmStates.ARCHIVED)) {
            return new Verdict(CheckClass.NOT_ARCHIVED, recordedBlob, "never archived", null);
        }
        if (state.has(HsmStates.DIRTY)) {
            return new Verdict(CheckClass.NOT_ARCHIVED, recordedBlob, "dirty: written since its archive", null);
        }
        boolean released = state.has(HsmStates.RELEASED);
        return file.record().isPresent() ? byRecord(file, file.record().get(), released, blobs)
                : byPath(file, released, blobs);
    }

    private Verdict byRecord(Facts file, ArchiveRecord record, boolean released, Blobs blobs) throws Exception {
        String name = record.blob();
        Optional<StoredObject> current = blobs.current(record.archiveId(), name);
        if (current.isPresent() && Objects.equals(current.get().etag(), record.etag())) {
            Claim claim = new Claim(record.archiveId(), name, record.etag());
            if (current.get().size() != file.size()) {
                return new Verdict(CheckClass.SIZE_MISMATCH, name, "the blob has " + current.get().size()
                        + " bytes, the file " + file.size(), claim);
            }
            return new Verdict(CheckClass.OK, name, "", claim);
        }
        if (record.etag() != null && blobs.preserved(record.archiveId(), name, record.etag())) {
            return new Verdict(CheckClass.OK, name, "restores from the preserved version " + record.etag(), null);
        }
        String found = current.isEmpty() ? "blob missing (archive " + record.archiveId() + " has no " + name + ")"
                : "ETag differs (recorded " + record.etag() + ", now " + current.get().etag() + ")";
        boolean imported = record.dataVersion() == 0;
        if (current.isEmpty()) {
            return released ? new Verdict(CheckClass.LOST, name, found + ": its data is gone", null)
                    : new Verdict(CheckClass.BLOB_MISSING, name, found + ": its data is only in Lustre", null);
        }
        if (released && imported) {
            return new Verdict(CheckClass.STALE_STUB, name, "imported stub, " + found
                    + ": the container holds other data now", null);
        }
        return released ? new Verdict(CheckClass.LOST, name, found + ": its data is gone", null)
                : new Verdict(CheckClass.BLOB_REPLACED, name, found + ": its data is only in Lustre", null);
    }

    private Verdict byPath(Facts file, boolean released, Blobs blobs) throws Exception {
        String name = file.pathBlob();
        CheckClass gone = released ? CheckClass.LOST : CheckClass.BLOB_MISSING;
        CheckClass taken = released ? CheckClass.LOST : CheckClass.BLOB_REPLACED;
        if (name == null) {
            return new Verdict(gone, null, "no record, and its path cannot name a blob", null);
        }
        Optional<StoredObject> current = blobs.current(file.fallbackArchive(), name);
        if (current.isEmpty()) {
            return new Verdict(gone, name, "no record, and no blob at its path (archive " + file.fallbackArchive()
                    + ")", null);
        }
        Optional<String> owner = codec.fid(current.get().metadata());
        if (owner.isPresent() && !sameFid(owner.get(), file.ownFid())) {
            return new Verdict(taken, name, "no record, and the blob at its path was written for file "
                    + owner.get() + ", not this one (" + (file.ownFid() == null ? "?" : file.ownFid().bracketed())
                    + "): a restore refuses it", null);
        }
        Claim claim = new Claim(file.fallbackArchive(), name, current.get().etag());
        if (current.get().size() != file.size()) {
            return new Verdict(CheckClass.SIZE_MISMATCH, name, "no record; the blob at its path has "
                    + current.get().size() + " bytes, the file " + file.size(), claim);
        }
        return new Verdict(CheckClass.OK, name, "no record: restores from the blob at its path", claim);
    }

    private static boolean sameFid(String metadata, LuFid own) {
        if (own == null) {
            return false;
        }
        try {
            return LuFid.parse(metadata).equals(own);
        } catch (IllegalArgumentException notAFid) {
            return false;
        }
    }
}
