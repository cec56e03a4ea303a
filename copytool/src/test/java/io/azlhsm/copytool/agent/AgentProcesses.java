package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Agents run as processes by tests (the launcher, as systemd runs it): their log, and a stop as systemd stops them. */
public final class AgentProcesses {
    /**
     * How long a test lets a freshly launched agent take to register. Its start is CPU-bound (a JVM loading the Azure
     * SDK, the library and its config); on a 2-core machine running other suites beside it, that took more than a
     * minute (a loaded flake run: no registration within 60 s at load average 27). Every wait on it also ends at once
     * when the agent dies, so the bound matters only when a start is really stuck.
     */
    public static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    private AgentProcesses() {
    }

    /** SIGTERM, then the agent must exit 0 within a minute; a failure shows its log. */
    static void stop(Process agent, Path log) throws InterruptedException {
        agent.destroy();
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM: " + read(log));
        assertEquals(0, agent.exitValue(), read(log));
    }

    /** The log as far as it is written, or what kept it from being read: for failure messages. */
    static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(" + log + ": " + e + ")";
        }
    }
}
