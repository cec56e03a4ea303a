package io.azlhsm.copytool.config;

import io.azlhsm.copytool.archive.AzureIdentity;
import io.azlhsm.copytool.archive.BackendSecret;
import io.azlhsm.copytool.archive.BackendSettings;

/**
 * The backend's view of one archive's settings. The agent and every job build their backends through this, so a
 * setting means the same for an action and for a job; it lives with the configuration because both may use it.
 */
public final class BackendSettingsOf {
    private BackendSettingsOf() {
    }

    /** Chunks are the pipeline's ({@code chunkSize}) unless the archive asks for larger blocks, so blocks and ring slots agree. */
    public static BackendSettings archive(ArchiveSettings archive, long chunkSize) {
        BackendSettings.Builder builder = BackendSettings.builder(archive.id(),
                archive.type() == ArchiveType.AZURE ? BackendSettings.BackendType.AZURE
                        : BackendSettings.BackendType.POSIX)
                .prefix(archive.prefix())
                .chunkSize(Math.max(chunkSize, archive.blockSize()))
                .retry(new BackendSettings.RetrySettings(archive.maxTries(),
                        BackendSettings.RetrySettings.DEFAULT.tryTimeout(), archive.retryDelay(),
                        BackendSettings.RetrySettings.DEFAULT.maxRetryDelay()))
                .singlePutLimit(archive.singlePutLimit())
                .maxConcurrency(archive.maxConcurrency())
                .tiers(archive.tiers())
                .namespace(archive.namespace());
        archive.container().ifPresent(builder::container);
        archive.root().ifPresent(builder::root);
        archive.credentials().ifPresent(credentials -> {
            if (credentials instanceof AzureCredentials.ConnectionString c) {
                builder.connectionString(BackendSecret.of(c.connectionString().reveal()));
            } else if (credentials instanceof AzureCredentials.SharedKey k) {
                builder.accountUrl(k.accountUrl()).accountKey(BackendSecret.of(k.accountKey().reveal()));
            } else if (credentials instanceof AzureCredentials.SasToken s) {
                builder.accountUrl(s.accountUrl()).sasToken(BackendSecret.of(s.sasToken().reveal()));
            } else if (credentials instanceof AzureCredentials.ManagedIdentity m) {
                builder.accountUrl(m.accountUrl()).identity(new AzureIdentity.Managed(m.clientId()));
            } else if (credentials instanceof AzureCredentials.WorkloadIdentity w) {
                builder.accountUrl(w.accountUrl()).identity(new AzureIdentity.Workload(w.tenantId(), w.clientId(),
                        w.tokenFile(), w.authorityHost()));
            }
        });
        return builder.build();
    }
}
