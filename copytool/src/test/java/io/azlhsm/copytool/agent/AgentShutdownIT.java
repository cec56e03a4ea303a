package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM (what {@code systemctl stop} and {@code restart} send) under the coordinator's default policy, NRA, which
 * fails any action ended with an error, HP_FLAG_RETRY or not: restores must finish, because a reader is blocked on
 * each, and archives that cannot finish in the grace must end without leaving a file in a wrong state.
 */
class AgentShutdownIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long MIB = 1 << 20;

    /**
     * A restore in flight at SIGTERM, and one the coordinator sends after it, both finish within the restore grace:
     * their readers get their data, not EIO. Every read of the blobs is held at the proxy until both restores are
     * under way, so the first is in flight when the signal comes and the second is requested after it, whatever the
     * machine's speed.
     */
    @Test
    void sigtermLetsRestoresFinishSoBlockedReadersGetTheirData() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start(); HoldingProxy proxy = HoldingProxy.start(azurite);
             Cluster cluster = Cluster.start()) {
            Path config = config(cluster, String.join("\n",
                    "shutdown_grace = 1s",
                    "archive.1.type = azure",
                    "archive.1.container = shutdown",
                    "archive.1.connection_string = " + proxy.connectionString(), ""));
            Path before = cluster.mount().resolve("before-sigterm.bin");
            Path after = cluster.mount().resolve("after-sigterm.bin");
            byte[] beforeBytes = AgentTestBedFiles.random(before, 3 * MIB + 5);
            byte[] afterBytes = AgentTestBedFiles.random(after, 2 * MIB + 9);
            Path log = cluster.root().resolve("agent-1.log");
            Process agent = start(config, log);
            try {
                awaitRegistered(cluster, agent, log);
                assertTrue(cluster.lfs("hsm_archive", before.toString(), after.toString()).ok());
                cluster.awaitFlags(before, AgentTestBed.ARCHIVED);
                cluster.awaitFlags(after, AgentTestBed.ARCHIVED);
                assertTrue(cluster.lfs("hsm_release", before.toString(), after.toString()).ok());

                CompletableFuture<byte[]> firstReader;
                CompletableFuture<byte[]> secondReader;
                try (HoldingProxy.Hold firstReads = proxy.hold("reads of " + before.getFileName(),
                        r -> r.isDataRead() && r.isFor("shutdown", "before-sigterm.bin"));
                     HoldingProxy.Hold secondReads = proxy.hold("reads of " + after.getFileName(),
                        r -> r.isDataRead() && r.isFor("shutdown", "after-sigterm.bin"))) {
                    firstReader = CompletableFuture.supplyAsync(() -> readAll(before));
                    firstReads.awaitHeld(1, WAIT, () -> cluster.getParam("actions") + "\nagent log:\n" + read(log));

                    signal(agent, "TERM");
                    Cluster.await("the agent stopping", WAIT, () -> read(log).contains("SIGTERM: stopping"),
                            () -> read(log));

                    secondReader = CompletableFuture.supplyAsync(() -> readAll(after));
                    // the agent received the restore requested after the signal, and started it
                    secondReads.awaitHeld(1, WAIT, () -> cluster.getParam("actions") + "\nagent log:\n" + read(log));
                    Cluster.await("the stop seeing the first restore in flight", WAIT,
                            () -> read(log).contains("stopping: 1 actions running"), () -> read(log));
                }
                assertArrayEquals(beforeBytes, firstReader.get(2, TimeUnit.MINUTES),
                        "the reader blocked at SIGTERM did not get its data");
                assertArrayEquals(afterBytes, secondReader.get(2, TimeUnit.MINUTES),
                        "the reader blocked after SIGTERM did not get its data");
                assertTrue(agent.waitFor(2, TimeUnit.MINUTES), "agent did not stop:\n" + read(log));
                assertEquals(0, agent.exitValue(), read(log));
                assertFalse(cluster.getParam("agents").contains("uuid="), "still registered");
                assertEquals(AgentTestBed.ARCHIVED, cluster.flags(before));
                assertEquals(AgentTestBed.ARCHIVED, cluster.flags(after));
                assertEquals(List.of("SUCCEED"), cluster.actionStatuses(cluster.fid(before), "RESTORE"));
                assertEquals(List.of("SUCCEED"), cluster.actionStatuses(cluster.fid(after), "RESTORE"));
            } finally {
                agent.destroyForcibly();
                agent.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * SIGTERM with 20 archives in flight: they get the shutdown grace and then end with ESHUTDOWN and HP_FLAG_RETRY,
     * which the coordinator's default NRA policy FAILS (never ECANCELED, which it would record as SUCCEED although
     * nothing was archived); every file stays exists-only, without an archive record; the agent unregisters and exits
     * 0; nothing waits for active_request_timeout; archiving them again succeeds. The archives are in flight when the
     * signal comes whatever the machine's speed: at the agent's 1 MiB/s limit their 80 MiB take at least 79 s.
     */
    @Test
    void sigtermEndsArchivesInFlightAfterTheGraceAndTheFilesKeepTheirState() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            cluster.setParam("max_requests", "25");
            String base = String.join("\n",
                    "shutdown_grace = 2s",
                    "archive.1.type = posix",
                    "archive.1.root = " + cluster.root().resolve("archive"), "");
            Path config = config(cluster, base + "bandwidth.limit = 1MiB\n");

            List<Path> files = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Path file = cluster.mount().resolve("inflight-" + i + ".bin");
                Files.write(file, new byte[4 << 20]);
                files.add(file);
            }
            Path log = cluster.root().resolve("agent-1.log");
            Process agent = start(config, log);
            awaitRegistered(cluster, agent, log);
            List<String> archive = new ArrayList<>(List.of("hsm_archive"));
            files.forEach(f -> archive.add(f.toString()));
            assertTrue(cluster.lfs(archive.toArray(String[]::new)).ok());
            Cluster.await("20 archives started", WAIT, () -> count(cluster, "STARTED") == 20,
                    () -> cluster.getParam("actions") + "\nagent log:\n" + read(log));

            signal(agent, "TERM");
            // well before the transfers could end at the limit: the grace period was honoured, not the transfers
            assertTrue(agent.waitFor(30, TimeUnit.SECONDS), "agent did not stop:\n" + read(log));
            assertEquals(0, agent.exitValue(), read(log));
            assertFalse(cluster.getParam("agents").contains("uuid="), "still registered");
            assertEquals(20, count(cluster, "FAILED"), cluster.getParam("actions"));
            for (Path file : files) {
                assertEquals(0x01, cluster.flags(file), file + " changed state");
                assertTrue(new io.azlhsm.copytool.operations.ArchiveRecordStore().read(file).isEmpty(),
                        file + " has an archive record");
            }

            config(cluster, base); // no limit for the agent that does the work again
            Path nextLog = cluster.root().resolve("agent-2.log");
            Process next = start(config, nextLog);
            try {
                awaitRegistered(cluster, next, nextLog);
                assertTrue(cluster.lfs(archive.toArray(String[]::new)).ok()); // what a policy engine does next
                for (Path file : files) {
                    Cluster.await(file + " archived", Duration.ofMinutes(2),
                            () -> cluster.flags(file) == AgentTestBed.ARCHIVED,
                            () -> cluster.getParam("actions") + "\nagent log:\n" + read(nextLog));
                }
            } finally {
                next.destroy();
                next.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Path config(Cluster cluster, String keys) throws Exception {
        Path config = cluster.root().resolve("copytool.properties");
        Files.writeString(config, String.join("\n",
                "mount = " + cluster.mount(),
                "runtime_dir = " + cluster.root().resolve("agent-run"), // the agent's mount lock, not in the host's /run
                "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                "pipeline.chunk_size = 1MiB", "") + keys);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        return config;
    }

    private static void awaitRegistered(Cluster cluster, Process agent, Path log) {
        Cluster.await("agent registered", AgentProcesses.START_TIMEOUT,
                () -> cluster.getParam("agents").contains("uuid=") || !agent.isAlive(), () -> read(log));
        assertTrue(agent.isAlive(), "agent exited:\n" + read(log));
    }

    private static void signal(Process process, String signal) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor());
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (Exception e) {
            throw new AssertionError("reading " + file + " failed: " + e, e);
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

    /** Files of seeded random bytes written through the mount. */
    private static final class AgentTestBedFiles {
        static byte[] random(Path file, long size) throws Exception {
            byte[] bytes = new byte[(int) size];
            new java.util.Random(file.getFileName().toString().hashCode()).nextBytes(bytes);
            Files.write(file, bytes);
            return bytes;
        }
    }
}
