package io.azlhsm.copytool.archive.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpClientProvider;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.jdk.httpclient.JdkHttpClientProvider;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.core.util.Context;
import com.azure.core.util.HttpClientOptions;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import reactor.core.publisher.Mono;

/**
 * The HTTP clients the azure backend uses in production: OkHttp for whole small objects (built on its first request),
 * the JDK's own HttpClient for everything else ({@link AzureTransports} says which request takes which, and why).
 *
 * <p>The JDK client was chosen over the SDK's default Netty for data: in AzureHttpClientBenchmarkIT against Azurite it
 * moved 8 MiB blocks at least as fast as Netty (uploads faster), it buffers on the heap instead of in Netty's
 * separately accounted direct-memory pools (the reference notes direct-memory trouble with Netty), and a block is sent
 * from the caller's buffer without a copy per request. The JDK client ignores a connection-pool limit;
 * {@link AzureBlobBackend} bounds requests in flight itself.
 *
 * <p>The JVM must start with {@code -Djdk.httpclient.allowRestrictedHeaders=content-length} (the launcher and the
 * test JVMs do): the SDK sends Content-Length itself and, without the property, logs a warning on every request.
 * Setting it from code is not enough: the JDK reads it once, when java.net.http first loads, which may be earlier.
 *
 * <p>The transports are named explicitly rather than left to azure-core's service-loader discovery, so another
 * transport on the class path (tests have Netty) never changes the product's behaviour. Both get the same options
 * (connection, read and write timeouts, proxy from the environment, pool size).
 */
public final class AzureHttpClients {
    static final Class<? extends HttpClientProvider> LARGE_TRANSPORT = JdkHttpClientProvider.class;

    private AzureHttpClients() {
    }

    /** The production transports for a backend that has at most {@code maxConnections} requests in flight. */
    public static AzureTransports create(int maxConnections) {
        return new AzureTransports(new OnFirstRequest(() -> okHttp(maxConnections)), jdk(maxConnections),
                AzureTransports.SMALL_BODY_LIMIT);
    }

    /**
     * A client built when its first request is sent. OkHttp carries only whole small objects: an agent that is idle or
     * moves large files only never needs it, and building it loads OkHttp, Okio and Kotlin's standard library (about
     * 160 classes, 1 MiB of class metadata that stays for the life of the JVM; the benchmark's memory scenario counts
     * it in the agent's RSS).
     */
    static final class OnFirstRequest implements HttpClient {
        private final Supplier<HttpClient> factory;
        private volatile HttpClient client;

        OnFirstRequest(Supplier<HttpClient> factory) {
            this.factory = factory;
        }

        /** The client, built by the first caller; null until a request has been sent. */
        HttpClient built() {
            return client;
        }

        private HttpClient client() {
            HttpClient built = client;
            if (built == null) {
                synchronized (this) {
                    built = client;
                    if (built == null) {
                        built = factory.get();
                        client = built;
                    }
                }
            }
            return built;
        }

        @Override
        public Mono<HttpResponse> send(HttpRequest request) {
            return client().send(request);
        }

        @Override
        public Mono<HttpResponse> send(HttpRequest request, Context context) {
            return client().send(request, context);
        }

        @Override
        public HttpResponse sendSync(HttpRequest request, Context context) {
            return client().sendSync(request, context);
        }
    }

    /** The JDK's HttpClient, for blocks and every request without a body of data. */
    public static HttpClient jdk(int maxConnections) {
        return create(LARGE_TRANSPORT, maxConnections);
    }

    /**
     * OkHttp, for whole small objects and every download. Built here rather than through its provider, which keeps OkHttp's default
     * dispatcher: that one runs at most 5 asynchronous calls per host (a restore's GETs are asynchronous) and on
     * non-daemon threads, which would keep a finished command's JVM alive for a minute.
     */
    static HttpClient okHttp(int maxConnections) {
        HttpClientOptions options = options(maxConnections);
        Dispatcher dispatcher = new Dispatcher(daemonThreads());
        dispatcher.setMaxRequests(maxConnections);
        dispatcher.setMaxRequestsPerHost(maxConnections);
        return new OkHttpAsyncHttpClientBuilder()
                .proxy(options.getProxyOptions())
                .configuration(options.getConfiguration())
                .connectionTimeout(options.getConnectTimeout())
                .writeTimeout(options.getWriteTimeout())
                .readTimeout(options.getReadTimeout())
                .connectionPool(new ConnectionPool(maxConnections, options.getConnectionIdleTimeout().toMillis(),
                        TimeUnit.MILLISECONDS))
                .dispatcher(dispatcher)
                .build();
    }

    /** A client of the given transport, for comparisons. */
    static HttpClient create(Class<? extends HttpClientProvider> transport, int maxConnections) {
        return HttpClient.createDefault(options(maxConnections).setHttpClientProvider(transport));
    }

    private static HttpClientOptions options(int maxConnections) {
        return new HttpClientOptions().setMaximumConnectionPoolSize(maxConnections);
    }

    /** As OkHttp's own dispatcher pool (threads on demand, idle ones end after 60 s), but daemon threads. */
    private static ExecutorService daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
            Thread thread = new Thread(task, "azure-okhttp-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }
}
