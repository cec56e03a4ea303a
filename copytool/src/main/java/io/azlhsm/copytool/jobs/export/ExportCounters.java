package io.azlhsm.copytool.jobs.export;

import io.azlhsm.copytool.jobs.JobContext;
import java.nio.file.Path;

/** An export job's counters and log: one line per failure, naming path, blob and cause. */
final class ExportCounters implements ExportListener {
    static final String SCANNED = "files scanned";
    static final String UP_TO_DATE = "files up to date";
    static final String DISCOVERED = "files to export";
    static final String BYTES_DISCOVERED = "bytes to export";
    static final String EXPORTED = "files exported";
    static final String BYTES_EXPORTED = "bytes exported";
    static final String FAILED = "files failed";
    static final String SKIPPED = "files skipped";
    static final String MARKERS = "directory markers created";
    static final String SYMLINKS = "symlinks exported";

    private final JobContext context;

    ExportCounters(JobContext context) {
        this.context = context;
        // registered up front so that every run shows every counter, in this order
        for (String name : new String[] {SCANNED, UP_TO_DATE, DISCOVERED, BYTES_DISCOVERED, EXPORTED,
                BYTES_EXPORTED, FAILED, SKIPPED, MARKERS, SYMLINKS}) {
            context.counters().counter(name);
        }
    }

    long get(String name) {
        return context.counters().counter(name).sum();
    }

    void scanned() {
        context.counters().counter(SCANNED).increment();
    }

    @Override
    public void discovered(Path file, long size) {
        context.counters().counter(DISCOVERED).increment();
        context.counters().counter(BYTES_DISCOVERED).add(size);
    }

    @Override
    public void exported(Path file, long size) {
        context.counters().counter(EXPORTED).increment();
        context.counters().counter(BYTES_EXPORTED).add(size);
        context.progress().advance(1, size);
    }

    @Override
    public void failed(Path path, String blob, String cause) {
        context.counters().counter(FAILED).increment();
        context.log().error(path.toString(), blob, cause);
        context.progress().advance(1, 0);
    }

    @Override
    public void upToDate(Path file) {
        context.counters().counter(UP_TO_DATE).increment();
    }

    @Override
    public void skipped(Path path, String reason) {
        context.counters().counter(SKIPPED).increment();
        context.log().info("skipped " + path + ": " + reason);
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
