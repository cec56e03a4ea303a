package io.azlhsm.copytool.archive.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpClientProvider;
import com.azure.core.http.jdk.httpclient.JdkHttpClientProvider;
import com.azure.core.util.HttpClientOptions;

/**
 * The HTTP client the azure backend uses in production.
 *
 * <p>The JDK's own HttpClient, chosen over the SDK's default Netty: in AzureHttpClientBenchmarkIT against Azurite it
 * moved data at least as fast as Netty (uploads faster), it buffers on the heap instead of in Netty's separately
 * accounted direct-memory pools (the reference notes direct-memory trouble with Netty), and it adds no third-party
 * library. The JDK client ignores a connection-pool limit; {@link AzureBlobBackend} bounds requests in flight itself.
 *
 * <p>The JVM must start with {@code -Djdk.httpclient.allowRestrictedHeaders=content-length} (the launcher and the
 * test JVMs do): the SDK sends Content-Length itself and, without the property, logs a warning on every request.
 * Setting it from code is not enough: the JDK reads it once, when java.net.http first loads, which may be earlier.
 *
 * <p>The transport is named explicitly rather than left to azure-core's service-loader discovery, so another transport
 * on the class path (tests have two) never changes the product's behaviour.
 */
public final class AzureHttpClients {
    static final Class<? extends HttpClientProvider> PRODUCTION_TRANSPORT = JdkHttpClientProvider.class;

    private AzureHttpClients() {
    }

    /** A client for a backend that has at most {@code maxConnections} requests in flight. */
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
