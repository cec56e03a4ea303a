package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.archive.RedactedCause;
import java.io.IOException;
import java.io.OutputStream;
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
 * event in a local file (under {@code <mount>/.azlhsm/logs/}); the runner copies what is new in it to the archive's
 * logging container. Lines are buffered up to {@value #FLUSH_AT} bytes, so the log's size never weighs on the heap.
 * Every message is passed through {@link RedactedCause#redact} so a cause quoting a SAS or key cannot leak it.
 *
 * <p>The file is shared state (a job resumed on another node appends to the same one), so lines are buffered here and
 * appended only after the job's {@link JobFence} check: a job that lost its lock drops its buffered and later lines to
 * the process log instead of writing them into the new holder's log.
 */
public final class JobLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JobLog.class.getName());

    private static final int FLUSH_AT = 8192;

    private final Path file;
    private final Clock clock;
    private final JobFence fence;
    private final OutputStream out;
    private final StringBuilder pending = new StringBuilder();
    private volatile boolean changed;
    /** Bytes of the file written whole (the crashed run's, then this run's): what a copy may take. */
    private volatile long length;

    JobLog(Path file, Clock clock, JobFence fence) throws IOException {
        this.file = file;
        this.clock = clock;
        this.fence = fence;
        this.out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.length = Files.size(file);
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

    /** Something the administrator must see that concerns many items at once (one line per job, not per item). */
    public void warning(String message) {
        write("WARNING", message);
    }

    /** A dry run's change that was not made ({@link RecordedChanges}). */
    void would(String change) {
        write("WOULD", change);
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
        pending.append(Instant.now(clock)).append(' ').append(level).append(' ').append(safe).append('\n');
        changed = true;
        if (pending.length() >= FLUSH_AT || fence.lost()) {
            flush();
        }
    }

    /** Appends the buffered lines, unless the job lost its lock (then they go to the process log). */
    synchronized void flush() {
        if (pending.length() == 0) {
            return;
        }
        String lines = pending.toString();
        pending.setLength(0);
        try {
            fence.check("lines of the job log " + file);
        } catch (RuntimeException refused) {
            LOG.log(Level.WARNING, "not written to " + file + " (" + refused.getMessage() + "): " + lines.strip());
            return;
        }
        try {
            byte[] bytes = lines.getBytes(StandardCharsets.UTF_8);
            out.write(bytes);
            out.flush();
            length += bytes.length;
        } catch (IOException e) {
            // The job goes on: its record and the terminal still tell what happens.
            LOG.log(Level.WARNING, "cannot write job log " + file + ": " + e.getMessage());
            try {
                length = Files.size(file); // whatever part of the lines did land is copied as it is
            } catch (IOException unreadable) {
                // the next successful write is counted from the old length; a copy then holds part of the log
            }
        }
    }

    /** True (once) when lines were added since the last call: the runner then copies the log again. */
    boolean takeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }

    /** The length of the file's complete lines, after appending the buffered ones: the extent of the next copy. */
    synchronized long flushedLength() {
        flush();
        return length;
    }

    @Override
    public synchronized void close() {
        flush();
        try {
            out.close();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot close job log " + file + ": " + e.getMessage());
        }
    }
}
