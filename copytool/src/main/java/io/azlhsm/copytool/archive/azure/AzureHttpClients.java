package io.azlhsm.copytool.archive.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpClientProvider;
import com.azure.core.http.netty.NettyAsyncHttpClientProvider;
import com.azure.core.util.HttpClientOptions;

/**
 * The HTTP client the azure backend uses in production, with a connection pool sized to its request limit.
 *
 * <p>The transport is named explicitly rather than left to azure-core's service-loader discovery, so adding another
 * transport to the class path (tests do) never changes the product's behaviour.
 */
public final class AzureHttpClients {
    /** Netty, the SDK's default: see CHANGELOG and AzureHttpClientBenchmarkIT for why it stays. */
    static final Class<? extends HttpClientProvider> PRODUCTION_TRANSPORT = NettyAsyncHttpClientProvider.class;

    private AzureHttpClients() {
    }

    /** A client allowing {@code maxConnections} connections (the backend never has more requests in flight). */
    public static HttpClient create(int maxConnections) {
        return create(PRODUCTION_TRANSPORT, maxConnections);
    }

    /** A client of the given transport, for comparisons. */
    static HttpClient create(Class<? extends HttpClientProvider> transport, int maxConnections) {
        return HttpClient.createDefault(new HttpClientOptions()
                .setHttpClientProvider(transport)
                .setMaximumConnectionPoolSize(maxConnections));
    }
}
