package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One agent per client mount of a node, with real agent processes. Lustre lets a second copytool register on a
 * mount, and then both run every action (the simulator does the same), so the agent refuses to start a second time
 * on one client mount, naming the process that serves it; a bind mount is the same client mount, another mount of the
 * file system is not; an agent killed with SIGKILL leaves nothing that blocks the next start; job commands take no
 * such lock.
 */
class AgentMountLockIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");
    private static final Duration START = Duration.ofSeconds(60);

    private final List<Process> started = new ArrayList<>();

    @Test
    void aSecondAgentOnOneClientMountIsRefusedNamingTheFirst() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            Path runtime = cluster.root().resolve("agent-run");
            Path config = config(cluster, cluster.mount(), runtime, 1);
            try {
                Process first = startAgent(config, cluster.root().resolve("first.log"));
                awaitRegistered(cluster, first, cluster.root().resolve("first.log"), 1);

                // another archive list, so that a registration would show in the agents listing if it happened
                Path secondLog = cluster.root().resolve("second.log");
                Process second = startAgent(config(cluster, cluster.mount(), runtime, 2), secondLog);
                assertTrue(second.waitFor(60, TimeUnit.SECONDS), "the second agent kept running: " + read(secondLog));
                String refusal = read(secondLog);
                assertEquals(1, second.exitValue(), refusal);
                assertTrue(refusal.contains(cluster.mount() + ": another copytool agent already serves this client"
                        + " mount on this node: PID " + first.pid() + " (configured for " + cluster.mount()), refusal);
                assertTrue(refusal.contains("ps -o pid,lstart,args -p " + first.pid()), refusal);
                assertFalse(refusal.contains("\tat "), "a clear refusal, not a stack trace: " + refusal);
                String agents = cluster.getParam("agents");
                assertTrue(agents.contains("archive_id=1 ") && !agents.contains("archive_id=2"), agents);

                Path file = cluster.mount().resolve("still-served.dat");
                Files.write(file, new byte[70_000]);
                assertTrue(cluster.lfs("hsm_archive", file.toString()).ok());
                cluster.awaitFlags(file, AgentTestBed.ARCHIVED);

                // a job command on the same mount takes no lock: it runs beside the agent
                Process release = new ProcessBuilder(LAUNCHER.toString(), "release", "--config", config.toString(),
                        "--path", "/").redirectErrorStream(true).start();
                String released = new String(release.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(release.waitFor(120, TimeUnit.SECONDS), released);
                assertEquals(0, release.exitValue(), released);
                assertEquals(AgentTestBed.RELEASED, cluster.flags(file), released);

                // the same file system mounted a second time is another client mount: its own agent starts
                Path otherMount = cluster.addMount("mnt-other");
                Path otherLog = cluster.root().resolve("other-mount.log");
                Process other = startAgent(config(cluster, otherMount, runtime, 3), otherLog);
                awaitRegistered(cluster, other, otherLog, 2);
                stop(other, otherLog);
            } finally {
                started.forEach(Process::destroyForcibly);
            }
        }
    }

    @Test
    void aBindMountIsTheSameClientMount() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            Path runtime = cluster.root().resolve("agent-run");
            Path bind = Files.createDirectories(cluster.root().resolve("bind"));
            Process mount = new ProcessBuilder("mount", "--bind", cluster.mount().toString(), bind.toString())
                    .redirectErrorStream(true).start();
            String mountOutput = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0,
                    "this host cannot bind-mount (" + mountOutput.strip() + ")");
            try {
                Path firstLog = cluster.root().resolve("first.log");
                Process first = startAgent(config(cluster, cluster.mount(), runtime, 1), firstLog);
                awaitRegistered(cluster, first, firstLog, 1);
                Path bindLog = cluster.root().resolve("bind.log");
                Process onBind = startAgent(config(cluster, bind, runtime, 1), bindLog);
                assertTrue(onBind.waitFor(60, TimeUnit.SECONDS), "an agent on the bind mount kept running: "
                        + read(bindLog));
                assertTrue(read(bindLog).contains(bind + ": another copytool agent already serves this client mount"
                        + " on this node: PID " + first.pid()), read(bindLog));
            } finally {
                started.forEach(Process::destroyForcibly);
                new ProcessBuilder("umount", "-l", bind.toString()).start().waitFor();
            }
        }
    }

    @Test
    void anAgentKilledWithSigkillDoesNotBlockTheNextStart() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            Path runtime = cluster.root().resolve("agent-run");
            Path config = config(cluster, cluster.mount(), runtime, 1);
            try {
                Path killedLog = cluster.root().resolve("killed.log");
                Process killed = startAgent(config, killedLog);
                awaitRegistered(cluster, killed, killedLog, 1);
                killed.destroyForcibly(); // SIGKILL: no unregister, no cleanup of any kind
                assertTrue(killed.waitFor(30, TimeUnit.SECONDS), "SIGKILL did not end the agent");
                assertEquals(137, killed.exitValue());
                try (var files = Files.list(runtime)) {
                    assertEquals(1, files.count(), "the lock file stays, unlocked");
                }

                Path nextLog = cluster.root().resolve("next.log");
                Process next = startAgent(config, nextLog);
                Cluster.await("the next agent registered", START,
                        () -> read(nextLog).contains("registered on ") || !next.isAlive(), () -> read(nextLog));
                assertTrue(next.isAlive(), read(nextLog));
                Path file = cluster.mount().resolve("after-crash.dat");
                Files.write(file, new byte[50_000]);
                assertTrue(cluster.lfs("hsm_archive", file.toString()).ok());
                cluster.awaitFlags(file, AgentTestBed.ARCHIVED);
                assertTrue(read(runtime.resolve(Files.list(runtime).findFirst().orElseThrow().getFileName()))
                        .contains("pid=" + next.pid() + "\n"), "the lock file names its holder");
                stop(next, nextLog);
                assertEquals("", cluster.getParam("agents").trim(), "the next agent is still registered");
            } finally {
                started.forEach(Process::destroyForcibly);
            }
        }
    }

    private Path config(Cluster cluster, Path mount, Path runtime, int archiveId) throws IOException {
        Path file = cluster.root().resolve("agent-" + mount.getFileName() + "-" + archiveId + ".properties");
        Files.writeString(file, String.join("\n",
                "mount = " + mount,
                "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                "runtime_dir = " + runtime,
                "shutdown_grace = 5s",
                "pipeline.chunk_size = 1MiB",
                "pipeline.ring_size = 16",
                "archive." + archiveId + ".type = posix",
                "archive." + archiveId + ".root = " + cluster.root().resolve("archive-" + archiveId), ""));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private Process startAgent(Path config, Path log) throws IOException {
        Process agent = new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(agent);
        return agent;
    }

    private static void awaitRegistered(Cluster cluster, Process agent, Path log, long agents) {
        Cluster.await("agent " + agent.pid() + " registered", START,
                () -> (read(log).contains("registered on ") && cluster.agentCount() == agents) || !agent.isAlive(),
                () -> read(log) + "\nagents: " + cluster.getParam("agents"));
        assertTrue(agent.isAlive(), read(log));
    }

    private static void stop(Process agent, Path log) throws Exception {
        AgentProcesses.stop(agent, log);
    }

    private static String read(Path file) {
        return AgentProcesses.read(file);
    }
}
