/**
 * Where archived file data lives: the {@link io.azlhsm.copytool.archive.ArchiveBackend} contract the copytool's
 * pipeline talks to, and what every backend shares.
 *
 * <ul>
 *   <li>{@link io.azlhsm.copytool.archive.ArchiveBackend}, {@link io.azlhsm.copytool.archive.ChunkedUpload}: the
 *       contract (small files in one request, large ones staged in parallel and committed once);</li>
 *   <li>{@link io.azlhsm.copytool.archive.StoredObject}, {@link io.azlhsm.copytool.archive.ObjectAttributes},
 *       {@link io.azlhsm.copytool.archive.ObjectListing}: what goes in and comes out;</li>
 *   <li>{@link io.azlhsm.copytool.archive.ArchiveException}: failures classified into kinds and errnos, with messages
 *       free of secrets ({@link io.azlhsm.copytool.archive.RedactedCause});</li>
 *   <li>{@link io.azlhsm.copytool.archive.ObjectNames}, {@link io.azlhsm.copytool.archive.ChunkSizing},
 *       {@link io.azlhsm.copytool.archive.ChunkLayout}, {@link io.azlhsm.copytool.archive.StagedChunks}: the rules
 *       both backends apply the same way;</li>
 *   <li>{@link io.azlhsm.copytool.archive.BackendSettings}, {@link io.azlhsm.copytool.archive.BackendFactory}:
 *       building a backend for one archive id.</li>
 * </ul>
 * Backends: {@code .azure} (block blobs, the product) and {@code .posix} (a directory tree). The blob metadata
 * conventions (AMLFS keys plus ours) are in {@code .metadata}.
 */
package io.azlhsm.copytool.archive;
