package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Moves the archived copy of one file to the blob name its path now gives, under the identity rules
 * (docs/identity.md), so that at every step the file's record names a readable copy:
 * <ol>
 *   <li>only the copy the record names, at the recorded ETag, and only one written for this file (its
 *       {@code azlhsm_fid}) is moved: an imported blob or another file's copy stays where it is;</li>
 *   <li>flat account: the copy is written to the new name with the write conditions of an archive ({@code
 *       If-None-Match: *}; the source on its ETag), the record then names the copy, and only then is the old name
 *       deleted, on its ETag. A failure before the record is written leaves the record on the old copy (a copy at
 *       the new name is then this file's, and the next attempt takes it over, or the checker collects it);</li>
 *   <li>hierarchical account: the service's atomic rename (source on its ETag, target if absent), then the record.
 *       Should the record not be written, the path is renamed back; a copytool that stopped in between leaves the
 *       record on the old name, and the next attempt (the records are not cleared: they are read again) finds the
 *       file's copy of the recorded data version at the new name and records it.</li>
 * </ol>
 */
final class BlobMove {
    /** What became of one file: moved; nothing to move (no copy, or at its name already); left where it is. */
    enum Outcome { MOVED, IN_PLACE, LEFT }

    /** The outcome and, for {@code LEFT}, why. */
    record Result(Outcome outcome, String reason) {
        static Result of(Outcome outcome) {
            return new Result(outcome, "");
        }
    }

    private final ArchiveBackend backend;
    private final int archiveId;
    private final ArchiveRecordStore records;

    BlobMove(ArchiveBackend backend, int archiveId, ArchiveRecordStore records) {
        this.backend = backend;
        this.archiveId = archiveId;
        this.records = records;
    }

    /**
     * @param fidPath  the file opened by FID (its record is read and written there)
     * @param fid      the file's FID, bracketed
     * @param newName  the blob name of the file's current path
     */
    Result move(Path fidPath, String fid, String newName) throws IOException, ArchiveException {
        Optional<ArchiveRecord> read = records.read(fidPath);
        if (read.isEmpty() || read.get().archiveId() != archiveId) {
            return Result.of(Outcome.IN_PLACE); // never archived there: nothing to move
        }
        ArchiveRecord record = read.get();
        if (record.blob().equals(newName)) {
            return Result.of(Outcome.IN_PLACE);
        }
        Optional<StoredObject> source = backend.stat(record.blob());
        if (source.isEmpty() || !source.get().etag().equals(record.etag())) {
            return adoptMoved(fidPath, fid, record, newName).orElse(new Result(Outcome.LEFT, "the recorded copy "
                    + record.blob() + " is no longer at its name in the recorded version"));
        }
        String owner = metadata(source.get(), BlobMetadataCodec.FID);
        if (!fid.equals(owner)) {
            return new Result(Outcome.LEFT, owner == null ? record.blob() + " was written by another tool"
                    : record.blob() + " was written for file " + owner);
        }
        StoredObject moved;
        try {
            moved = backend.renamesAtomically() ? backend.rename(source.get(), newName, WriteCondition.absent())
                    : backend.copy(source.get(), newName, WriteCondition.absent());
        } catch (ArchiveException e) {
            if (e.kind() != ArchiveException.Kind.PRECONDITION) {
                throw e;
            }
            // the new name holds an object: this file's own copy left by an attempt that stopped, or another's
            return adoptCopy(fidPath, fid, record, source.get(), newName).orElse(new Result(Outcome.LEFT,
                    "the new name " + newName + " holds another object (" + e.getMessage() + ")"));
        }
        return record(fidPath, record, source.get(), moved);
    }

    /** The record names the copy at its new name; then the old name goes (flat) or, failing that, the rename back. */
    private Result record(Path fidPath, ArchiveRecord record, StoredObject source, StoredObject moved)
            throws IOException, ArchiveException {
        try {
            if (!records.read(fidPath).equals(Optional.of(record))) {
                // an archive of the file recorded another copy meanwhile: the moved one is nobody's record
                undo(source, moved);
                return new Result(Outcome.LEFT, "its record changed while its copy was moved");
            }
            records.write(fidPath, new ArchiveRecord(record.archiveId(), moved.name(), moved.etag(), record.md5(),
                    record.dataVersion(), record.crc32c(), record.layout()));
        } catch (IOException e) {
            undo(source, moved);
            throw e;
        }
        if (!backend.renamesAtomically()) {
            try {
                backend.delete(source.name(), source.etag());
            } catch (ArchiveException e) {
                if (e.kind() != ArchiveException.Kind.PRECONDITION) {
                    throw e; // the record names the copy: the old name is the checker's orphan at worst
                }
                // preserved versions (snapshots) hang on it, or it changed: it stays, as a REMOVE leaves it
            }
        }
        return Result.of(Outcome.MOVED);
    }

    /** The record was not moved to the copy: the copy goes again (flat), or the path goes back (hierarchical). */
    private void undo(StoredObject source, StoredObject moved) throws ArchiveException {
        if (backend.renamesAtomically()) {
            backend.rename(moved, source.name(), WriteCondition.absent());
        } else {
            backend.delete(moved.name(), moved.etag());
        }
    }

    /** The copy at the new name is this file's copy of the recorded version (an earlier attempt made it): record it. */
    private Optional<Result> adoptCopy(Path fidPath, String fid, ArchiveRecord record, StoredObject source,
                                       String newName) throws IOException, ArchiveException {
        Optional<StoredObject> target = backend.stat(newName);
        if (target.isEmpty() || !sameCopy(target.get(), fid, record, source.size())) {
            return Optional.empty();
        }
        return Optional.of(record(fidPath, record, source, target.get()));
    }

    /**
     * Hierarchical: the recorded name is gone and the new one holds this file's copy (a rename whose record was not
     * written).
     */
    private Optional<Result> adoptMoved(Path fidPath, String fid, ArchiveRecord record, String newName)
            throws IOException, ArchiveException {
        if (!backend.renamesAtomically() || backend.stat(record.blob()).isPresent()) {
            return Optional.empty();
        }
        Optional<StoredObject> target = backend.stat(newName);
        if (target.isEmpty() || !sameCopy(target.get(), fid, record, target.get().size())) {
            return Optional.empty();
        }
        records.write(fidPath, new ArchiveRecord(record.archiveId(), newName, target.get().etag(), record.md5(),
                record.dataVersion(), record.crc32c(), record.layout()));
        return Optional.of(Result.of(Outcome.MOVED));
    }

    /** Written for this file at the recorded data version, of that size and checksum. */
    private static boolean sameCopy(StoredObject object, String fid, ArchiveRecord record, long size) {
        if (!fid.equals(metadata(object, BlobMetadataCodec.FID)) || object.size() != size) {
            return false;
        }
        String version = metadata(object, BlobMetadataCodec.DATA_VERSION);
        if (!Long.toUnsignedString(record.dataVersion()).equals(version)) {
            return false;
        }
        return record.md5() == null || object.contentMd5() == null || Arrays.equals(record.md5(), object.contentMd5());
    }

    /** A metadata value; names are case-insensitive in Azure. */
    static String metadata(StoredObject object, String name) {
        return object.metadata().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(java.util.Map.Entry::getValue).findFirst().orElse(null);
    }
}
