package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A SIGHUP in the seconds after start-up (systemctl reload right after start, on a loaded node) must not end the
 * agent: every handler is in before it registers, and the launcher starts the JVM with SIGHUP ignored until then.
 */
class AgentStartupSignalIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");
    private static final long SIGHUP_BIT = 1L; // bit (signal number - 1) of /proc/PID/status SigIgn and SigCgt

    @Test
    void sighupDuringStartUpIsHonouredOnceRegisteredAndKillsNothing() throws Exception {
        try (Cluster cluster = Cluster.start()) {
            Path config = cluster.root().resolve("copytool.properties");
            Files.writeString(config, String.join("\n",
                    "mount = " + cluster.mount(),
                    "runtime_dir = " + cluster.root().resolve("agent-run"),
                    "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                    "archive.1.type = posix",
                    "archive.1.root = " + cluster.root().resolve("archive"), ""));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            Path log = cluster.root().resolve("agent.log");
            Process agent = new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                // As early as a HUP can mean anything: once the launcher has become the JVM (before that it is the
                // shell script) and the JVM has a disposition for SIGHUP (its own exit-129 handler on the old code,
                // ignored or the agent's handler now). Then HUP again and again until the agent says it got one,
                // because a HUP that came while SIGHUP was still ignored is dropped.
                Cluster.await("the launcher to exec the JVM", AgentProcesses.START_TIMEOUT,
                        () -> isJava(agent) || !agent.isAlive(), () -> AgentProcesses.read(log));
                Cluster.await("the JVM to take or ignore SIGHUP", AgentProcesses.START_TIMEOUT,
                        () -> (hupBits(agent) & SIGHUP_BIT) != 0 || !agent.isAlive(), () -> AgentProcesses.read(log));
                boolean sentBeforeRegistration = !cluster.getParam("agents").contains("uuid=");
                Cluster.await("the agent to log a SIGHUP", AgentProcesses.START_TIMEOUT, () -> {
                    if (!agent.isAlive()) {
                        return true;
                    }
                    signal(agent, "HUP");
                    return AgentProcesses.read(log).contains("SIGHUP");
                }, () -> AgentProcesses.read(log));
                assertTrue(agent.isAlive(), "a SIGHUP during start-up ended the agent (exit "
                        + exitValue(agent) + "):\n" + AgentProcesses.read(log));
                assertTrue(sentBeforeRegistration, "the test's premise: the first HUP went before registration");

                Cluster.await("agent registered", AgentProcesses.START_TIMEOUT,
                        () -> cluster.getParam("agents").contains("uuid=") || !agent.isAlive(),
                        () -> AgentProcesses.read(log));
                assertTrue(agent.isAlive(), AgentProcesses.read(log));
                Cluster.await("the start-up HUP carried out as a reload", Duration.ofSeconds(60),
                        () -> AgentProcesses.read(log).contains(config + " reloaded; applied: nothing changed"),
                        () -> AgentProcesses.read(log));
                assertTrue(AgentProcesses.read(log).contains("SIGHUP during start-up"),
                        "the HUP reached the agent only after it registered:\n" + AgentProcesses.read(log));

                Path file = cluster.mount().resolve("after-hup.bin");
                Files.write(file, new byte[4096]);
                assertTrue(cluster.lfs("hsm_archive", file.toString()).ok());
                cluster.awaitFlags(file, AgentTestBed.ARCHIVED);
                AgentProcesses.stop(agent, log);
            } finally {
                agent.destroyForcibly();
                agent.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean isJava(Process process) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "exe")).getFileName()
                    .toString().equals("java");
        } catch (IOException e) {
            return false; // gone, or between exec's
        }
    }

    /** SigIgn | SigCgt of /proc/PID/status: the signals the process ignores or catches. */
    private static long hupBits(Process process) {
        try {
            long bits = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("SigIgn:") || line.startsWith("SigCgt:")) {
                    bits |= Long.parseUnsignedLong(line.substring(7).strip(), 16);
                }
            }
            return bits;
        } catch (IOException e) {
            return 0;
        }
    }

    private static void signal(Process process, String name) {
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String exitValue(Process process) {
        return process.isAlive() ? "none" : Integer.toString(process.exitValue());
    }
}
