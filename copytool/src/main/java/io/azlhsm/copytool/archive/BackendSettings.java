package io.azlhsm.copytool.archive;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What one archive backend needs to know, independent of how the configuration file spells it (the config classes
 * map their {@code ArchiveSettings} onto this). Secrets are {@link BackendSecret}s, so {@link #toString()} is safe to
 * log.
 *
 * @param archiveId        the Lustre archive id this backend serves (1..32)
 * @param type             which backend
 * @param container        azure: the container name
 * @param prefix           object-name prefix inside the container or root ("" for none)
 * @param connectionString azure: a full connection string (alternative to accountUrl + key or SAS)
 * @param accountUrl       azure: e.g. https://acct.blob.core.windows.net (or Azurite's http://127.0.0.1:port/acct)
 * @param accountKey       azure: shared key for accountUrl
 * @param sasToken         azure: SAS token for accountUrl (with or without the leading '?')
 * @param identity         azure: a managed or workload identity for accountUrl (https only), not a key or SAS token
 * @param root             posix: the directory holding the archive
 * @param chunkSize        the pipeline's chunk size (bytes); chunkSize(fileSize) never goes below it
 * @param singlePutLimit   files up to this size go in one request
 * @param maxConcurrency   azure: most requests in flight at once through this backend (also the connection pool size)
 * @param createContainer  azure: create the container on first use when it does not exist
 * @param retry            azure: the client library's retry policy for transient failures
 * @param tiers            azure: the access tier of file data, and how an Archive-tier blob is rehydrated
 * @param namespace        azure: flat, hierarchical (Data Lake) or asked of the account at start
 */
public record BackendSettings(int archiveId, BackendType type, String container, String prefix,
                              BackendSecret connectionString, String accountUrl, BackendSecret accountKey,
                              BackendSecret sasToken, AzureIdentity identity, Path root, long chunkSize, long singlePutLimit,
                              int maxConcurrency, boolean createContainer, RetrySettings retry,
                              TierSettings tiers, NamespaceSettings namespace) {

    public static final long DEFAULT_CHUNK_SIZE = 8 * ChunkSizing.MIB;
    public static final long DEFAULT_SINGLE_PUT_LIMIT = 32 * ChunkSizing.MIB;
    public static final int DEFAULT_MAX_CONCURRENCY = 32;

    /** The two kinds of archive. */
    public enum BackendType { AZURE, POSIX }

    /**
     * Exponential retries of transient failures (5xx, 503 throttling, timeouts, connection resets).
     *
     * @param maxTries      attempts per request, the first included
     * @param tryTimeout    limit for one attempt (must allow the largest chunk to travel)
     * @param retryDelay    base delay, doubled per attempt
     * @param maxRetryDelay cap on one delay
     */
    public record RetrySettings(int maxTries, Duration tryTimeout, Duration retryDelay, Duration maxRetryDelay) {
        public static final RetrySettings DEFAULT =
                new RetrySettings(5, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(60));

        public RetrySettings {
            if (maxTries < 1) {
                throw new IllegalArgumentException("maxTries must be at least 1: " + maxTries);
            }
            Objects.requireNonNull(tryTimeout, "tryTimeout");
            Objects.requireNonNull(retryDelay, "retryDelay");
            Objects.requireNonNull(maxRetryDelay, "maxRetryDelay");
            if (retryDelay.compareTo(maxRetryDelay) > 0) {
                throw new IllegalArgumentException("retryDelay exceeds maxRetryDelay");
            }
        }
    }

    public BackendSettings {
        Objects.requireNonNull(type, "type");
        prefix = prefix == null ? "" : prefix;
        retry = retry == null ? RetrySettings.DEFAULT : retry;
        tiers = tiers == null ? TierSettings.DEFAULT : tiers;
        namespace = namespace == null ? NamespaceSettings.FLAT : namespace;
        if (chunkSize <= 0 || chunkSize > ChunkSizing.MAX_BUFFER_CHUNK) {
            throw new IllegalArgumentException("chunkSize must be 1.." + ChunkSizing.MAX_BUFFER_CHUNK + ": " + chunkSize);
        }
        if (singlePutLimit < 0) {
            throw new IllegalArgumentException("singlePutLimit must not be negative: " + singlePutLimit);
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("maxConcurrency must be at least 1: " + maxConcurrency);
        }
    }

    /** A builder starting from the defaults. */
    public static Builder builder(int archiveId, BackendType type) {
        return new Builder(archiveId, type);
    }

    /** A builder holding these settings, to change a few. */
    public Builder toBuilder() {
        return new Builder(archiveId, type).container(container).prefix(prefix).connectionString(connectionString)
                .accountUrl(accountUrl).accountKey(accountKey).sasToken(sasToken).identity(identity).root(root).chunkSize(chunkSize)
                .singlePutLimit(singlePutLimit).maxConcurrency(maxConcurrency).createContainer(createContainer)
                .retry(retry).tiers(tiers).namespace(namespace);
    }

    /** Builds settings field by field; unset fields keep the defaults above. */
    public static final class Builder {
        private final int archiveId;
        private final BackendType type;
        private String container;
        private String prefix = "";
        private BackendSecret connectionString;
        private String accountUrl;
        private BackendSecret accountKey;
        private BackendSecret sasToken;
        private AzureIdentity identity;
        private Path root;
        private long chunkSize = DEFAULT_CHUNK_SIZE;
        private long singlePutLimit = DEFAULT_SINGLE_PUT_LIMIT;
        private int maxConcurrency = DEFAULT_MAX_CONCURRENCY;
        private boolean createContainer = true;
        private RetrySettings retry = RetrySettings.DEFAULT;
        private TierSettings tiers = TierSettings.DEFAULT;
        private NamespaceSettings namespace = NamespaceSettings.FLAT;

        private Builder(int archiveId, BackendType type) {
            this.archiveId = archiveId;
            this.type = type;
        }

        public Builder container(String value) { container = value; return this; }
        public Builder prefix(String value) { prefix = value; return this; }
        public Builder connectionString(BackendSecret value) { connectionString = value; return this; }
        public Builder accountUrl(String value) { accountUrl = value; return this; }
        public Builder accountKey(BackendSecret value) { accountKey = value; return this; }
        public Builder sasToken(BackendSecret value) { sasToken = value; return this; }
        public Builder identity(AzureIdentity value) { identity = value; return this; }
        public Builder root(Path value) { root = value; return this; }
        public Builder chunkSize(long value) { chunkSize = value; return this; }
        public Builder singlePutLimit(long value) { singlePutLimit = value; return this; }
        public Builder maxConcurrency(int value) { maxConcurrency = value; return this; }
        public Builder createContainer(boolean value) { createContainer = value; return this; }
        public Builder retry(RetrySettings value) { retry = value; return this; }
        public Builder tiers(TierSettings value) { tiers = value; return this; }
        public Builder namespace(NamespaceSettings value) { namespace = value; return this; }

        public BackendSettings build() {
            return new BackendSettings(archiveId, type, container, prefix, connectionString, accountUrl, accountKey,
                    sasToken, identity, root, chunkSize, singlePutLimit, maxConcurrency, createContainer, retry,
                    tiers, namespace);
        }
    }
}
