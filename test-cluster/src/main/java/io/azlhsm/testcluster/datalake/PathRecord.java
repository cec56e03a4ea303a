package io.azlhsm.testcluster.datalake;

import java.time.OffsetDateTime;
import java.util.Map;

/**
 * One path as the stand-in answers for it.
 *
 * @param name          the path inside the filesystem, no leading or trailing '/'
 * @param directory     a directory (a marker blob, or implied by the names of blobs under it)
 * @param owner         x-ms-owner
 * @param group         x-ms-group
 * @param access        permissions and ACL
 * @param etag          the ETag, quoted, as in the ETag header
 * @param lastModified  Last-Modified
 * @param creationTime  when the path was created
 * @param contentLength bytes of data (0 for a directory)
 * @param metadata      user properties (x-ms-properties), the stand-in's reserved names left out
 * @param stored        whether a blob holds this path's record (false for a directory only implied by names)
 */
record PathRecord(String name, boolean directory, String owner, String group, AccessControl access, String etag,
                  OffsetDateTime lastModified, OffsetDateTime creationTime, long contentLength,
                  Map<String, String> metadata, boolean stored) {
}
