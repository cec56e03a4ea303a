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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * SIGHUP on a running agent process started under nohup: a bandwidth limit lifted by a reload speeds up the transfer
 * already running, and a broken file is refused with its key and reason while the agent goes on serving with the old
 * configuration.
 */
class AgentReloadIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");
    private static final long MIB = 1 << 20;
    /**
     * At the 512 KiB/s limit the file takes ~48 s. The limiter never lets more than the rate plus one second's burst
     * through, so finishing the rest faster than that proves the lift reached the running transfer, however loaded the
     * machine (a loaded machine is only slower, and this is no speed target).
     */
    private static final long FILE_MIB = 24;
    private static final Pattern MOVED = Pattern.compile("ARCHIVE running \\((\\d+) bytes moved\\)");

    @Test
    void sighupAppliesANewBandwidthToARunningTransferAndRefusesABrokenFile() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            Path config = cluster.root().resolve("copytool.properties");
            String base = String.join("\n",
                    "mount = " + cluster.mount(),
                    "runtime_dir = " + cluster.root().resolve("agent-run"), // the agent's mount lock, not in the host's /run
                    "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                    "pipeline.chunk_size = 1MiB",
                    "pipeline.progress_interval = 1s",
                    "archive.1.type = posix",
                    "archive.1.root = " + cluster.root().resolve("archive"), "");
            write(config, base + "bandwidth.limit = 512KiB\n");
            Path log = cluster.root().resolve("agent.log");
            // Under nohup, as agents are often started by hand: the JVM inherits SIGHUP ignored and must take it back.
            Process agent = new ProcessBuilder("nohup", LAUNCHER.toString(), "agent", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                Cluster.await("agent registered", AgentProcesses.START_TIMEOUT,
                        () -> cluster.getParam("agents").contains("uuid=") || !agent.isAlive(), () -> read(log));
                assertTrue(agent.isAlive(), "agent exited at start:\n" + read(log));
                Path file = cluster.mount().resolve("throttled.bin");
                Files.write(file, new byte[(int) (FILE_MIB * MIB)]);
                assertTrue(cluster.lfs("hsm_archive", file.toString()).ok());

                Cluster.await("bytes moving", Duration.ofSeconds(60), () -> moved(cluster, file) > 0,
                        () -> "hsm_action: " + cluster.lfs("hsm_action", file.toString()).stdout()
                                + "hsm_state: " + cluster.lfs("hsm_state", file.toString()).stdout()
                                + "agent alive: " + agent.isAlive() + "\nagent log:\n" + read(log));
                long before = moved(cluster, file);
                Thread.sleep(3000);
                long throttled = moved(cluster, file) - before;
                assertTrue(throttled <= 4 * MIB, "limit of 512 KiB/s not applied: " + throttled + " bytes in 3 s");

                write(config, base + "bandwidth.limit = 0\n");
                signal(agent, "HUP");
                long lifted = System.nanoTime();
                Cluster.await("archived after the lift", Duration.ofSeconds(60),
                        () -> cluster.flags(file) == AgentTestBed.ARCHIVED,
                        () -> "hsm_action: " + cluster.lfs("hsm_action", file.toString()).stdout()
                                + "agent log:\n" + read(log));
                double seconds = (System.nanoTime() - lifted) / 1e9;
                long remaining = FILE_MIB * MIB - before - throttled;
                double secondsAtLimit = (remaining - 0.5 * MIB) / (0.5 * MIB); // less the limiter's one-second burst
                assertTrue(seconds < secondsAtLimit, "the lifted limit did not speed the running transfer up: "
                        + seconds + " s for the rest, the limit allows no less than " + secondsAtLimit + " s\n" + read(log));
                Cluster.await("reload logged", Duration.ofSeconds(10),
                        () -> read(log).contains("applied: bandwidth.limit"));

                write(config, base + "pipeline.ring_size = 3\n");
                signal(agent, "HUP");
                Cluster.await("broken file refused", Duration.ofSeconds(10), () -> read(log).matches(
                        "(?s).*SIGHUP: .*pipeline.ring_size: '3' must be a power of two.*the running configuration"
                                + " stays in force.*"));
                Path next = cluster.mount().resolve("after-broken-reload.bin");
                Files.write(next, new byte[(int) MIB]);
                assertTrue(cluster.lfs("hsm_archive", next.toString()).ok());
                cluster.awaitFlags(next, AgentTestBed.ARCHIVED);
                assertTrue(agent.isAlive());

                signal(agent, "TERM");
                assertTrue(agent.waitFor(30, TimeUnit.SECONDS));
                assertEquals(0, agent.exitValue(), read(log));
            } finally {
                agent.destroyForcibly();
            }
        }
    }

    private static long moved(Cluster cluster, Path file) {
        Matcher matcher = MOVED.matcher(cluster.lfs("hsm_action", file.toString()).stdout());
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    private static void write(Path config, String text) throws Exception {
        Files.writeString(config, text);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
    }

    private static void signal(Process process, String name) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor());
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "";
        }
    }
}
