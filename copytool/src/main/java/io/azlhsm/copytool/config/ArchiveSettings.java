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
 */
public record ArchiveSettings(int id, ArchiveType type, Optional<String> container, String prefix,
                              Optional<AzureCredentials> credentials, Optional<Path> root, long singlePutLimit,
                              int maxConcurrency, boolean releaseAfterArchive, Optional<String> loggingContainer) {

    public static final long DEFAULT_SINGLE_PUT_LIMIT = 32L << 20;
    public static final int DEFAULT_MAX_CONCURRENCY = 8;

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
        if (releaseAfterArchive) {
            text.append(" release_after_archive");
        }
        loggingContainer.ifPresent(c -> text.append(" logging_container=").append(c));
        return text.toString();
    }
}
