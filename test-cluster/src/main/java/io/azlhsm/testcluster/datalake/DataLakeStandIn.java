package io.azlhsm.testcluster.datalake;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobStorageException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.azlhsm.testcluster.harness.AzuriteServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A loopback HTTP server answering the Data Lake Storage Gen2 ("dfs") requests the product sends for an account with
 * hierarchical namespace: Path - Create (file, directory, rename), Path - Get Properties (and getAccessControl),
 * Path - Update (setAccessControl), Path - List and Path - Delete, for the account of the Azurite it keeps its paths
 * in. Its endpoint is path-style like Azurite's, {@code http://127.0.0.1:<port>/devstoreaccount1}: the Data Lake SDK
 * takes it as it is (an IP-style URL is not rewritten between blob and dfs), so a client differs from one for Azure
 * only in the endpoint. Anything else is answered 501 NotImplemented in the service's error format, naming what.
 */
public final class DataLakeStandIn implements AutoCloseable {
    private static final String DEFAULT_VERSION = "2021-06-08";

    private final HttpServer server;
    private final ExecutorService threads;
    private final DfsOperations operations;
    private final String account;
    private final List<String> unsupported = new CopyOnWriteArrayList<>();

    private DataLakeStandIn(HttpServer server, ExecutorService threads, DfsOperations operations, String account) {
        this.server = server;
        this.threads = threads;
        this.operations = operations;
        this.account = account;
    }

    /** Starts a stand-in keeping its paths in {@code azurite} (which must serve plain HTTP), on an ephemeral port. */
    public static DataLakeStandIn start(AzuriteServer azurite) throws IOException {
        BlobServiceClient service = new BlobServiceClientBuilder()
                .connectionString(azurite.connectionString())
                .httpClient(new JdkHttpClientBuilder().build())
                .buildClient();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        ExecutorService threads = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "datalake-stand-in");
            thread.setDaemon(true);
            return thread;
        });
        DataLakeStandIn standIn = new DataLakeStandIn(server, threads, new DfsOperations(new PathStore(service)),
                AzuriteServer.ACCOUNT);
        server.setExecutor(threads);
        server.createContext("/", standIn::handle);
        server.start();
        return standIn;
    }

    /** The dfs endpoint: {@code http://127.0.0.1:<port>/devstoreaccount1}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + account;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The requests answered 501 so far (method, path and query), for a test's failure message. */
    public List<String> unsupportedRequests() {
        return List.copyOf(unsupported);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        DfsResponse response;
        try {
            DfsRequest request = DfsRequest.of(exchange);
            request.drainBody();
            response = route(request);
        } catch (DfsError e) {
            if (e.status() == 501) {
                unsupported.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            }
            response = DfsResponse.error(e, requestId);
        } catch (BlobStorageException e) {
            response = DfsResponse.error(new DfsError(500, "InternalError",
                    "The stand-in's Azurite request failed: " + e.getStatusCode() + " " + e.getErrorCode()), requestId);
        } catch (RuntimeException e) {
            response = DfsResponse.error(new DfsError(500, "InternalError", "The stand-in failed: " + e), requestId);
        }
        send(exchange, response, requestId);
    }

    private DfsResponse route(DfsRequest request) throws DfsError {
        String method = request.method();
        if (request.path().isEmpty() && "filesystem".equals(request.query("resource"))) {
            if (method.equals("GET")) {
                return operations.list(request);
            }
            throw DfsError.unsupported("Filesystem - " + method);
        }
        return switch (method) {
            case "PUT" -> operations.create(request);
            case "HEAD" -> operations.getProperties(request);
            case "PATCH" -> operations.update(request);
            case "DELETE" -> operations.delete(request);
            default -> throw DfsError.unsupported(method + " on a path (Path - Read, Lease and the Blob API)");
        };
    }

    private static void send(HttpExchange exchange, DfsResponse response, String requestId) throws IOException {
        var headers = exchange.getResponseHeaders();
        String version = exchange.getRequestHeaders().getFirst("x-ms-version");
        headers.set("x-ms-request-id", requestId);
        headers.set("x-ms-version", version == null ? DEFAULT_VERSION : version);
        headers.set("Date", DfsResponse.httpDate(OffsetDateTime.now(java.time.ZoneOffset.UTC)));
        headers.set("Server", "Windows-Azure-HDFS/1.0 Microsoft-HTTPAPI/2.0");
        String clientRequestId = exchange.getRequestHeaders().getFirst("x-ms-client-request-id");
        if (clientRequestId != null) {
            headers.set("x-ms-client-request-id", clientRequestId);
        }
        response.headers().forEach((name, value) -> {
            if (!name.equals("Content-Length")) {
                headers.set(name, value);
            }
        });
        boolean head = exchange.getRequestMethod().equals("HEAD");
        byte[] body = response.body() == null || head ? null : response.body().getBytes(StandardCharsets.UTF_8);
        if (head && response.headers().containsKey("Content-Length")) {
            headers.set("Content-Length", response.headers().get("Content-Length"));
        }
        exchange.sendResponseHeaders(response.status(), body == null ? -1 : body.length);
        if (body != null) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
