package io.azlhsm.copytool.jobs.check;

import java.time.Instant;
import java.util.Objects;

/**
 * One judged file or blob, as the report lists it.
 *
 * @param checkClass   its class
 * @param path         the file's path relative to the mount, or the path a blob would import to
 * @param fid          the file's FID (bracketed), or the FID in a blob's metadata; null when none
 * @param blob         the blob's full name (archive prefix included); null when the file names none
 * @param detail       why it has this class, in words (recorded and found ETags, sizes, what repair did)
 * @param bytes        the file's size for a file, the blob's size for a blob
 * @param isFile       true for a file, false for a blob
 * @param etag         a blob's ETag as listed (what a delete must find); null for a file
 * @param lastModified a blob's Last-Modified; null for a file or when unknown
 */
public record CheckItem(CheckClass checkClass, String path, String fid, String blob, String detail, long bytes,
                        boolean isFile, String etag, Instant lastModified) {
    public CheckItem {
        Objects.requireNonNull(checkClass, "checkClass");
        detail = detail == null ? "" : detail;
    }

    /** A file item (or a blob item whose ETag does not matter). */
    public CheckItem(CheckClass checkClass, String path, String fid, String blob, String detail, long bytes,
                     boolean isFile) {
        this(checkClass, path, fid, blob, detail, bytes, isFile, null, null);
    }

    /** The same item with more said about it (e.g. what a repair did). */
    public CheckItem withDetail(String more) {
        return new CheckItem(checkClass, path, fid, blob, detail.isEmpty() ? more : detail + "; " + more, bytes,
                isFile, etag, lastModified);
    }
}
