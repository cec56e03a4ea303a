package io.azlhsm.copytool.jobs.export;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.archive.metadata.FileAttributes;
import io.azlhsm.copytool.archive.metadata.FileType;
import io.azlhsm.copytool.archive.metadata.PosixAcl;
import io.azlhsm.copytool.jobs.JobChanges;
import io.azlhsm.copytool.lustre.ExtendedAttributes;
import io.azlhsm.copytool.operations.PosixAcls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;

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
 */
public final class DirectoryMarkers {
    static final String XATTR = "trusted.azlhsm.marker";

    private final Path mount;
    private final ArchiveBackend backend;
    private final JobChanges changes;
    private final BlobMetadataCodec codec = new BlobMetadataCodec();

    /** @param changes where the put and the xattr after it are made (or, in a dry run, recorded) */
    public DirectoryMarkers(Path mount, ArchiveBackend backend, JobChanges changes) {
        this.mount = mount;
        this.backend = backend;
        this.changes = changes;
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
        FileAttributes attributes = attributes(directory);
        ObjectAttributes marker = new ObjectAttributes(null, codec.encode(attributes));
        if (backend.carriesPosixAcls()) {
            try {
                marker = marker.withPosixAcl(PosixAcls.ofDirectory(directory, attributes.mode()));
            } catch (PosixAcl.InvalidAclException e) {
                throw new IOException(e.getMessage(), e); // names the directory; the export counts it failed
            }
        }
        ObjectAttributes put = marker;
        changes.apply("put directory marker", directory.toString(), name, () -> backend.putMarker(name, put));
        changes.apply("set " + XATTR, directory.toString(), name,
                () -> ExtendedAttributes.set(directory, XATTR, name.getBytes(StandardCharsets.UTF_8)));
        return true;
    }

    private static FileAttributes attributes(Path directory) throws IOException {
        Map<String, Object> unix = Files.readAttributes(directory,
                "unix:mode,uid,gid,lastModifiedTime,lastAccessTime,ctime", LinkOption.NOFOLLOW_LINKS);
        return new FileAttributes(FileType.DIRECTORY, ((Integer) unix.get("uid")) & 0xFFFF_FFFFL,
                ((Integer) unix.get("gid")) & 0xFFFF_FFFFL, ((Integer) unix.get("mode")) & 07777,
                ((FileTime) unix.get("lastModifiedTime")).toInstant(),
                ((FileTime) unix.get("lastAccessTime")).toInstant(), ((FileTime) unix.get("ctime")).toInstant(),
                null, null, null, null);
    }
}
