package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM with 20 archives in flight: the agent gives them its grace period, ends the rest with HP_FLAG_RETRY,
 * unregisters and exits 0; the coordinator puts them back to WAITING at once (NRA off), and the next agent finishes
 * them. Nothing waits for active_request_timeout. The archives are in flight when the signal comes whatever the
 * machine's speed: at the agent's 1 MiB/s limit their 80 MiB take at least 79 s (the limiter's burst is one second).
 */
class AgentShutdownIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");

    @Test
    void sigtermEndsInFlightArchivesWithRetryWithinTheGracePeriod() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            cluster.setParam("max_requests", "25");
            cluster.setParam("policy", "-NRA");
            Path config = cluster.root().resolve("copytool.properties");
            String base = String.join("\n",
                    "mount = " + cluster.mount(),
                    "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                    "pipeline.chunk_size = 1MiB",
                    "shutdown_grace = 2s",
                    "archive.1.type = posix",
                    "archive.1.root = " + cluster.root().resolve("archive"), "");
            Files.writeString(config, base + "bandwidth.limit = 1MiB\n");
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));

            List<Path> files = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Path file = cluster.mount().resolve("inflight-" + i + ".bin");
                Files.write(file, new byte[4 << 20]);
                files.add(file);
            }
            Process agent = start(config, cluster.root().resolve("agent-1.log"));
            Path log = cluster.root().resolve("agent-1.log");
            Cluster.await("agent registered", Duration.ofSeconds(60),
                    () -> cluster.getParam("agents").contains("uuid=") || !agent.isAlive(), () -> read(log));
            List<String> archive = new ArrayList<>(List.of("hsm_archive"));
            files.forEach(f -> archive.add(f.toString()));
            assertTrue(cluster.lfs(archive.toArray(String[]::new)).ok());
            Cluster.await("20 archives started", Duration.ofSeconds(60), () -> count(cluster, "STARTED") == 20,
                    () -> cluster.getParam("actions") + "\nagent log:\n" + read(log));

            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(agent.pid())).start().waitFor());
            // well before the transfers could end at the limit: the grace period was honoured, not the transfers
            assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "agent did not stop:\n" + read(log));
            assertEquals(0, agent.exitValue(), read(log));
            assertFalse(cluster.getParam("agents").contains("uuid="), "still registered");
            assertEquals(20, count(cluster, "WAITING"), cluster.getParam("actions"));
            assertEquals(0, count(cluster, "FAILED"), cluster.getParam("actions"));

            Files.writeString(config, base); // no limit for the agent that finishes the work
            Process next = start(config, cluster.root().resolve("agent-2.log"));
            try {
                for (Path file : files) {
                    cluster.awaitFlags(file, AgentTestBed.ARCHIVED);
                }
            } finally {
                next.destroy();
                next.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Process start(Path config, Path log) throws Exception {
        return new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    private static long count(Cluster cluster, String status) {
        return cluster.getParam("actions").lines()
                .filter(line -> line.contains("action=ARCHIVE") && line.contains("status=" + status)).count();
    }
}
