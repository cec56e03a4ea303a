package io.azlhsm.copytool.archive;

/**
 * The state of an appendable object (a job log) after it was created or appended to.
 *
 * @param etag    its ETag now: the condition of the next append
 * @param length  its length in bytes now: the position of the next append
 * @param appends appends it holds now (Azure: committed blocks, at most {@link ArchiveBackend#maxAppends()})
 */
public record Appended(String etag, long length, long appends) {
}
