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
