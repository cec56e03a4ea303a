package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.export.ExportListener;
import java.nio.file.Path;
import java.time.Instant;

/**
 * AMLFS's auto-export metrics as job counters. Overall: files and bytes exported, iterations completed, when the
 * last successful iteration ended. Current iteration ("so far"): files and bytes discovered and exported, files
 * failed. An iteration is a pass that found new or changed data to export; a pass that found nothing neither
 * counts nor resets the current iteration's figures, but does count as successful when nothing was pending.
 */
final class AutoExportMetrics implements ExportListener {
    static final String TOTAL_FILES = "total files exported";
    static final String TOTAL_BYTES = "total bytes exported";
    static final String ITERATIONS = "iterations completed";
    static final String LAST_SUCCESS = "last successful iteration (epoch s)";
    static final String FILES_DISCOVERED = "iteration files discovered";
    static final String BYTES_DISCOVERED = "iteration bytes discovered";
    static final String FILES_EXPORTED = "iteration files exported";
    static final String BYTES_EXPORTED = "iteration bytes exported";
    static final String FILES_FAILED = "iteration files failed";
    static final String MARKERS = "directory markers created";
    static final String SYMLINKS = "symlinks exported";
    static final String RECORDS = "changelog records read";
    static final String FULL_SCANS = "full scans";

    private final JobContext context;
    private boolean passFoundWork;
    private long passFailures;

    AutoExportMetrics(JobContext context) {
        this.context = context;
        for (String name : new String[] {TOTAL_FILES, TOTAL_BYTES, ITERATIONS, LAST_SUCCESS, FILES_DISCOVERED,
                BYTES_DISCOVERED, FILES_EXPORTED, BYTES_EXPORTED, FILES_FAILED, MARKERS, SYMLINKS, RECORDS,
                FULL_SCANS}) {
            context.counters().counter(name);
        }
    }

    void passStarted() {
        passFoundWork = false;
        passFailures = 0;
    }

    /** Ends a pass; returns true when it was an iteration (it found data to export). */
    boolean passEnded(Instant now) {
        if (passFoundWork) {
            context.counters().counter(ITERATIONS).increment();
        }
        if (passFailures == 0) {
            context.counters().set(LAST_SUCCESS, now.getEpochSecond());
        }
        return passFoundWork;
    }

    long passFailures() {
        return passFailures;
    }

    void recordsRead(long records) {
        context.counters().counter(RECORDS).add(records);
    }

    void fullScan() {
        context.counters().counter(FULL_SCANS).increment();
    }

    @Override
    public void discovered(Path file, long size) {
        if (!passFoundWork) {
            passFoundWork = true; // a new iteration: its figures start from zero
            for (String name : new String[] {FILES_DISCOVERED, BYTES_DISCOVERED, FILES_EXPORTED, BYTES_EXPORTED,
                    FILES_FAILED}) {
                context.counters().set(name, 0);
            }
        }
        context.counters().counter(FILES_DISCOVERED).increment();
        context.counters().counter(BYTES_DISCOVERED).add(size);
    }

    @Override
    public void exported(Path file, long size) {
        context.counters().counter(FILES_EXPORTED).increment();
        context.counters().counter(BYTES_EXPORTED).add(size);
        context.counters().counter(TOTAL_FILES).increment();
        context.counters().counter(TOTAL_BYTES).add(size);
        context.progress().advance(1, size);
    }

    @Override
    public void failed(Path path, String blob, String cause) {
        passFailures++;
        context.counters().counter(FILES_FAILED).increment();
        context.log().error(path.toString(), blob, cause);
    }

    @Override
    public void upToDate(Path file) {
    }

    @Override
    public void skipped(Path path, String reason) {
    }

    @Override
    public void symlinkExported(Path link) {
        context.counters().counter(SYMLINKS).increment();
    }

    @Override
    public void markerCreated(Path directory) {
        context.counters().counter(MARKERS).increment();
    }
}
