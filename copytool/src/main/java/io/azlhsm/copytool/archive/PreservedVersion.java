package io.azlhsm.copytool.archive;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A version {@link ArchiveBackend#preserve} kept of an object (an Azure blob snapshot; a posix version link), as
 * {@link ArchiveBackend#listPreserved} lists it.
 *
 * @param name        the object's name
 * @param versionId   what {@link ArchiveBackend#readVersion} and {@link ArchiveBackend#deleteVersion} take
 * @param etag        the version's ETag (the one the object had when it was preserved)
 * @param size        its length in bytes
 * @param preservedAt when it was preserved (Azure: the snapshot time; posix: the link's ctime), so an age counts
 *                    from the moment another file took the name; null when unknown
 * @param metadata    the version's metadata (its {@code azlhsm_fid} names the file it was written for)
 */
public record PreservedVersion(String name, String versionId, String etag, long size, Instant preservedAt,
                               Map<String, String> metadata) {
    public PreservedVersion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(versionId, "versionId");
        Objects.requireNonNull(etag, "etag");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
}
