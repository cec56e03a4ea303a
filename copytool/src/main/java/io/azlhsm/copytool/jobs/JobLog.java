package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.archive.RedactedCause;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A job's log: start, parameters, every error and conflict with path, blob and cause, final counters. One line per
 * event in a local file (under {@code <mount>/.azlhsm/logs/}); the runner copies it to the archive's logging container.
 * Every message is passed through {@link RedactedCause#redact} so a cause quoting a SAS or key cannot leak it.
 */
public final class JobLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobLog.class.getName());

    private final Path file;
    private final Clock clock;
    private final BufferedWriter writer;
    private volatile boolean changed;

    JobLog(Path file, Clock clock) throws IOException {
        this.file = file;
        this.clock = clock;
        this.writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    public Path file() {
        return file;
    }

    public void info(String message) {
        write("INFO", message);
    }

    /** An item that failed: {@code path} and {@code blob} name it (either may be null when unknown). */
    public void error(String path, String blob, String cause) {
        write("ERROR", "path=" + quote(path) + " blob=" + quote(blob) + " cause=" + cause);
    }

    /** An item left as it is for a reason the administrator must see (a file not released, a stale stub). */
    public void warning(String path, String blob, String cause) {
        write("WARNING", "path=" + quote(path) + " blob=" + quote(blob) + " cause=" + cause);
    }

    /** A path that already existed, and what the conflict mode did about it. */
    public void conflict(String path, String blob, String resolution) {
        write("CONFLICT", "path=" + quote(path) + " blob=" + quote(blob) + " resolution=" + resolution);
    }

    private static String quote(String value) {
        return value == null ? "-" : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private synchronized void write(String level, String message) {
        String safe = RedactedCause.redact(message).replace('\n', ' ').replace('\r', ' ');
        try {
            writer.write(Instant.now(clock) + " " + level + " " + safe);
            writer.newLine();
            changed = true;
        } catch (IOException e) {
            // The job goes on: its record and the terminal still tell what happens.
            LOG.log(Level.WARNING, "cannot write job log " + file + ": " + e.getMessage());
        }
    }

    synchronized void flush() {
        try {
            writer.flush();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot flush job log " + file + ": " + e.getMessage());
        }
    }

    /** True (once) when lines were added since the last call: the runner then copies the log again. */
    boolean takeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }

    byte[] contents() {
        flush();
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot close job log " + file + ": " + e.getMessage());
        }
    }
}
