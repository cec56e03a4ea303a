package io.azlhsm.copytool.archive.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.util.HttpClientOptions;

/** The HTTP client the azure backend uses in production, with a connection pool sized to its request limit. */
public final class AzureHttpClients {
    private AzureHttpClients() {
    }

    /** A client allowing {@code maxConnections} connections (the backend never has more requests in flight). */
    public static HttpClient create(int maxConnections) {
        return HttpClient.createDefault(new HttpClientOptions().setMaximumConnectionPoolSize(maxConnections));
    }
}
