/**
 * The posix backend: a directory tree mirroring object names, with attributes in {@code user.} xattrs.
 *
 * <ul>
 *   <li>{@link io.azlhsm.copytool.archive.posix.PosixBackend}: the backend;</li>
 *   <li>{@code TemporaryObject}: write to {@code <name>.tmp-<token>}, force, rename into place;</li>
 *   <li>{@code PosixChunkedUpload}: chunks written in place by positional writes;</li>
 *   <li>{@code ObjectXattrs}: ETag, Content-MD5 and metadata as extended attributes;</li>
 *   <li>{@code PosixTreeListing}: name-ordered pages over the tree;</li>
 *   <li>{@code PosixErrors}: file-system failures as archive failure kinds.</li>
 * </ul>
 */
package io.azlhsm.copytool.archive.posix;
