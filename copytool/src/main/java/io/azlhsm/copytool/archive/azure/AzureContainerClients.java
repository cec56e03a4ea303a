package io.azlhsm.copytool.archive.azure;

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
 * shared key, account URL + SAS token, or account URL + managed or workload identity), the shared HTTP client, the
 * SDK's exponential retry policy, and a count of the attempts that policy repeats.
 *
 * @param sync        for requests whose answer is small (put, stage, commit, properties, delete, list)
 * @param async       for ranged downloads, streamed straight into the caller's buffer
 * @param description endpoint, container and authentication kind, for logs (no query string, no secret)
 */
record AzureContainerClients(BlobContainerClient sync, BlobContainerAsyncClient async, String description) {

    static AzureContainerClients create(BackendSettings settings, HttpClient httpClient, RetryListener retries) {
        if (settings.container() == null || settings.container().isBlank()) {
            throw new IllegalArgumentException("archive " + settings.archiveId() + ": azure needs a container");
        }
        try {
            return build(settings, httpClient, retries);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The SDK's complaints about a malformed connection string or URL may quote it: pass them on redacted.
            throw new IllegalArgumentException("archive " + settings.archiveId() + ": invalid azure settings: "
                    + RedactedCause.redact(e.getMessage()), RedactedCause.of(e));
        }
    }

    private static AzureContainerClients build(BackendSettings settings, HttpClient httpClient,
                                               RetryListener retries) {
        BlobContainerClientBuilder builder = new BlobContainerClientBuilder()
                .containerName(settings.container())
                .httpClient(httpClient)
                .retryOptions(retryOptions(settings.retry()))
                .addPolicy(new RetryCountingPolicy(retries));
        String authentication = authenticate(settings, builder, httpClient);
        BlobContainerClient sync = builder.buildClient();
        BlobContainerAsyncClient async = builder.buildAsyncClient();
        String url = sync.getBlobContainerUrl();
        int query = url.indexOf('?');
        String endpoint = RedactedCause.redact(query < 0 ? url : url.substring(0, query));
        return new AzureContainerClients(sync, async, endpoint + " auth=" + authentication);
    }

    /** Configures credentials on the builder; returns the kind used, for describe(). */
    private static String authenticate(BackendSettings settings, BlobContainerClientBuilder builder,
                                       HttpClient httpClient) {
        if (settings.connectionString() != null) {
            builder.connectionString(settings.connectionString().reveal());
            return "connection-string";
        }
        if (settings.accountUrl() == null || settings.accountUrl().isBlank()) {
            throw new IllegalArgumentException("archive " + settings.archiveId() + ": azure needs a connection"
                    + " string, or an account URL with an account key, a SAS token or an Entra identity");
        }
        builder.endpoint(settings.accountUrl());
        if (settings.identity() != null) {
            builder.credential(AzureTokenCredentials.create(settings.identity(), httpClient));
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
