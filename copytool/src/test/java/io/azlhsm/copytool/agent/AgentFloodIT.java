package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * 5,000 archive requests reach the agent at once (the coordinator's max_requests above them all): the agent, run by its
 * launcher as systemd runs it, begins at most {@code pipeline.max_actions_in_flight} of them at a time (less the slot
 * it keeps for restores; its own gauge,
 * and independently the descriptors it holds on the mount), its RSS stays within the documented memory bound, the
 * rest wait in the agent, not begun, and a CANCEL sent while it is saturated still reaches the action it names before
 * that action's turn comes. Files are 10 KiB with 4 KiB chunks, so every one goes through the ring: a starter hands it
 * over and is free at once, which is what let begun actions grow without bound.
 */
class AgentFloodIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");
    private static final int FILES = 5_000;
    private static final int FILE_SIZE = 10 * 1024;
    private static final int IN_FLIGHT = 8;
    private static final int RING = 16;
    private static final int CHUNK = 4096;
    private static final int WRITERS = 4;
    /** The launcher's -Xmx (bin/copytool). */
    private static final long HEAP = 192L << 20;
    /** What conf/copytool.properties allows the JVM itself (code, classes, thread stacks), with a margin. */
    private static final long JVM_OWN = 128L << 20;

    @Test
    void aFloodOfRequestsIsBoundedAndACancelStillGetsThrough() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            List<Path> files = writeFiles(cluster.mount().resolve("flood"), FILES);
            int port = freePort();
            Path log = cluster.root().resolve("agent.log");
            Process agent = startAgent(cluster, port, log, "pipeline.max_actions_in_flight = " + IN_FLIGHT);
            try {
                Map<String, Double> idle = scrape(port);
                int descriptorsIdle = descriptorsOnMount(agent.pid(), cluster.mount());
                long rssIdle = rss(agent.pid());

                archiveAllAtOnce(cluster, files);

                Peaks peaks = new Peaks();
                Path target = files.get(FILES - 1); // last in line: its turn comes after every other file's
                String targetFid = cluster.fid(target);
                // the agent has received every request (begun, waiting or ended): the target waits in the agent
                awaitSampling("every request received", peaks, agent, port, cluster, Duration.ofMinutes(2),
                        m -> m.get("azlhsm_queued_actions") + m.get("azlhsm_begun_actions") + archived(m) >= FILES);
                Map<String, Double> beforeCancel = peaks.last;
                assertTrue(cluster.lfs("hsm_cancel", target.toString()).ok(), "lfs hsm_cancel");
                awaitSampling("the cancel of " + target + " handled", peaks, agent, port, cluster,
                        Duration.ofMinutes(2), m -> AgentProcesses.read(log).lines().anyMatch(line ->
                                line.contains(targetFid) && line.contains("canceled before it started")));
                Map<String, Double> atCancel = peaks.last;
                assertTrue(!cluster.actionStatuses(targetFid, "ARCHIVE").contains("STARTED"),
                        "the canceled archive still runs at the coordinator");
                awaitSampling("every other file archived", peaks, agent, port, cluster, Duration.ofMinutes(20),
                        m -> archived(m) >= FILES - 1);

                long budget = (long) RING * CHUNK + (long) IN_FLIGHT * CHUNK + (long) WRITERS * (1 << 20);
                System.out.printf("flood of %d archives, max_actions_in_flight %d: peak begun actions %d (gauge),"
                                + " peak descriptors on the mount %d over %d idle, peak waiting %d, peak RSS %d MiB"
                                + " (idle %d MiB; bound %d MiB = data buffers %d KiB + heap %d MiB + JVM %d MiB);"
                                + " the cancel was handled with %d actions still waiting%n",
                        FILES, IN_FLIGHT, peaks.begun, peaks.descriptors, descriptorsIdle, peaks.waiting,
                        peaks.rss >> 20, rssIdle >> 20, (budget + HEAP + JVM_OWN) >> 20, budget >> 10,
                        HEAP >> 20, JVM_OWN >> 20, atCancel.get("azlhsm_queued_actions").longValue());

                assertTrue(peaks.begun <= IN_FLIGHT, "begun actions peaked at " + peaks.begun);
                // archives fill every slot but the one kept for restores
                assertEquals(IN_FLIGHT - 1, peaks.begun, "the flood never filled the slots: nothing was bounded");
                assertTrue(peaks.descriptors - descriptorsIdle <= 2 * IN_FLIGHT, "descriptors on the mount peaked at "
                        + peaks.descriptors + " (" + descriptorsIdle + " idle); each begun archive holds two");
                assertTrue(peaks.rss <= budget + HEAP + JVM_OWN, "RSS peaked at " + (peaks.rss >> 20) + " MiB");
                assertTrue(beforeCancel.get("azlhsm_queued_actions") > 1000, "the agent did not hold the flood: "
                        + beforeCancel);
                // read while every slot was taken and many waited, not when the target's turn came
                assertTrue(atCancel.get("azlhsm_queued_actions") > 100, "the cancel was handled only when the flood"
                        + " had drained: " + atCancel);
                assertEquals(0, cluster.flags(target) & 0x08, "the canceled file was archived anyway");
                assertEquals(0.0, idle.get("azlhsm_begun_actions"));
                cluster.awaitFlags(files.get(0), AgentTestBed.ARCHIVED);
                cluster.awaitFlags(files.get(FILES - 2), AgentTestBed.ARCHIVED);
                AgentProcesses.stop(agent, log);
            } finally {
                agent.destroyForcibly();
            }
        }
    }

    /**
     * With the coordinator sending more than {@code pipeline.max_actions_waiting} beyond the slots, the agent stops
     * reading: no more than that many (and one list) wait in it, the rest stay in the coordinator's pipe, and all are
     * carried out in the end.
     */
    @Test
    void theAgentStopsReadingWhenMaxActionsWaitingWait() throws Exception {
        int files = 600;
        int waiting = 50;
        try (Cluster cluster = Cluster.start()) {
            List<Path> paths = writeFiles(cluster.mount().resolve("flood"), files);
            int port = freePort();
            Path log = cluster.root().resolve("agent.log");
            Process agent = startAgent(cluster, port, log, "pipeline.max_actions_in_flight = 2",
                    "pipeline.max_actions_waiting = " + waiting);
            try {
                archiveAllAtOnce(cluster, paths);
                Peaks peaks = new Peaks();
                awaitSampling("the receive loop paused", peaks, agent, port, cluster, Duration.ofMinutes(2),
                        m -> m.get("azlhsm_receive_paused") == 1.0);
                Map<String, Double> paused = peaks.last;
                awaitSampling("every file archived", peaks, agent, port, cluster, Duration.ofMinutes(10),
                        m -> archived(m) >= files);
                System.out.printf("max_actions_waiting %d: peak waiting %d, peak begun %d; paused with %.0f waiting,"
                                + " %.0f begun, %.0f archived of %d%n", waiting, peaks.waiting, peaks.begun,
                        paused.get("azlhsm_queued_actions"), paused.get("azlhsm_begun_actions"), archived(paused), files);
                // a list is read whole: the simulator's lists, like the coordinator's, hold about 70 items at most
                assertTrue(peaks.waiting <= waiting + 70, "waiting actions peaked at " + peaks.waiting);
                assertTrue(peaks.begun <= 2, "begun actions peaked at " + peaks.begun);
                assertTrue(paused.get("azlhsm_queued_actions") + paused.get("azlhsm_begun_actions") + archived(paused)
                        < files, "paused with every request read: " + paused);
                AgentProcesses.stop(agent, log);
            } finally {
                agent.destroyForcibly();
            }
        }
    }

    /**
     * Bounding begun actions must not make a restore (a reader may be blocked on it) wait for a long archive: one slot
     * is kept for restores. With two slots and two large archives throttled to 2 MiB/s, a small restore requested
     * while they run ends before either of them.
     */
    @Test
    void aRestoreDoesNotWaitForArchivesHoldingTheSlots() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            Path small = writeFiles(cluster.mount().resolve("small"), 1).get(0);
            List<Path> large = List.of(cluster.mount().resolve("large-0"), cluster.mount().resolve("large-1"));
            byte[] data = new byte[24 << 20];
            for (Path file : large) {
                Files.write(file, data);
            }
            int port = freePort();
            Path log = cluster.root().resolve("agent.log");
            Process agent = startAgent(cluster, port, log, "pipeline.max_actions_in_flight = 2",
                    "archive.1.bandwidth_limit = 2MiB");
            try {
                assertTrue(cluster.lfs("hsm_archive", small.toString()).ok());
                cluster.awaitFlags(small, AgentTestBed.ARCHIVED);
                assertTrue(cluster.lfs("hsm_release", small.toString()).ok());
                cluster.setParam("max_requests", "10");
                assertTrue(cluster.lfs("hsm_archive", large.get(0).toString(), large.get(1).toString()).ok());
                Peaks peaks = new Peaks();
                awaitSampling("a large archive begun", peaks, agent, port, cluster, Duration.ofMinutes(1),
                        m -> m.get("azlhsm_begun_actions") >= 1);
                assertTrue(cluster.lfs("hsm_restore", small.toString()).ok());
                cluster.awaitFlags(small, AgentTestBed.ARCHIVED);
                for (Path file : large) {
                    assertEquals(0, cluster.flags(file) & 0x08, file + " was archived before the small restore ended");
                }
                AgentProcesses.stop(agent, log);
            } finally {
                agent.destroyForcibly();
            }
        }
    }

    /** The agent by its launcher, on a posix archive, with small chunks and the given extra keys. */
    private static Process startAgent(Cluster cluster, int port, Path log, String... keys) throws Exception {
        Path root = cluster.root();
        Path config = root.resolve("copytool.properties");
        List<String> lines = new ArrayList<>(List.of(
                "mount = " + cluster.mount(),
                "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                "metrics.listen = 127.0.0.1:" + port,
                "runtime_dir = " + root.resolve("agent-run"),
                "shutdown_grace = 5s",
                "pipeline.chunk_size = " + CHUNK,
                "pipeline.ring_size = " + RING,
                "pipeline.writers = " + WRITERS,
                "archive.1.type = posix",
                "archive.1.root = " + root.resolve("flood-archive")));
        lines.addAll(List.of(keys));
        Files.writeString(config, String.join("\n", lines) + "\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        Process agent = new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Cluster.await("agent registered and serving metrics", Duration.ofSeconds(60),
                    () -> !agent.isAlive() || cluster.getParam("agents").contains("uuid=") && scrapes(port));
            assertTrue(agent.isAlive(), AgentProcesses.read(log));
            return agent;
        } catch (RuntimeException | Error e) {
            agent.destroyForcibly();
            throw e;
        }
    }

    /** Every request recorded first, then all dispatched in one pass: the flood arrives at once. */
    private static void archiveAllAtOnce(Cluster cluster, List<Path> files) {
        cluster.setParam("hsm_control", "disabled");
        cluster.setParam("max_requests", Integer.toString(2 * files.size()));
        for (int from = 0; from < files.size(); from += AgentTestBed.LFS_FILES_PER_COMMAND) {
            List<String> args = new ArrayList<>(List.of("hsm_archive"));
            files.subList(from, Math.min(files.size(), from + AgentTestBed.LFS_FILES_PER_COMMAND))
                    .forEach(f -> args.add(f.toString()));
            assertTrue(cluster.lfs(args.toArray(String[]::new)).ok(), "lfs hsm_archive");
        }
        cluster.setParam("hsm_control", "enabled");
    }

    private static double archived(Map<String, Double> metrics) {
        return metrics.getOrDefault("azlhsm_files_total{action=\"archive\",outcome=\"ok\"}", 0.0);
    }

    /** Highest figures seen while the flood drains. */
    private static final class Peaks {
        long begun;
        long waiting;
        long rss;
        int descriptors;
        Map<String, Double> last = Map.of();
    }

    /** Samples the agent (metrics, RSS, descriptors on the mount) until the condition holds on a metrics sample. */
    private static void awaitSampling(String what, Peaks peaks, Process agent, int port, Cluster cluster,
                                      Duration timeout, java.util.function.Predicate<Map<String, Double>> done) {
        Cluster.await(what, timeout, () -> {
            try {
                Map<String, Double> m = scrape(port);
                peaks.last = m;
                peaks.begun = Math.max(peaks.begun, m.get("azlhsm_begun_actions").longValue());
                peaks.waiting = Math.max(peaks.waiting, m.get("azlhsm_queued_actions").longValue());
                peaks.rss = Math.max(peaks.rss, rss(agent.pid()));
                peaks.descriptors = Math.max(peaks.descriptors, descriptorsOnMount(agent.pid(), cluster.mount()));
                return done.test(m);
            } catch (Exception e) {
                throw new AssertionError("sampling the agent failed (alive: " + agent.isAlive() + ")", e);
            }
        }, () -> "last metrics: " + peaks.last);
    }

    private static List<Path> writeFiles(Path directory, int count) throws IOException {
        List<Path> files = new ArrayList<>();
        byte[] data = new byte[FILE_SIZE];
        for (int i = 0; i < count; i++) {
            Path file = directory.resolve("d" + (i / 500)).resolve("f" + i);
            if (i % 500 == 0) {
                Files.createDirectories(file.getParent());
            }
            data[0] = (byte) i;
            data[1] = (byte) (i >> 8);
            Files.write(file, data);
            files.add(file);
        }
        return files;
    }

    /** VmRSS of a process, in bytes. */
    private static long rss(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    /** Descriptors the process holds on files under the mount (a begun archive holds the library's and its dup). */
    private static int descriptorsOnMount(long pid, Path mount) throws IOException {
        int count = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).startsWith(mount)) {
                        count++;
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed between the listing and the read
                }
            }
        }
        return count;
    }

    private static boolean scrapes(int port) {
        try {
            return scrape(port).containsKey("azlhsm_begun_actions");
        } catch (Exception notYet) {
            return false;
        }
    }

    private static Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> samples = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return samples;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
