package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobStorageException;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

/**
 * The agent process as it runs on an Azure host with a managed identity: the launcher, a config with
 * {@code auth = managed-identity} and no secret (so a world-readable file is fine), the identity endpoint found
 * through {@code IDENTITY_ENDPOINT}/{@code IDENTITY_HEADER} (here a loopback stand-in), and Azurite over HTTPS
 * checking the bearer tokens. The agent's JVM trusts Azurite's throw-away certificate through its own trust store
 * options; nothing else trusts it. Also: retries the SDK makes on its own while Azurite is down show up in /metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManagedIdentityAgentIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CLIENT_ID = "6f1d4c1e-2a57-4a3b-9c55-0c9a3f0e7b21";
    /** Variables through which azure-identity would find some other identity source: never inherited. */
    private static final List<String> OTHER_IDENTITY_SOURCES = List.of("MSI_ENDPOINT", "MSI_SECRET",
            "IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT", "AZURE_POD_IDENTITY_AUTHORITY_HOST", "AZURE_CLIENT_ID",
            "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST");

    private AzuriteServer azurite;
    private ManagedIdentityEndpoint identity;
    private Cluster cluster;
    private Process agent;
    private Path log;
    private int metricsPort;
    private BlobContainerClient container;
    /** Kept for the class: a JDK 17 HttpClient that becomes unreachable mid-request may close its connection. */
    private final java.net.http.HttpClient scraper = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.startHttpsOAuth();
        identity = ManagedIdentityEndpoint.start();
        cluster = Cluster.start();
        metricsPort = freePort();
        Path config = cluster.root().resolve("copytool.properties");
        Files.writeString(config, String.join("\n",
                "mount = " + cluster.mount(),
                "runtime_dir = " + cluster.root().resolve("agent-run"), // the agent's mount lock, not in the host's /run
                "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                "pipeline.chunk_size = 1MiB",
                "metrics.listen = 127.0.0.1:" + metricsPort,
                "archive.1.type = azure",
                "archive.1.container = identity",
                "archive.1.account_url = " + azurite.blobEndpoint(),
                "archive.1.auth = managed-identity",
                "archive.1.client_id = " + CLIENT_ID,
                "archive.1.single_put_limit = 1MiB",
                // room for Azurite's restart in sdkRetriesAreCounted: 0.2 s doubling, 12 attempts
                "archive.1.max_tries = 12",
                "archive.1.retry_delay = 200ms", ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        log = cluster.root().resolve("agent.log");
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        OTHER_IDENTITY_SOURCES.forEach(builder.environment()::remove);
        builder.environment().putAll(identity.environment());
        builder.environment().put("COPYTOOL_JAVA_OPTS", azurite.certificate().trustStoreJavaOptions());
        agent = builder.start();
        Cluster.await("agent registered", AgentProcesses.START_TIMEOUT,
                () -> cluster.getParam("agents").contains("uuid=") || !agent.isAlive(), () -> AgentProcesses.read(log));
        assertTrue(agent.isAlive(), Files.readString(log));

        HttpClient trusting = new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder()
                .sslContext(azurite.certificate().clientContext())).build();
        container = new BlobContainerClientBuilder().connectionString(azurite.connectionString())
                .containerName("identity").httpClient(trusting).buildClient();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (agent != null) {
                agent.destroy();
                if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                    agent.destroyForcibly();
                }
                if (identity != null) {
                    String agentLog = Files.readString(log);
                    assertFalse(agentLog.contains(identity.accessToken()), "the bearer token was logged");
                    assertFalse(agentLog.contains(identity.environment().get("IDENTITY_HEADER")),
                            "the identity header was logged");
                }
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (identity != null) {
                identity.close();
            }
            if (azurite != null) {
                azurite.close();
            }
        }
    }

    @Test
    void archivesAndRestoresWithTokensOfTheManagedIdentity() throws Exception {
        Path small = write("mi/small.dat", 4096 + 7);
        Path blocks = write("mi/blocks.dat", 3 * (1 << 20) + 11); // above single_put_limit: staged blocks
        byte[] smallMd5 = AgentTestBed.md5(small);
        byte[] blocksMd5 = AgentTestBed.md5(blocks);
        lfs("hsm_archive", small, blocks);
        awaitFlags(small, AgentTestBed.ARCHIVED);
        awaitFlags(blocks, AgentTestBed.ARCHIVED);
        assertEquals(Files.size(blocks), container.getBlobClient("mi/blocks.dat").getProperties().getBlobSize());

        lfs("hsm_release", small, blocks);
        lfs("hsm_restore", small, blocks);
        awaitFlags(small, AgentTestBed.ARCHIVED);
        awaitFlags(blocks, AgentTestBed.ARCHIVED);
        assertArrayEquals(smallMd5, AgentTestBed.md5(small));
        assertArrayEquals(blocksMd5, AgentTestBed.md5(blocks));

        List<Map<String, String>> tokenRequests = identity.requests();
        assertFalse(tokenRequests.isEmpty(), "the agent never asked the identity endpoint for a token");
        for (Map<String, String> request : tokenRequests) {
            assertEquals(ManagedIdentityEndpoint.STORAGE_RESOURCE, request.get("resource"), request.toString());
            assertEquals(CLIENT_ID, request.get("client_id"), request.toString());
        }
        String agentLog = Files.readString(log);
        assertTrue(agentLog.contains("auth=managed-identity(" + azurite.blobEndpoint() + " client_id=" + CLIENT_ID
                + ")"), agentLog);
    }

    @Test
    void retriesTheSdkMakesOnItsOwnAreCountedInTheMetrics() throws Exception {
        double before = retries();
        Path file = write("mi/retried.dat", 2 * (1 << 20) + 3);
        byte[] md5 = AgentTestBed.md5(file);
        azurite.stop();
        try {
            lfs("hsm_archive", file);
            Cluster.await("a retry counted in /metrics", WAIT, () -> retries() > before);
        } finally {
            azurite.restart();
        }
        awaitFlags(file, AgentTestBed.ARCHIVED);
        lfs("hsm_release", file);
        lfs("hsm_restore", file);
        awaitFlags(file, AgentTestBed.ARCHIVED);
        assertArrayEquals(md5, AgentTestBed.md5(file));
    }

    /** The OAuth check is real: the same Azurite takes a current token and refuses an expired one. */
    @Test
    void azuriteChecksTheBearerTokensLifetime() {
        String current = ManagedIdentityEndpoint.jwt(Instant.now(), Duration.ofHours(1));
        String expired = ManagedIdentityEndpoint.jwt(Instant.now().minus(Duration.ofHours(3)), Duration.ofHours(1));
        withToken(current).createIfNotExists(); // the agent may have made it already
        withToken(current).listBlobs().iterator().hasNext();
        BlobStorageException refused = assertThrows(BlobStorageException.class,
                () -> withToken(expired).listBlobs().iterator().hasNext());
        assertEquals(403, refused.getStatusCode());
        assertEquals(BlobErrorCode.AUTHENTICATION_FAILED, refused.getErrorCode());
    }

    private BlobContainerClient withToken(String jwt) {
        return new BlobContainerClientBuilder().endpoint(azurite.blobEndpoint()).containerName("identity")
                .credential(request -> Mono.just(new AccessToken(jwt, OffsetDateTime.now().plusHours(1))))
                .httpClient(new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder()
                        .sslContext(azurite.certificate().clientContext())).build())
                .buildClient();
    }

    private Path write(String relativePath, int size) throws Exception {
        Path file = cluster.mount().resolve(relativePath);
        Files.createDirectories(file.getParent());
        byte[] data = new byte[size];
        new java.util.Random(relativePath.hashCode()).nextBytes(data);
        Files.write(file, data);
        return file;
    }

    private void lfs(String command, Path... files) {
        String[] args = new String[files.length + 1];
        args[0] = command;
        for (int i = 0; i < files.length; i++) {
            args[i + 1] = files[i].toString();
        }
        var result = cluster.lfs(args);
        assertTrue(result.ok(), "lfs " + String.join(" ", args) + ": " + result.stderr());
    }

    private void awaitFlags(Path file, int flags) {
        Cluster.await("hsm flags 0x" + Integer.toHexString(flags) + " on " + file + " (agent log: " + log + ")",
                WAIT, () -> cluster.flags(file) == flags || !agent.isAlive());
        assertTrue(agent.isAlive(), "the agent died; see " + log);
    }

    /** The sum of azlhsm_blob_request_retries_total over request kinds, scraped from the agent's /metrics. */
    private double retries() {
        // The agent registers before its metrics endpoint listens: the first scrape may come a moment early.
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return scrapeRetries();
            } catch (java.io.UncheckedIOException e) {
                if (System.nanoTime() > deadline || !agent.isAlive()) {
                    throw e;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(interrupted);
                }
            }
        }
    }

    private double scrapeRetries() {
        try {
            HttpResponse<String> response = scraper.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return response.body().lines().filter(line -> line.startsWith("azlhsm_blob_request_retries_total{"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
