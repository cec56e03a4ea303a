package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.azlhsm.copytool.metrics.DashboardQueries;
import io.azlhsm.copytool.metrics.PrometheusExpositionTest;
import io.azlhsm.copytool.metrics.PrometheusExpositionTest.Sample;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * conf/grafana-dashboard.json against a live agent: the agent run as an administrator runs it (launcher, config file,
 * metrics.listen) archives and restores a file, fails a restore (its blob deleted) and the file system runs a
 * {@code copytool check} job; then every metric name each panel's query reads must be among the samples of the
 * agent's /metrics endpoint, so that no panel of the dashboard stays empty for a name the agent does not export.
 */
class GrafanaDashboardIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");
    /** How long a scrape may take to show what the agent did: the job records are read at most every 10 s. */
    private static final Duration SCRAPE_TIMEOUT = Duration.ofMinutes(2);

    @Test
    void everyPanelReadsOnlyExportedMetrics() throws Exception {
        List<DashboardQueries.Query> queries = DashboardQueries.read(DashboardQueries.FILE);
        try (AzuriteServer azurite = AzuriteServer.start(); Cluster cluster = Cluster.start()) {
            Path root = cluster.root();
            int port = AgentProcessIT.freePort();
            Path config = root.resolve("copytool.properties");
            Files.writeString(config, String.join("\n",
                    "mount = " + cluster.mount(),
                    "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                    "metrics.listen = 127.0.0.1:" + port,
                    "runtime_dir = " + root.resolve("agent-run"),
                    "shutdown_grace = 5s",
                    "archive.1.type = azure",
                    "archive.1.container = dashboard",
                    "archive.1.connection_string = " + azurite.connectionString(), ""));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            Path log = root.resolve("agent.log");
            Process agent = new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                Cluster.await("agent registered", AgentProcesses.START_TIMEOUT,
                        () -> cluster.getParam("agents").contains("uuid=") || !agent.isAlive(),
                        () -> AgentProcesses.read(log));
                assertTrue(agent.isAlive(), AgentProcesses.read(log));

                // an archive and a restore: samples in every histogram and the byte and file counters
                Files.createDirectories(cluster.mount().resolve("dash"));
                Path file = cluster.mount().resolve("dash/moved.dat");
                Files.write(file, new byte[2 * 1024 * 1024 + 7]);
                Path lost = cluster.mount().resolve("dash/lost.dat");
                Files.write(lost, new byte[4096]);
                assertTrue(cluster.lfs("hsm_archive", file.toString(), lost.toString()).ok());
                cluster.awaitFlags(file, AgentTestBed.ARCHIVED);
                cluster.awaitFlags(lost, AgentTestBed.ARCHIVED);
                assertTrue(cluster.lfs("hsm_release", file.toString(), lost.toString()).ok());
                assertTrue(cluster.lfs("hsm_restore", file.toString()).ok());
                cluster.awaitFlags(file, AgentTestBed.ARCHIVED);

                // a restore that fails (its blob is gone): the failed outcome and the errors by errno
                BlobContainerClient container = new BlobServiceClientBuilder()
                        .connectionString(azurite.connectionString()).buildClient().getBlobContainerClient("dashboard");
                container.getBlobClient("dash/lost.dat").delete();
                assertTrue(cluster.lfs("hsm_restore", lost.toString()).ok());
                awaitScrape(port, "a failed restore", names -> names.contains("azlhsm_action_errors_total")
                        && names.contains("azlhsm_blob_request_errors_total"), log);

                // a job: its counters, state and times, and the check results
                Process check = new ProcessBuilder(LAUNCHER.toString(), "check", "--config", config.toString(),
                        "--path", "/dash").redirectErrorStream(true).start();
                String printed = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(check.waitFor(5, TimeUnit.MINUTES), printed);
                Map<String, List<Sample>> scraped = awaitScrape(port, "the check job's gauges",
                        names -> names.contains("azlhsm_job_counter") && names.contains("azlhsm_job_end_seconds"),
                        log);
                assertTrue(scraped.get("azlhsm_job_info").stream()
                        .anyMatch(s -> "check".equals(s.labels().get("kind"))), printed + "\n" + scraped);

                List<String> missing = DashboardQueries.missing(queries, sampleNames(scraped));
                assertEquals(List.of(), missing, "dashboard queries the agent does not answer; it exports "
                        + sampleNames(scraped));
            } finally {
                agent.destroy();
                agent.waitFor(30, TimeUnit.SECONDS);
                agent.destroyForcibly();
            }
        }
    }

    /** Scrapes until the names of the samples satisfy the condition; the last scrape, parsed by the format's rules. */
    private static Map<String, List<Sample>> awaitScrape(int port, String what,
            java.util.function.Predicate<Set<String>> condition, Path log) {
        AtomicReference<Map<String, List<Sample>>> last = new AtomicReference<>(Map.of());
        Cluster.await(what + " on /metrics", SCRAPE_TIMEOUT, () -> {
            last.set(scrape(port));
            return condition.test(sampleNames(last.get()));
        }, () -> "last scrape: " + sampleNames(last.get()) + "\nagent log:\n" + AgentProcesses.read(log));
        return last.get();
    }

    private static Map<String, List<Sample>> scrape(int port) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            return PrometheusExpositionTest.parse(response.body());
        } catch (java.io.IOException e) {
            return Map.of(); // not answering yet: the wait goes on, and its failure shows the agent's log
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The names of the series a query can select: a histogram's _bucket, _sum and _count, a gauge's own name. */
    private static Set<String> sampleNames(Map<String, List<Sample>> families) {
        Set<String> names = new TreeSet<>();
        families.values().forEach(samples -> samples.forEach(sample -> names.add(sample.name())));
        return names;
    }
}
