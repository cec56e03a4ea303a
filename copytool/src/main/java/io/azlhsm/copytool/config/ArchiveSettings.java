package io.azlhsm.copytool.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything the config says about one archive id ({@code archive.<id>.*}), typed and validated. A plain value:
 * the backend factory turns it into an ArchiveBackend.
 *
 * @param container           azure: the blob container
 * @param prefix              azure: blob name prefix under the container ("" for none)
 * @param credentials         azure: how to authenticate
 * @param root                posix: the archive directory
 * @param singlePutLimit      files up to this size go in one request (Put Blob), bigger ones in blocks
 * @param maxConcurrency      parallel transfers per file
 * @param releaseAfterArchive release the Lustre copy once archived
 * @param loggingContainer    azure: container for job logs
 * @param blockSize           bytes per staged block of a chunked upload; 0 = the pipeline's chunk size. Blocks larger
 *                            than a ring chunk are streamed from Lustre (the file is read twice, memory stays bounded)
 * @param maxTries            attempts per blob request before an action ends with RETRY (exponential backoff)
 * @param retryDelay          first backoff delay between attempts; it doubles up to one minute
 * @param bandwidthLimit      bytes per second for this archive's data, 0 for no limit
 * @param tiers               azure: the access tier file data is written to, and how Archive-tier blobs are
 *                            rehydrated for a restore
 * @param hydratorRoots       azure: directories (relative to the mount, "" for the mount itself) where the AMLFS
 *                            hydrator imported stubs in its default mode, which names a stub's blob by its path
 *                            relative to that directory
 * @param namespace           azure: flat, hierarchical (Data Lake) or auto, the dfs endpoint, and the uid / gid of a
 *                            path whose owner or group is not numeric
 */
public record ArchiveSettings(int id, ArchiveType type, Optional<String> container, String prefix,
                              Optional<AzureCredentials> credentials, Optional<Path> root, long singlePutLimit,
                              int maxConcurrency, boolean releaseAfterArchive, Optional<String> loggingContainer,
                              long blockSize, int maxTries, java.time.Duration retryDelay, long bandwidthLimit,
                              io.azlhsm.copytool.archive.TierSettings tiers, java.util.List<String> hydratorRoots,
                              io.azlhsm.copytool.archive.NamespaceSettings namespace) {

    public static final long DEFAULT_SINGLE_PUT_LIMIT = 32L << 20;
    public static final int DEFAULT_MAX_CONCURRENCY = 32;
    public static final int DEFAULT_MAX_TRIES = 5;
    public static final java.time.Duration DEFAULT_RETRY_DELAY = java.time.Duration.ofSeconds(1);

    /** One line, no secrets. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("archive ").append(id).append(": ").append(type.configName());
        container.ifPresent(c -> text.append(" container=").append(c));
        if (!prefix.isEmpty()) {
            text.append(" prefix=").append(prefix);
        }
        credentials.ifPresent(c -> text.append(" auth=").append(c));
        root.ifPresent(r -> text.append(" root=").append(r));
        text.append(" single_put_limit=").append(ByteSize.format(singlePutLimit))
                .append(" max_concurrency=").append(maxConcurrency);
        if (blockSize > 0) {
            text.append(" block_size=").append(ByteSize.format(blockSize));
        }
        if (bandwidthLimit > 0) {
            text.append(" bandwidth_limit=").append(ByteSize.format(bandwidthLimit)).append("/s");
        }
        text.append(" max_tries=").append(maxTries).append(" retry_delay=").append(retryDelay.toMillis()).append("ms");
        tiers.accessTier().ifPresent(tier -> text.append(" access_tier=").append(tier.configName()));
        if (type == ArchiveType.AZURE) {
            text.append(" rehydrate=").append(tiers.rehydrateTier().configName()).append('/')
                    .append(tiers.priorityName());
        }
        if (releaseAfterArchive) {
            text.append(" release_after_archive");
        }
        loggingContainer.ifPresent(c -> text.append(" logging_container=").append(c));
        if (namespace.kind() != io.azlhsm.copytool.archive.NamespaceSettings.Kind.FLAT) {
            text.append(" namespace=").append(namespace.kind().configName());
            if (namespace.dfsEndpoint() != null) {
                text.append(" dfs_endpoint=").append(namespace.dfsEndpoint());
            }
            text.append(" default_uid=").append(namespace.defaultUid()).append(" default_gid=")
                    .append(namespace.defaultGid());
        }
        if (!hydratorRoots.isEmpty()) {
            text.append(" hydrator_roots=").append(hydratorRoots.stream().map(r -> r.isEmpty() ? "/" : r)
                    .collect(java.util.stream.Collectors.joining(",")));
        }
        return text.toString();
    }
}
