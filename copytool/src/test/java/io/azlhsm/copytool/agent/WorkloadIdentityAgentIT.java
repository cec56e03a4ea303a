package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The agent process as it runs in an AKS pod with workload identity: the webhook's variables (AZURE_TENANT_ID,
 * AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE, AZURE_AUTHORITY_HOST) in its environment, a config with
 * {@code auth = workload-identity} and no secret, the service account token exchanged at an Entra ID stand-in on
 * 127.0.0.1 over HTTPS, and Azurite over HTTPS checking the bearer tokens. Both servers use the test's throw-away
 * certificate, which only the agent's JVM trusts. The config's client_id wins over a different AZURE_CLIENT_ID (the
 * stand-in refuses any other client), and the tenant and token file come from the environment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WorkloadIdentityAgentIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String CLIENT_ID = "3b1f0a7e-5c2d-4e8f-9a6b-1d2c3e4f5a6b";
    /** What the webhook would inject for some other identity; the config's client_id must take precedence. */
    private static final String ENVIRONMENT_CLIENT_ID = "00000000-1111-2222-3333-444444444444";
    /** Variables through which azure-identity would find some other identity source: never inherited. */
    private static final List<String> OTHER_IDENTITY_SOURCES = List.of("MSI_ENDPOINT", "MSI_SECRET",
            "IDENTITY_ENDPOINT", "IDENTITY_HEADER", "IDENTITY_SERVER_THUMBPRINT", "IMDS_ENDPOINT",
            "AZURE_POD_IDENTITY_AUTHORITY_HOST", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_CERTIFICATE_PATH");

    private AzuriteServer azurite;
    private EntraTokenEndpoint entra;
    private Cluster cluster;
    private Process agent;
    private Path log;
    private String serviceAccountToken;
    private Path tokenFile;
    private BlobContainerClient container;

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.startHttpsOAuth();
        cluster = Cluster.start();
        // Shaped like a projected service account token; its content is the credential MSAL sends as assertion.
        serviceAccountToken = ManagedIdentityEndpoint.jwt(Instant.now(), Duration.ofHours(1));
        tokenFile = cluster.root().resolve("azure-identity-token");
        Files.writeString(tokenFile, serviceAccountToken);
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        entra = EntraTokenEndpoint.start(azurite.certificate(), TENANT_ID, CLIENT_ID, serviceAccountToken);

        Path config = cluster.root().resolve("copytool.properties");
        Files.writeString(config, String.join("\n",
                "mount = " + cluster.mount(),
                "runtime_dir = " + cluster.root().resolve("agent-run"), // the agent's mount lock, not in the host's /run
                "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                "pipeline.chunk_size = 1MiB",
                "archive.1.type = azure",
                "archive.1.container = workload",
                "archive.1.account_url = " + azurite.blobEndpoint(),
                "archive.1.auth = workload-identity",
                "archive.1.client_id = " + CLIENT_ID,
                "archive.1.single_put_limit = 1MiB",
                "archive.1.max_tries = 3",
                "archive.1.retry_delay = 200ms", ""));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        log = cluster.root().resolve("agent.log");
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        OTHER_IDENTITY_SOURCES.forEach(builder.environment()::remove);
        builder.environment().putAll(Map.of(
                "AZURE_TENANT_ID", TENANT_ID,
                "AZURE_CLIENT_ID", ENVIRONMENT_CLIENT_ID,
                "AZURE_FEDERATED_TOKEN_FILE", tokenFile.toString(),
                "AZURE_AUTHORITY_HOST", entra.authorityHost(),
                "COPYTOOL_JAVA_OPTS", azurite.certificate().trustStoreJavaOptions()));
        agent = builder.start();
        Cluster.await("agent registered", AgentProcesses.START_TIMEOUT,
                () -> cluster.getParam("agents").contains("uuid=") || !agent.isAlive(), () -> AgentProcesses.read(log));
        assertTrue(agent.isAlive(), Files.readString(log));

        HttpClient trusting = new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder()
                .sslContext(azurite.certificate().clientContext())).build();
        container = new BlobContainerClientBuilder().connectionString(azurite.connectionString())
                .containerName("workload").httpClient(trusting).buildClient();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (agent != null) {
                agent.destroy();
                if (!agent.waitFor(30, TimeUnit.SECONDS)) {
                    agent.destroyForcibly();
                }
                String agentLog = Files.readString(log);
                assertFalse(agentLog.contains(entra.accessToken()), "the bearer token was logged");
                assertFalse(agentLog.contains(serviceAccountToken), "the service account token was logged");
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (entra != null) {
                entra.close();
            }
            if (azurite != null) {
                azurite.close();
            }
        }
    }

    @Test
    void archivesAndRestoresWithTokensOfTheWorkloadIdentity() throws Exception {
        Path small = write("wi/small.dat", 4096 + 5);
        Path blocks = write("wi/blocks.dat", 2 * (1 << 20) + 13); // above single_put_limit: staged blocks
        byte[] smallMd5 = AgentTestBed.md5(small);
        byte[] blocksMd5 = AgentTestBed.md5(blocks);
        lfs("hsm_archive", small, blocks);
        awaitFlags(small, AgentTestBed.ARCHIVED);
        awaitFlags(blocks, AgentTestBed.ARCHIVED);
        assertEquals(Files.size(blocks), container.getBlobClient("wi/blocks.dat").getProperties().getBlobSize());

        lfs("hsm_release", small, blocks);
        lfs("hsm_restore", small, blocks);
        awaitFlags(small, AgentTestBed.ARCHIVED);
        awaitFlags(blocks, AgentTestBed.ARCHIVED);
        assertArrayEquals(smallMd5, AgentTestBed.md5(small));
        assertArrayEquals(blocksMd5, AgentTestBed.md5(blocks));

        List<Map<String, String>> tokenRequests = entra.tokenRequests();
        assertFalse(tokenRequests.isEmpty(), "no token request reached the Entra stand-in; it saw " + entra.paths());
        for (Map<String, String> request : tokenRequests) {
            assertEquals("client_credentials", request.get("grant_type"), request.keySet().toString());
            assertEquals(CLIENT_ID, request.get("client_id"), request.keySet().toString());
            assertEquals(EntraTokenEndpoint.ASSERTION_TYPE, request.get("client_assertion_type"));
            assertEquals(serviceAccountToken, request.get("client_assertion"), "the assertion is not the token file");
            assertEquals(EntraTokenEndpoint.STORAGE_SCOPE, request.get("scope"));
        }
        // All MSAL asks the authority for: no instance discovery, no openid-configuration, just tokens.
        assertEquals(java.util.Set.of("POST /" + TENANT_ID + "/oauth2/v2.0/token"),
                java.util.Set.copyOf(entra.paths()));
        String agentLog = Files.readString(log);
        assertTrue(agentLog.contains("auth=workload-identity(tenant_id=" + TENANT_ID + " client_id=" + CLIENT_ID),
                agentLog);
    }

    /**
     * The stand-in's checks are real: the right client and assertion get a token, another assertion, client or grant
     * none. Asked with a plain HTTPS client: azure-identity 1.15.1 makes this exchange over HttpsURLConnection with the
     * JVM's default trust store, which this test JVM must leave alone. (A second stand-in of its own, so these
     * requests stay out of the agent's.)
     */
    @Test
    void theTokenEndpointRefusesAnotherAssertionOrClient() throws Exception {
        String forged = ManagedIdentityEndpoint.jwt(Instant.now(), Duration.ofHours(1));
        try (EntraTokenEndpoint own = EntraTokenEndpoint.start(azurite.certificate(), TENANT_ID, CLIENT_ID,
                serviceAccountToken)) {
            HttpResponse<String> granted = tokenRequest(own, "client_credentials", CLIENT_ID, serviceAccountToken);
            assertEquals(200, granted.statusCode(), granted.body());
            assertTrue(granted.body().contains(own.accessToken()), granted.body());
            assertEquals(401, tokenRequest(own, "client_credentials", CLIENT_ID, forged).statusCode());
            assertEquals(400, tokenRequest(own, "client_credentials", ENVIRONMENT_CLIENT_ID, serviceAccountToken)
                    .statusCode());
            assertEquals(400, tokenRequest(own, "password", CLIENT_ID, serviceAccountToken).statusCode());
        }
    }

    private HttpResponse<String> tokenRequest(EntraTokenEndpoint endpoint, String grant, String clientId,
                                              String assertion) throws Exception {
        String form = "grant_type=" + grant + "&client_id=" + clientId + "&scope="
                + URLEncoder.encode(EntraTokenEndpoint.STORAGE_SCOPE, StandardCharsets.UTF_8)
                + "&client_assertion_type="
                + URLEncoder.encode(EntraTokenEndpoint.ASSERTION_TYPE, StandardCharsets.UTF_8)
                + "&client_assertion=" + assertion;
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .sslContext(azurite.certificate().clientContext()).build();
        return client.send(HttpRequest.newBuilder(URI.create(endpoint.authorityHost() + "/" + TENANT_ID
                        + "/oauth2/v2.0/token")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
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
}
