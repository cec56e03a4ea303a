package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent under systemd's {@code Type=notify} (conf/copytool.service), with the socket systemd would bind: READY=1
 * once registered, RELOADING=1 then READY=1 around a SIGHUP, STOPPING=1 at SIGTERM, STATUS= with its counts, and
 * WATCHDOG=1 while WATCHDOG_USEC asks for it.
 */
class AgentSystemdNotifyIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void tellsSystemdWhenReadyReloadingStoppingAndAlive() throws Exception {
        Path socketDir = Files.createTempDirectory("azlhsm-notify"); // sun_path holds 108 bytes: a short path
        try (Cluster cluster = Cluster.start();
             NotifyReceiver systemd = new NotifyReceiver(socketDir.resolve("notify").toString())) {
            Path config = cluster.root().resolve("copytool.properties");
            Files.writeString(config, String.join("\n",
                    "mount = " + cluster.mount(),
                    "runtime_dir = " + cluster.root().resolve("agent-run"),
                    "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                    "archive.1.type = posix",
                    "archive.1.root = " + cluster.root().resolve("archive"), ""));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            Path log = cluster.root().resolve("agent.log");
            ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put("NOTIFY_SOCKET", systemd.address());
            builder.environment().put("WATCHDOG_USEC", "2000000"); // WatchdogSec=2s: WATCHDOG=1 every second
            Process agent = builder.start();
            try {
                Cluster.await("READY=1", AgentProcesses.START_TIMEOUT,
                        () -> systemd.indexOf("READY=1", 0) >= 0 || !agent.isAlive(),
                        () -> "received: " + systemd.messages() + "\n" + AgentProcesses.read(log));
                assertTrue(agent.isAlive(), AgentProcesses.read(log));
                // registration comes before READY=1, so the coordinator must know the agent by now
                assertTrue(cluster.getParam("agents").contains("uuid="), "READY=1 before registration: "
                        + cluster.getParam("agents"));
                String ready = systemd.messages().get(systemd.indexOf("READY=1", 0));
                assertTrue(ready.contains("STATUS=serving " + cluster.mount() + ": 0 actions running, 0 waiting"),
                        ready);

                int watchdog = systemd.await("WATCHDOG=1", 0, WAIT);
                assertTrue(systemd.messages().get(watchdog).contains("actions running"), systemd.messages().get(
                        watchdog));

                int before = systemd.messages().size();
                assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(agent.pid())).start().waitFor());
                int reloading = systemd.await("RELOADING=1", before, WAIT);
                assertTrue(systemd.messages().get(reloading).contains("MONOTONIC_USEC="),
                        systemd.messages().get(reloading));
                systemd.await("READY=1", reloading + 1, WAIT);

                Path file = cluster.mount().resolve("notified.bin");
                Files.write(file, new byte[4096]);
                assertTrue(cluster.lfs("hsm_archive", file.toString()).ok());
                cluster.awaitFlags(file, AgentTestBed.ARCHIVED);
                assertTrue(agent.isAlive(), "no WATCHDOG_USEC kill exists here; the agent must still run");

                before = systemd.messages().size();
                AgentProcesses.stop(agent, log);
                systemd.await("STOPPING=1", before, WAIT);
            } finally {
                agent.destroyForcibly();
                agent.waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            Files.deleteIfExists(socketDir.resolve("notify"));
            Files.deleteIfExists(socketDir);
        }
    }
}
