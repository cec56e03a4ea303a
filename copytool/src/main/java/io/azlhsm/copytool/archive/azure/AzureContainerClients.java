package io.azlhsm.copytool.archive.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.BlobUrlParts;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.RedactedCause;
import io.azlhsm.copytool.archive.RetryListener;

/**
 * The SDK clients for one container, built from backend settings: authentication (connection string, account URL +
 * shared key, account URL + SAS token, or account URL + managed or workload identity), the HTTP transports, the SDK's
 * exponential retry policy, and a count of the attempts that policy repeats.
 *
 * <p>Two pipelines, one per transport ({@link AzureTransports}), built alike: the same credential (one token cache),
 * the same retry policy and counting, the SDK's own request-id, user-agent and logging policies; they differ only in
 * the HTTP client at their end.
 *
 * @param small       the pipeline of whole small objects and of every download
 * @param large       the pipeline of blocks and requests without a body of data
 * @param transports  which body sizes take which pipeline
 * @param description endpoint, container and authentication kind, for logs (no query string, no secret)
 */
record AzureContainerClients(Pipeline small, Pipeline large, AzureTransports transports, String description) {

    /**
     * One pipeline's clients.
     *
     * @param sync  for requests whose answer is small (put, stage, commit, properties, delete, list)
     * @param async for ranged downloads, streamed straight into the caller's buffer
     */
    record Pipeline(BlobContainerClient sync, BlobContainerAsyncClient async) {
    }

    /** The clients for requests without a body of data (properties, delete, list, commit, tiers, snapshots). */
    BlobContainerClient sync() {
        return large.sync();
    }

    /** The pipeline for an upload whose body is {@code bytes} long. */
    Pipeline forUpload(long bytes) {
        return transports.isSmall(bytes) ? small : large;
    }

    /**
     * The pipeline for a ranged download of any length: the small-request one ({@link AzureTransports} says why; a
     * download's body is streamed, so no size makes it costly in memory there).
     */
    Pipeline forDownload() {
        return small;
    }

    static AzureContainerClients create(BackendSettings settings, AzureTransports transports,
                                        RetryListener retries) {
        if (settings.container() == null || settings.container().isBlank()) {
            throw new IllegalArgumentException("archive " + settings.archiveId() + ": azure needs a container");
        }
        try {
            return build(settings, transports, retries);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The SDK's complaints about a malformed connection string or URL may quote it: pass them on redacted.
            throw new IllegalArgumentException("archive " + settings.archiveId() + ": invalid azure settings: "
                    + RedactedCause.redact(e.getMessage()), RedactedCause.of(e));
        }
    }

    private static AzureContainerClients build(BackendSettings settings, AzureTransports transports,
                                               RetryListener retries) {
        // Made once: both pipelines share one token cache; token requests go through the JDK client, as before.
        TokenCredential token = settings.identity() == null ? null
                : AzureTokenCredentials.create(settings.identity(), transports.large());
        RetryCountingPolicy counting = new RetryCountingPolicy(retries);
        BlobContainerClientBuilder largeBuilder = builder(settings, transports.large(), counting);
        String authentication = authenticate(settings, largeBuilder, token);
        Pipeline large = new Pipeline(largeBuilder.buildClient(), largeBuilder.buildAsyncClient());
        Pipeline small = large;
        if (!transports.single()) {
            BlobContainerClientBuilder smallBuilder = builder(settings, transports.small(), counting);
            authenticate(settings, smallBuilder, token);
            small = new Pipeline(smallBuilder.buildClient(), smallBuilder.buildAsyncClient());
        }
        String url = large.sync().getBlobContainerUrl();
        int query = url.indexOf('?');
        String endpoint = RedactedCause.redact(query < 0 ? url : url.substring(0, query));
        return new AzureContainerClients(small, large, transports, endpoint + " auth=" + authentication);
    }

    private static BlobContainerClientBuilder builder(BackendSettings settings, HttpClient httpClient,
                                                      RetryCountingPolicy counting) {
        return new BlobContainerClientBuilder()
                .containerName(settings.container())
                .httpClient(httpClient)
                .retryOptions(retryOptions(settings.retry()))
                .addPolicy(counting);
    }

    /** Configures credentials on the builder; returns the kind used, for describe(). */
    private static String authenticate(BackendSettings settings, BlobContainerClientBuilder builder,
                                       TokenCredential token) {
        if (settings.connectionString() != null) {
            builder.connectionString(settings.connectionString().reveal());
            return "connection-string";
        }
        if (settings.accountUrl() == null || settings.accountUrl().isBlank()) {
            throw new IllegalArgumentException("archive " + settings.archiveId() + ": azure needs a connection"
                    + " string, or an account URL with an account key, a SAS token or an Entra identity");
        }
        builder.endpoint(settings.accountUrl());
        if (token != null) {
            builder.credential(token);
            return settings.identity().toString();
        }
        if (settings.accountKey() != null) {
            String account = BlobUrlParts.parse(settings.accountUrl()).getAccountName();
            builder.credential(new StorageSharedKeyCredential(account, settings.accountKey().reveal()));
            return "shared-key";
        }
        if (settings.sasToken() != null) {
            builder.sasToken(settings.sasToken().reveal());
            return "sas";
        }
        throw new IllegalArgumentException("archive " + settings.archiveId()
                + ": an account URL needs an account key, a SAS token or an Entra identity");
    }

    /** The SDK's own exponential back-off with jitter; it retries 5xx, 408, 429, timeouts and I/O errors. */
    static RequestRetryOptions retryOptions(BackendSettings.RetrySettings retry) {
        return new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, retry.maxTries(), retry.tryTimeout(),
                retry.retryDelay(), retry.maxRetryDelay(), null);
    }
}
