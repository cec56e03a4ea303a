package io.azlhsm.testcluster.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** A running hsmsim-posix-copytool process; its log goes to a file next to the cluster's logs. */
public final class Copytool implements AutoCloseable {
    private final Process process;
    private final Path log;

    Copytool(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM: the copytool unregisters and exits; requests it was running wait for their timeout. */
    public void stop() {
        process.destroy();
        awaitExit();
    }

    /** SIGKILL: the agent disappears without unregistering (its connection closes). */
    public void kill() {
        process.destroyForcibly();
        awaitExit();
    }

    /**
     * SIGSTOP, as sanity-hsm's copytool_suspend: the copytool stays registered and receives action lists, but does
     * nothing with them until {@link #resume()}; the coordinator's requests sent to it stay STARTED.
     */
    public void suspend() {
        signal("STOP");
    }

    /** SIGCONT, as sanity-hsm's copytool_continue. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(20, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling the copytool", e);
        }
    }

    private void awaitExit() {
        try {
            if (!process.waitFor(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }
}
