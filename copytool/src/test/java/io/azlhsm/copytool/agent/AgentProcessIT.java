package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.BufferedReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The agent as an administrator runs it: the launcher, a 0600 config file, real signals. Its metrics endpoint is
 * scraped and parsed, {@code copytool status} reads it, the JSON event FIFO carries lhsmtool_posix's events,
 * SIGUSR1 logs statistics, SIGTERM unregisters and exits 0, and the storage key appears in no output.
 */
class AgentProcessIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    @Test
    void operatedWithSignalsMetricsStatusAndEvents() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start(); Cluster cluster = Cluster.start()) {
            Path root = cluster.root();
            Path fifo = root.resolve("events.fifo");
            // an existing FIFO is taken only with mode 0644 exactly, as liblustreapi does
            assertEquals(0, new ProcessBuilder("mkfifo", "-m", "0644", fifo.toString()).start().waitFor());
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            Thread eventReader = new Thread(() -> {
                try (BufferedReader reader = Files.newBufferedReader(fifo, StandardCharsets.UTF_8)) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        events.add(line);
                    }
                } catch (Exception ignored) {
                    // the writer went away
                }
            });
            eventReader.setDaemon(true);
            eventReader.start();

            int port = freePort();
            Path config = root.resolve("copytool.properties");
            Files.writeString(config, String.join("\n",
                    "mount = " + cluster.mount(),
                    "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                    "metrics.listen = 127.0.0.1:" + port,
                    "event_fifo = " + fifo,
                    "runtime_dir = " + root.resolve("agent-run"),
                    "shutdown_grace = 5s",
                    "archive.1.type = azure",
                    "archive.1.container = operated",
                    "archive.1.connection_string = " + azurite.connectionString(), ""));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            Path log = root.resolve("agent.log");
            Process agent = new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                Cluster.await("agent registered", AgentProcesses.START_TIMEOUT,
                        () -> cluster.getParam("agents").contains("uuid=") || !agent.isAlive(),
                        () -> AgentProcesses.read(log));
                assertTrue(agent.isAlive(), Files.readString(log));

                Path file = cluster.mount().resolve("operated.dat");
                Files.write(file, new byte[3 * 1024 * 1024 + 5]);
                assertTrue(cluster.lfs("hsm_archive", file.toString()).ok());
                cluster.awaitFlags(file, AgentTestBed.ARCHIVED);
                assertTrue(cluster.lfs("hsm_release", file.toString()).ok());
                assertTrue(cluster.lfs("hsm_restore", file.toString()).ok());
                cluster.awaitFlags(file, AgentTestBed.ARCHIVED);

                Map<String, Double> metrics = scrape(port);
                assertEquals(1.0, metrics.get("azlhsm_files_total{action=\"archive\",outcome=\"ok\"}"), metrics.toString());
                assertEquals(1.0, metrics.get("azlhsm_files_total{action=\"restore\",outcome=\"ok\"}"));
                assertEquals(2.0 * (3 * 1024 * 1024 + 5), metrics.get("azlhsm_bytes_total{action=\"archive\"}")
                        + metrics.get("azlhsm_bytes_total{action=\"restore\"}"));
                assertTrue(metrics.get("azlhsm_blob_request_duration_seconds_count{request=\"get_blob_range\"}") >= 1);
                // histograms: the 3 MiB file in its size class, all of it at +Inf; the build's version
                assertEquals(1.0, metrics.get("azlhsm_action_duration_seconds_bucket{action=\"archive\","
                        + "size=\"1MiB_to_32MiB\",le=\"+Inf\"}"), metrics.toString());
                assertEquals(1.0, metrics.get("azlhsm_file_size_bytes_bucket{action=\"restore\",le=\"4194304\"}"));
                assertEquals(1.0, metrics.get("azlhsm_queue_wait_seconds_count{action=\"restore\"}"));
                assertTrue(metrics.keySet().stream().anyMatch(k -> k.startsWith("azlhsm_build_info{version=\"")),
                        metrics.toString());

                Process status = new ProcessBuilder(LAUNCHER.toString(), "status", "--config", config.toString())
                        .redirectErrorStream(true).start();
                String statusText = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertEquals(0, status.waitFor(), statusText);
                assertTrue(statusText.matches("(?s).*\\narchive +1 +0 +3145733 .*"), statusText);

                new ProcessBuilder("kill", "-USR1", Long.toString(agent.pid())).start().waitFor();
                Cluster.await("statistics in the log", Duration.ofSeconds(10),
                        () -> readQuietly(log).contains("statistics (SIGUSR1)"));

                new ProcessBuilder("kill", "-TERM", Long.toString(agent.pid())).start().waitFor();
                assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
                assertEquals(0, agent.exitValue(), Files.readString(log));
                assertFalse(cluster.getParam("agents").contains("uuid="), "agent still registered after SIGTERM");
            } finally {
                agent.destroyForcibly();
            }

            eventReader.join(5000);
            assertEvents(events);
            String output = Files.readString(log);
            assertFalse(output.contains(AzuriteServer.ACCOUNT_KEY), "the storage key reached the agent's output");
            assertFalse(output.contains("SEVERE"), output);
        }
    }

    private static void assertEvents(List<String> lines) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> byEvent = new HashMap<>();
        for (String line : lines) {
            JsonNode event = json.readTree(line); // every line must be one JSON object
            assertTrue(event.get("event_time").asText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}"),
                    line);
            byEvent.putIfAbsent(event.get("event_type").asText(), event);
        }
        for (String type : new String[] {"REGISTER", "ARCHIVE_START", "ARCHIVE_FINISH", "RESTORE_START",
                "RESTORE_FINISH", "UNREGISTER"}) {
            assertTrue(byEvent.containsKey(type), type + " missing from " + lines);
        }
        JsonNode start = byEvent.get("ARCHIVE_START");
        for (String field : new String[] {"data_fid", "source_fid", "lustre_path", "total_bytes"}) {
            assertTrue(start.has(field), field + " missing from " + start);
        }
        assertTrue(byEvent.get("REGISTER").has("mount_point"), byEvent.get("REGISTER").toString());
    }

    private static Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        io.azlhsm.copytool.metrics.PrometheusExpositionTest.parse(response.body()); // the text format's rules
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Matcher matcher = SAMPLE.matcher(line);
            assertTrue(matcher.matches(), "not a Prometheus sample: " + line);
            samples.put(matcher.group(1) + (matcher.group(2) == null ? "" : matcher.group(2)),
                    Double.parseDouble(matcher.group(3)));
        }
        return samples;
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "";
        }
    }
}
