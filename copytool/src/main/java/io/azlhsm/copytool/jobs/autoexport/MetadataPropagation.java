package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.archive.metadata.FileAttributes;
import io.azlhsm.copytool.jobs.export.DirectoryMarkers;
import io.azlhsm.copytool.jobs.export.SymlinkBlobs;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.copytool.operations.LustreFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code --propagate metadata}: a file whose owner, group, mode or times changed (SATTR, MTIME) without new data
 * (archived, not dirty: a dirty file's next archive writes all of it) gets the attribute keys of its blob's metadata
 * rewritten from the file (Set Blob Metadata, no data sent; on a hierarchical account the path's owner, group and
 * permissions too), on the ETag its record names and only on a blob written for this file. Set Blob Metadata gives
 * the blob a new ETag, so the version the record names is kept first ({@link ArchiveBackend#preserve}, a snapshot) and
 * dropped once the record names the new ETag: should the copytool stop in between, a restore still finds the
 * recorded version, and the retry (next pass, or next run) records the blob and drops the snapshot.
 *
 * <p>A directory's attributes go to its marker, the one it records under its current name and only if it is this
 * directory's ({@code azlhsm_fid}): Set Blob Metadata on its ETag (flat), or, on a hierarchical account, the Data
 * Lake directory's owner, group, mode and ACL set as an export of it sets them (a directory the service made as a
 * parent, without {@code azlhsm_fid}, too). A symlink's go to its blob, the one at its name whose Content-MD5 is its
 * target's (how the export knows a symlink's blob: they carry no FID). Neither has a record naming an ETag, so
 * nothing is preserved; a directory or link without its blob yet gets one with its attributes from the export.
 */
final class MetadataPropagation {
    /** The keys an attribute change rewrites; the rest (checksum, FID, data version, layout) stays. */
    private static final List<String> ATTRIBUTE_KEYS = List.of(BlobMetadataCodec.OWNER, BlobMetadataCodec.GROUP,
            BlobMetadataCodec.PERMISSIONS, BlobMetadataCodec.MODTIME, BlobMetadataCodec.MODE,
            BlobMetadataCodec.MTIME_NS, BlobMetadataCodec.ATIME_NS, BlobMetadataCodec.CTIME_NS);
    /** Those whose change is worth a request (atime and ctime move on their own). */
    private static final List<String> COMPARED_KEYS = ATTRIBUTE_KEYS.subList(0, 6);

    private final Path mount;
    private final Path root;
    private final LustreFids fids;
    private final HsmFiles hsm;
    private final ArchiveBackend backend;
    private final int archiveId;
    private final ArchiveRecordStore records;
    private final PropagationCounts counts;
    private final DirectoryMarkers markers;
    private final SymlinkBlobs symlinks;
    private final BlobMetadataCodec codec = new BlobMetadataCodec();

    MetadataPropagation(Path mount, Path root, LustreFids fids, HsmFiles hsm, ArchiveBackend backend, int archiveId,
                        ArchiveRecordStore records, PropagationCounts counts, DirectoryMarkers markers,
                        SymlinkBlobs symlinks) {
        this.markers = markers;
        this.symlinks = symlinks;
        this.mount = mount;
        this.root = root;
        this.fids = fids;
        this.hsm = hsm;
        this.backend = backend;
        this.archiveId = archiveId;
        this.records = records;
        this.counts = counts;
    }

    /** @return false when the update failed (to be tried again) */
    boolean changed(LuFid fid) {
        Optional<Path> found = MdtChangelogs.pathOf(fids, mount, root, fid);
        if (found.isEmpty()) {
            return true;
        }
        Path path = found.get();
        try {
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                directory(path, fid);
                return true;
            }
            if (Files.isSymbolicLink(path)) {
                symlink(path);
                return true;
            }
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
            HsmUserState state = hsm.state(path);
            if (!state.has(HsmStates.ARCHIVED) || state.has(HsmStates.DIRTY)) {
                return true; // no copy, or the export archives it again with everything
            }
            LustreFile file = new LustreFile(mount, fid);
            Optional<ArchiveRecord> read = records.read(file.fidPath());
            if (read.isEmpty() || read.get().archiveId() != archiveId) {
                return true;
            }
            update(path.toString(), file, read.get());
            return true;
        } catch (Exception e) {
            counts.failed(Propagation.METADATA, path.toString(), e);
            return false;
        }
    }

    private void directory(Path path, LuFid fid) throws Exception {
        String name = markers.objectName(path);
        if (!markers.recorded(path).map(name::equals).orElse(false)) {
            return; // no marker at its name yet: the export puts one, with these attributes
        }
        Optional<StoredObject> found = backend.stat(name);
        if (found.isEmpty()) {
            counts.left(Propagation.METADATA, path.toString(), "its marker " + name + " is gone");
            return;
        }
        StoredObject marker = found.get();
        String owner = DirectoryMarkers.metadata(marker, BlobMetadataCodec.FID);
        boolean hierarchical = backend.renamesAtomically();
        if (!"true".equalsIgnoreCase(DirectoryMarkers.metadata(marker, BlobMetadataCodec.IS_FOLDER))
                || !(fid.bracketed().equals(owner) || hierarchical && owner == null)) {
            counts.left(Propagation.METADATA, path.toString(), name + " is not this directory's marker");
            return;
        }
        var attributes = markers.markerOf(path);
        if (hierarchical) {
            // an existing directory takes owner, group, mode and ACL from the marker put (HierarchicalBackend)
            backend.putMarker(name, attributes);
            counts.done(Propagation.METADATA, path.toString(), "access control of directory " + name);
            return;
        }
        rewrite(path.toString(), marker, attributes.metadata());
    }

    private void symlink(Path path) throws Exception {
        Optional<StoredObject> found = symlinks.blobOf(path);
        if (found.isEmpty()) {
            return; // none, or not the blob of this target: the export puts it, with these attributes
        }
        rewrite(path.toString(), found.get(), symlinks.metadataOf(path));
    }

    /** The blob's attribute keys from {@code fresh}, the others kept, on the blob's ETag (no record names it). */
    private void rewrite(String path, StoredObject blob, Map<String, String> fresh) throws Exception {
        if (COMPARED_KEYS.stream().allMatch(key -> Objects.equals(fresh.get(key), BlobMove.metadata(blob, key)))) {
            return;
        }
        Map<String, String> metadata = new LinkedHashMap<>(blob.metadata());
        metadata.keySet().removeIf(key -> ATTRIBUTE_KEYS.stream().anyMatch(key::equalsIgnoreCase));
        for (String key : ATTRIBUTE_KEYS) {
            if (fresh.containsKey(key)) {
                metadata.put(key, fresh.get(key));
            }
        }
        backend.setMetadata(blob, metadata);
        counts.done(Propagation.METADATA, path, "owner " + fresh.get(BlobMetadataCodec.OWNER) + ", group "
                + fresh.get(BlobMetadataCodec.GROUP) + ", permissions " + fresh.get(BlobMetadataCodec.PERMISSIONS)
                + " on " + blob.name());
    }

    /**
     * An update whose record was not written (the copytool stopped, or a hierarchical path's access control failed
     * after Set Blob Metadata): the recorded version is a preserved one, and the blob is this file's copy of the same
     * data version and checksum with other metadata. The record then names the blob, and the preserved version goes.
     */
    private Optional<ArchiveRecord> catchUp(LustreFile file, ArchiveRecord record, StoredObject blob)
            throws Exception {
        Optional<String> kept = backend.findPreserved(blob.name(), record.etag());
        if (kept.isEmpty() || !file.fid().bracketed().equals(BlobMove.metadata(blob, BlobMetadataCodec.FID))
                || !Long.toUnsignedString(record.dataVersion())
                        .equals(BlobMove.metadata(blob, BlobMetadataCodec.DATA_VERSION))
                || record.md5() == null || !java.util.Arrays.equals(record.md5(), blob.contentMd5())) {
            return Optional.empty();
        }
        ArchiveRecord moved = new ArchiveRecord(record.archiveId(), record.blob(), blob.etag(), record.md5(),
                record.dataVersion(), record.crc32c(), record.layout());
        records.write(file.fidPath(), moved);
        backend.deleteVersion(blob.name(), kept.get());
        return Optional.of(moved);
    }

    private void update(String path, LustreFile file, ArchiveRecord record) throws Exception {
        Optional<StoredObject> found = backend.stat(record.blob());
        if (found.isPresent() && !found.get().etag().equals(record.etag())) {
            Optional<ArchiveRecord> caughtUp = catchUp(file, record, found.get());
            if (caughtUp.isPresent()) {
                record = caughtUp.get();
            }
        }
        if (found.isEmpty() || !found.get().etag().equals(record.etag())) {
            counts.left(Propagation.METADATA, path, "its recorded copy " + record.blob() + " changed or is gone");
            return;
        }
        StoredObject blob = found.get();
        String owner = BlobMove.metadata(blob, BlobMetadataCodec.FID);
        if (!file.fid().bracketed().equals(owner)) {
            counts.left(Propagation.METADATA, path, record.blob() + " was not written for this file");
            return;
        }
        FileAttributes now = file.attributes(record.dataVersion(), record.md5());
        Map<String, String> fresh = codec.encode(now);
        if (COMPARED_KEYS.stream().allMatch(key -> Objects.equals(fresh.get(key), BlobMove.metadata(blob, key)))) {
            return; // the blob says what the file says (a change and its undoing, or an update made already)
        }
        Map<String, String> metadata = new LinkedHashMap<>(blob.metadata());
        metadata.keySet().removeIf(key -> ATTRIBUTE_KEYS.stream().anyMatch(key::equalsIgnoreCase));
        for (String key : ATTRIBUTE_KEYS) {
            if (fresh.containsKey(key)) {
                metadata.put(key, fresh.get(key));
            }
        }
        String kept = backend.preserve(blob.name(), blob.etag());
        StoredObject updated = backend.setMetadata(blob, metadata);
        if (!records.read(file.fidPath()).equals(Optional.of(record))) {
            counts.left(Propagation.METADATA, path, "its record changed meanwhile (an archive); the new metadata"
                    + " stays on " + blob.name());
            return; // the preserved version is left for the checker: the other record may still name it
        }
        records.write(file.fidPath(), new ArchiveRecord(record.archiveId(), record.blob(), updated.etag(),
                record.md5(), record.dataVersion(), record.crc32c(), record.layout()));
        backend.deleteVersion(blob.name(), kept); // no record names the old version any more
        counts.done(Propagation.METADATA, path, "owner " + now.uid() + ", group " + now.gid() + ", mode "
                + String.format("%04o", now.mode()) + ", mtime " + now.mtime() + " on " + blob.name());
    }
}
