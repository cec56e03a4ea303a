package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.jobs.JobContext;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Auto-import's counters, in the job record (so {@code copytool jobs} and every agent's metrics endpoint show them,
 * as {@code azlhsm_job_counter{kind="auto-import",...}}). AMLFS's, from the import ({@link ImportCounters}: blobs
 * walked and imported and their rates, files, directories and symlinks imported and preexisting, conflicts, errors),
 * counted over the job's life, the rates those of the last pass; and ours, per pass and in total: what the listing
 * found new, changed and deleted, the stubs removed and kept for deleted blobs, passes and full passes.
 */
final class AutoImportMetrics {
    static final String PASSES = "passes completed";
    static final String FULL_PASSES = "full passes";
    static final String LAST_PASS_ENDED = "last pass ended (epoch s)";
    static final String LAST_PASS_MILLIS = "last pass duration (ms)";
    static final String NEW = "blobs new";
    static final String CHANGED = "blobs changed";
    static final String DELETED = "blobs deleted";
    static final String STUBS_DELETED = "stubs deleted";
    static final String STUBS_KEPT = "stubs kept (blob deleted)";
    static final String RETRIED = "blobs retried";
    static final String PASS_WALKED = "pass blobs walked";
    static final String PASS_CHANGES = "pass changes";

    private final JobContext context;
    private Instant passStart;
    private long walkedBefore;
    private long importedBefore;
    private long changesBefore;

    AutoImportMetrics(JobContext context) {
        this.context = context;
        ImportCounters.create(context.counters());
        for (String name : List.of(PASSES, FULL_PASSES, LAST_PASS_ENDED, LAST_PASS_MILLIS, NEW, CHANGED, DELETED,
                STUBS_DELETED, STUBS_KEPT, RETRIED, PASS_WALKED, PASS_CHANGES)) {
            context.counters().counter(name);
        }
    }

    void passStarted(boolean full) {
        passStart = Instant.now();
        walkedBefore = get(ImportCounters.WALKED);
        importedBefore = get(ImportCounters.IMPORTED);
        changesBefore = changes();
        if (full) {
            context.counters().counter(FULL_PASSES).increment();
        }
    }

    /** New, changed and deleted blobs so far (the pass's changes are those counted since it started). */
    private long changes() {
        return get(NEW) + get(CHANGED) + get(DELETED);
    }

    void walked() {
        context.counters().counter(ImportCounters.WALKED).increment();
    }

    void found(String what) {
        context.counters().counter(what).increment();
    }

    /** The rates and the pass figures, while a pass runs (once a page) and at its end. */
    void update() {
        double seconds = Math.max(0.001, Duration.between(passStart, Instant.now()).toMillis() / 1000.0);
        long walked = get(ImportCounters.WALKED) - walkedBefore;
        context.counters().set(ImportCounters.WALKED_PER_SECOND, Math.round(walked / seconds));
        context.counters().set(ImportCounters.IMPORTED_PER_SECOND,
                Math.round((get(ImportCounters.IMPORTED) - importedBefore) / seconds));
        context.counters().set(PASS_WALKED, walked);
        context.counters().set(PASS_CHANGES, changes() - changesBefore);
    }

    /** Ends a pass that listed everything; returns its summary for the job log. */
    String passEnded(boolean full) {
        update();
        Instant now = Instant.now();
        long millis = Duration.between(passStart, now).toMillis();
        context.counters().counter(PASSES).increment();
        context.counters().set(LAST_PASS_ENDED, now.getEpochSecond());
        context.counters().set(LAST_PASS_MILLIS, millis);
        return (full ? "full" : "incremental") + " pass " + get(PASSES) + " ended in " + millis + " ms: "
                + get(PASS_WALKED) + " blobs walked, " + get(PASS_CHANGES) + " new, changed or deleted, "
                + (get(ImportCounters.IMPORTED) - importedBefore) + " imported (" + get(ImportCounters.WALKED_PER_SECOND)
                + " walked/s, " + get(ImportCounters.IMPORTED_PER_SECOND) + " imported/s); job totals "
                + context.counters().snapshot();
    }

    private long get(String name) {
        return context.counters().get(name);
    }
}
