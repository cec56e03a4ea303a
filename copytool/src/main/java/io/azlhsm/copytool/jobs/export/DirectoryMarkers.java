package io.azlhsm.copytool.jobs.export;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.archive.metadata.FileAttributes;
import io.azlhsm.copytool.archive.metadata.FileType;
import io.azlhsm.copytool.archive.metadata.PosixAcl;
import io.azlhsm.copytool.jobs.JobChanges;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.lustre.ExtendedAttributes;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.operations.PosixAcls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;

/**
 * Gives each exported directory its {@code hdi_isfolder=true} marker blob (owner, group, permissions, times: what
 * AMLFS's import reads back; on an archive that keeps ACLs, a hierarchical account, also its POSIX ACL, access and
 * default entries) once, not on every export.
 *
 * <p>Twice over: the put is conditional (If-None-Match: *, so an existing marker or object is never replaced), and
 * after it the directory remembers the marker's name in the xattr {@value #XATTR}, so later runs skip the request
 * altogether. A renamed directory's name no longer matches, and it gets a marker under its new name. Root-only
 * ({@code trusted.*}) like the archive record, so it works on a default Lustre mount (no user xattrs) and a
 * directory's owner cannot make an export skip a marker.
 *
 * <p>A marker carries its directory's FID ({@code azlhsm_fid}), as a file's blob carries the file's: a renamed
 * directory's old marker is then known to be this directory's, and only such a marker is deleted ({@link #retire}).
 */
public final class DirectoryMarkers {
    static final String XATTR = "trusted.azlhsm.marker";

    private final Path mount;
    private final ArchiveBackend backend;
    private final JobChanges changes;
    private final LustreFids fids;
    private final BlobMetadataCodec codec = new BlobMetadataCodec();

    /** @param changes where the put and the xattr after it are made (or, in a dry run, recorded) */
    public DirectoryMarkers(Path mount, ArchiveBackend backend, JobChanges changes, LustreFids fids) {
        this.mount = mount;
        this.backend = backend;
        this.changes = changes;
        this.fids = fids;
    }

    /** The marker name the directory records having (empty: none yet). */
    public Optional<String> recorded(Path directory) throws IOException {
        return ExtendedAttributes.get(directory, XATTR).map(bytes -> new String(bytes, StandardCharsets.UTF_8));
    }

    /** What became of a renamed directory's old marker. */
    public enum Retired { DELETED, GONE, LEFT }

    /**
     * Deletes the marker a renamed directory had under its old name, once it has one under its new name, only if it
     * is this directory's: zero-length, {@code hdi_isfolder}, its {@code azlhsm_fid} the directory's, on the ETag just
     * read. A marker without {@code azlhsm_fid} (put by another tool, or by a copytool before markers carried it)
     * stays. On a hierarchical account the old name is a directory: it goes only when nothing is left under it (the
     * renames of its files moved them out; what stays, an imported blob, keeps it), and one the service made as a
     * parent of a path written before its marker (no {@code azlhsm_fid}: it held only what moved out) goes too.
     */
    public Retired retire(String oldName, LuFid fid) throws ArchiveException {
        Optional<StoredObject> found = backend.stat(oldName);
        if (found.isEmpty()) {
            return Retired.GONE;
        }
        StoredObject marker = found.get();
        String owner = metadata(marker, BlobMetadataCodec.FID);
        boolean folder = "true".equalsIgnoreCase(metadata(marker, BlobMetadataCodec.IS_FOLDER));
        boolean hierarchical = backend.renamesAtomically();
        if (!folder || marker.size() != 0) {
            return Retired.LEFT;
        }
        if (!fid.bracketed().equals(owner) && !(hierarchical && owner == null)) {
            return Retired.LEFT;
        }
        if (hierarchical && !backend.list(oldName + "/", null, 1).objects().isEmpty()) {
            return Retired.LEFT;
        }
        try {
            return backend.delete(oldName, marker.etag()) ? Retired.DELETED : Retired.GONE;
        } catch (ArchiveException e) {
            if (e.kind() != ArchiveException.Kind.PRECONDITION) {
                throw e;
            }
            return Retired.LEFT; // changed since it was read (a path created under it), or snapshots hang on it
        }
    }

    /** The marker an export puts for the directory now: its attributes and FID, and its ACL where the archive keeps it. */
    public ObjectAttributes markerOf(Path directory) throws IOException {
        FileAttributes attributes = attributes(directory, fids.path2fid(directory).bracketed());
        ObjectAttributes marker = new ObjectAttributes(null, codec.encode(attributes));
        if (backend.carriesPosixAcls()) {
            try {
                marker = marker.withPosixAcl(PosixAcls.ofDirectory(directory, attributes.mode()));
            } catch (PosixAcl.InvalidAclException e) {
                throw new IOException(e.getMessage(), e); // names the directory; the export counts it failed
            }
        }
        return marker;
    }

    /** A metadata value; names are case-insensitive in Azure. */
    public static String metadata(StoredObject object, String name) {
        return object.metadata().entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue).findFirst().orElse(null);
    }

    /** The marker's object name for a directory under the mount. */
    public String objectName(Path directory) throws ArchiveException {
        return backend.objectName(mount.relativize(directory).toString());
    }

    /**
     * Puts the directory's marker unless the directory records having one under its current name.
     *
     * @return true when a marker request was made
     */
    public boolean ensure(Path directory) throws IOException, ArchiveException {
        String name = objectName(directory);
        byte[] recorded = ExtendedAttributes.get(directory, XATTR).orElse(null); // absent: no marker yet
        if (recorded != null && name.equals(new String(recorded, StandardCharsets.UTF_8))) {
            return false;
        }
        ObjectAttributes put = markerOf(directory);
        changes.apply("put directory marker", directory.toString(), name, () -> backend.putMarker(name, put));
        changes.apply("set " + XATTR, directory.toString(), name,
                () -> ExtendedAttributes.set(directory, XATTR, name.getBytes(StandardCharsets.UTF_8)));
        return true;
    }

    private static FileAttributes attributes(Path directory, String fid) throws IOException {
        Map<String, Object> unix = Files.readAttributes(directory,
                "unix:mode,uid,gid,lastModifiedTime,lastAccessTime,ctime", LinkOption.NOFOLLOW_LINKS);
        return new FileAttributes(FileType.DIRECTORY, ((Integer) unix.get("uid")) & 0xFFFF_FFFFL,
                ((Integer) unix.get("gid")) & 0xFFFF_FFFFL, ((Integer) unix.get("mode")) & 07777,
                ((FileTime) unix.get("lastModifiedTime")).toInstant(),
                ((FileTime) unix.get("lastAccessTime")).toInstant(), ((FileTime) unix.get("ctime")).toInstant(),
                fid, null, null, null);
    }
}
