package io.azlhsm.copytool.archive.azure;

import com.azure.core.http.HttpClient;
import com.azure.storage.blob.BlobUrlParts;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.file.datalake.DataLakeFileSystemClient;
import com.azure.storage.file.datalake.DataLakeServiceClientBuilder;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.RetryListener;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * The Data Lake (dfs) client of a hierarchical-namespace account's container (its "filesystem"), with the blob
 * client's credentials, retry policy and HTTP transport. The endpoint is {@code archive.N.dfs_endpoint}, or the blob
 * endpoint with {@code .blob.} turned into {@code .dfs.} (Azure's naming, {@code <account>.dfs.core.windows.net});
 * an endpoint without {@code .blob.} in its host (an IP address, a private DNS name) must be configured.
 */
final class DataLakeClients {
    private DataLakeClients() {
    }

    static String dfsEndpoint(BackendSettings settings, String blobAccountUrl) {
        if (settings.namespace().dfsEndpoint() != null) {
            return settings.namespace().dfsEndpoint();
        }
        URI uri = URI.create(blobAccountUrl);
        String host = uri.getHost() == null ? "" : uri.getHost();
        if (!host.contains(".blob.")) {
            throw new IllegalArgumentException("archive " + settings.archiveId() + ": cannot derive the Data Lake"
                    + " endpoint from " + withoutQuery(blobAccountUrl) + " (no '.blob.' in its host): set archive."
                    + settings.archiveId() + ".dfs_endpoint");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return uri.getScheme() + "://" + host.replaceFirst("\\.blob\\.", ".dfs.")
                + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path;
    }

    static DataLakeFileSystemClient create(BackendSettings settings, String endpoint, HttpClient httpClient,
                                           RetryListener retries) {
        DataLakeServiceClientBuilder builder = new DataLakeServiceClientBuilder()
                .endpoint(endpoint)
                .httpClient(httpClient)
                .retryOptions(AzureContainerClients.retryOptions(settings.retry()))
                .addPolicy(new RetryCountingPolicy(retries));
        if (settings.connectionString() != null) {
            Map<String, String> parts = connectionStringParts(settings.connectionString().reveal());
            if (parts.containsKey("AccountKey")) {
                builder.credential(new StorageSharedKeyCredential(parts.get("AccountName"), parts.get("AccountKey")));
            } else if (parts.containsKey("SharedAccessSignature")) {
                builder.sasToken(parts.get("SharedAccessSignature"));
            } else {
                throw new IllegalArgumentException("archive " + settings.archiveId() + ": the connection string has"
                        + " neither an AccountKey nor a SharedAccessSignature for the Data Lake endpoint");
            }
        } else if (settings.identity() != null) {
            builder.credential(AzureTokenCredentials.create(settings.identity(), httpClient));
        } else if (settings.accountKey() != null) {
            String account = BlobUrlParts.parse(settings.accountUrl()).getAccountName();
            builder.credential(new StorageSharedKeyCredential(account, settings.accountKey().reveal()));
        } else if (settings.sasToken() != null) {
            builder.sasToken(settings.sasToken().reveal());
        }
        return builder.buildClient().getFileSystemClient(settings.container());
    }

    private static Map<String, String> connectionStringParts(String connectionString) {
        Map<String, String> parts = new HashMap<>();
        for (String part : connectionString.split(";")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        return parts;
    }

    private static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
