package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's event FIFO ({@code event_fifo}) as liblustreapi handles it (liblustreapi_hsm.c 455-545): an existing
 * path must be a FIFO of mode 0644, a FIFO the library made is removed when the agent stops, and the events are the
 * library's. The library's own message about a refused FIFO reaches the agent's log, not the process's stderr raw.
 */
class AgentEventFifoIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");

    @Test
    void aFifoOfAnotherModeIsRefusedAndTheLibrarySaysWhyInTheAgentsLog() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            Path fifo = cluster.root().resolve("events.fifo");
            assertEquals(0, new ProcessBuilder("mkfifo", "-m", "0600", fifo.toString()).start().waitFor());
            Path log = cluster.root().resolve("agent.log");
            Process agent = start(config(cluster, fifo), log);
            try {
                assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "the agent started: " + read(log));
                String output = read(log);
                assertEquals(1, agent.exitValue(), output);
                // the library's message, at our level (its ERROR is our WARNING), through our log's format
                assertTrue(output.matches("(?s).*Z WARNING io\\.azlhsm\\.copytool\\.lustre\\.liblustreapi: "
                        + java.util.regex.Pattern.quote(fifo + " exists but is not a pipe or has a wrong mode:"
                        + " File exists (17)") + "\n.*"), output);
                // not as the library prints it by default ("<program>: <message>: <strerror> (<errno>)")
                assertFalse(output.lines().anyMatch(line -> line.startsWith("java: ")), output);
                assertTrue(output.contains("llapi_hsm_register_event_fifo"), output);
                assertEquals("", cluster.getParam("agents").trim(), "registered although the FIFO was refused");
            } finally {
                agent.destroyForcibly();
            }
        }
    }

    @Test
    void theEventsAreTheLibrarysAndAFifoItMadeIsRemovedAtStop() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            Path fifo = cluster.root().resolve("events.fifo");
            assertEquals(0, new ProcessBuilder("mkfifo", "-m", "0644", fifo.toString()).start().waitFor());
            List<String> events = Collections.synchronizedList(new ArrayList<>());
            Thread reader = new Thread(() -> {
                try (BufferedReader in = Files.newBufferedReader(fifo, StandardCharsets.UTF_8)) {
                    for (String line; (line = in.readLine()) != null; ) {
                        events.add(line);
                    }
                } catch (IOException e) {
                    events.add("reader failed: " + e);
                }
            });
            reader.setDaemon(true);
            reader.start(); // its open waits for the agent's write end
            Path log = cluster.root().resolve("agent.log");
            Process agent = start(config(cluster, fifo), log);
            try {
                Cluster.await("agent registered", AgentProcesses.START_TIMEOUT,
                        () -> read(log).contains("registered on ") || !agent.isAlive(), () -> read(log));
                Path file = cluster.mount().resolve("evented/file.dat");
                Files.createDirectories(file.getParent());
                Files.write(file, new byte[300_000]);
                assertTrue(cluster.lfs("hsm_archive", file.toString()).ok());
                cluster.awaitFlags(file, AgentTestBed.ARCHIVED);
                assertTrue(cluster.lfs("hsm_release", file.toString()).ok());
                assertTrue(cluster.lfs("hsm_restore", file.toString()).ok());
                cluster.awaitFlags(file, AgentTestBed.ARCHIVED);
                stop(agent, log);
            } finally {
                agent.destroyForcibly();
            }
            reader.join(10_000);
            assertTrue(Files.exists(fifo), "a FIFO the library did not make must stay");

            ObjectMapper json = new ObjectMapper();
            String fid = cluster.fid(file(cluster)).replace("[", "").replace("]", "");
            List<String> types = new ArrayList<>();
            for (String line : events) {
                JsonNode event = json.readTree(line);
                String type = event.get("event_type").asText();
                types.add(type);
                assertTrue(line.startsWith("{\"event_time\": \"") && line.contains("\", \"event_type\": \""), line);
                switch (type) {
                    case "REGISTER", "UNREGISTER" -> {
                        assertEquals(1, event.get("archive").asInt(), "the archive COUNT: " + line);
                        assertEquals(cluster.mount().toString(), event.get("mount_point").asText(), line);
                    }
                    case "ARCHIVE_START", "RESTORE_START" -> {
                        assertEquals(0, event.get("total_bytes").asLong(), "0 at START: " + line);
                        assertEquals("evented/file.dat", event.get("lustre_path").asText(), "relative: " + line);
                        assertEquals(fid, event.get("source_fid").asText(), line);
                    }
                    case "ARCHIVE_RUNNING" -> {
                        assertEquals("evented/file.dat", event.get("lustre_path").asText(), line);
                        assertTrue(event.has("total_bytes") && event.has("current_bytes"), line);
                    }
                    case "ARCHIVE_FINISH" -> assertEquals(fid, event.get("data_fid").asText(), line);
                    case "RESTORE_FINISH" -> assertEquals(event.get("data_fid").asText(),
                            event.get("source_fid").asText(), "a restore ends on the volatile FID: " + line);
                    default -> throw new AssertionError("unexpected event " + line);
                }
            }
            assertEquals("REGISTER", types.get(0), events.toString());
            assertEquals("UNREGISTER", types.get(types.size() - 1), events.toString());
            for (String type : List.of("ARCHIVE_START", "ARCHIVE_FINISH", "RESTORE_START", "RESTORE_FINISH")) {
                assertTrue(types.contains(type), type + " missing from " + events);
            }
        }
    }

    @Test
    void aFifoTheLibraryMadeIsRemovedWhenTheAgentStops() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            Path fifo = cluster.root().resolve("made/events.fifo");
            Files.createDirectories(fifo.getParent());
            Path log = cluster.root().resolve("agent.log");
            Process agent = start(config(cluster, fifo), log);
            try {
                Cluster.await("agent registered", AgentProcesses.START_TIMEOUT,
                        () -> read(log).contains("registered on ") || !agent.isAlive(), () -> read(log));
                assertTrue(Files.exists(fifo), "the library makes the FIFO");
                stop(agent, log);
                assertFalse(Files.exists(fifo), "the FIFO the library made is still there after the agent stopped");
            } finally {
                agent.destroyForcibly();
            }
        }
    }

    private static Path file(Cluster cluster) {
        return cluster.mount().resolve("evented/file.dat");
    }

    private static Path config(Cluster cluster, Path fifo) throws IOException {
        Path file = cluster.root().resolve("agent.properties");
        Files.writeString(file, String.join("\n",
                "mount = " + cluster.mount(),
                "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                "runtime_dir = " + cluster.root().resolve("agent-run"),
                "event_fifo = " + fifo,
                "shutdown_grace = 5s",
                "pipeline.chunk_size = 64KiB",
                "pipeline.ring_size = 16",
                "pipeline.progress_interval = 1s",
                "archive.1.type = posix",
                "archive.1.root = " + cluster.root().resolve("archive"), ""));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static Process start(Path config, Path log) throws IOException {
        return new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void stop(Process agent, Path log) throws Exception {
        AgentProcesses.stop(agent, log);
    }

    private static String read(Path file) {
        return AgentProcesses.read(file);
    }
}
