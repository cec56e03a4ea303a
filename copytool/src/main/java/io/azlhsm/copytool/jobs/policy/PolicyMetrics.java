package io.azlhsm.copytool.jobs.policy;

import io.azlhsm.copytool.jobs.JobContext;
import java.time.Instant;

/**
 * The policy engine's counters, per rule, in the job's record: the agent's metrics endpoint shows them as
 * {@code azlhsm_job_counter{kind="policy",counter="..."}} and {@code copytool jobs} lists them.
 */
final class PolicyMetrics {
    static final String PASSES = "passes";
    static final String LAST_PASS = "last pass (epoch s)";
    static final String TOTAL = "usage: total bytes";
    static final String USED = "usage: used bytes";
    static final String USED_PERMILLE = "usage: used per mille";
    static final String RELEASE_TRIGGERED = "release: passes above the high watermark";
    static final String RELEASE_LAST_RUN = "release: last run (epoch s)";
    static final String RELEASED = "release: files released";
    static final String BYTES_RELEASED = "release: bytes released";
    static final String NEVER = "release: files kept under a never path";
    static final String TOO_SMALL = "release: files kept below min_size";
    static final String RECENT = "release: files kept within min_age";
    static final String NOT_ARCHIVED = "release: files kept not archived or dirty";
    static final String UNVERIFIED = "release: files without a verified archive copy";
    static final String FAILED = "release: files failed";
    static final String RELOADS = "configuration reloads";
    static final String ARCHIVED = "archive: files archived";
    static final String BYTES_ARCHIVED = "archive: bytes archived";
    static final String WAITING = "archive: files waiting for their quiet time";
    static final String ARCHIVE_FAILED = "archive: files failed";
    static final String RECORDS = "archive: changelog records read";
    static final String SCANS = "archive: scans";
    static final String LAST_SCAN = "archive: last scan (epoch s)";

    private final JobContext context;

    PolicyMetrics(JobContext context) {
        this.context = context;
        for (String name : new String[] {PASSES, LAST_PASS, TOTAL, USED, USED_PERMILLE, RELOADS, RELEASE_TRIGGERED,
                RELEASE_LAST_RUN, RELEASED, BYTES_RELEASED, NEVER, TOO_SMALL, RECENT, NOT_ARCHIVED, UNVERIFIED,
                FAILED, ARCHIVED, BYTES_ARCHIVED, WAITING, ARCHIVE_FAILED, RECORDS, SCANS, LAST_SCAN}) {
            context.counters().counter(name); // shown from the start, at 0
        }
    }

    void passEnded(Instant now) {
        context.counters().counter(PASSES).increment();
        context.counters().set(LAST_PASS, now.getEpochSecond());
    }

    void reloaded() {
        context.counters().counter(RELOADS).increment();
    }

    void usage(SpaceUsage usage) {
        context.counters().set(TOTAL, usage.total());
        context.counters().set(USED, usage.used());
        context.counters().set(USED_PERMILLE, Math.round(usage.percentUsed() * 10));
    }

    void releaseTriggered(Instant now) {
        context.counters().counter(RELEASE_TRIGGERED).increment();
        context.counters().set(RELEASE_LAST_RUN, now.getEpochSecond());
    }

    void released(long bytes) {
        context.counters().counter(RELEASED).increment();
        context.counters().counter(BYTES_RELEASED).add(bytes);
    }

    void releaseNever() {
        context.counters().counter(NEVER).increment();
    }

    void releaseTooSmall() {
        context.counters().counter(TOO_SMALL).increment();
    }

    void releaseRecent() {
        context.counters().counter(RECENT).increment();
    }

    void releaseNotArchived() {
        context.counters().counter(NOT_ARCHIVED).increment();
    }

    void releaseUnverified() {
        context.counters().counter(UNVERIFIED).increment();
    }

    void releaseFailed() {
        context.counters().counter(FAILED).increment();
    }

    void archived(long bytes) {
        context.counters().counter(ARCHIVED).increment();
        context.counters().counter(BYTES_ARCHIVED).add(bytes);
    }

    void archiveFailed() {
        context.counters().counter(ARCHIVE_FAILED).increment();
    }

    void archiveWaiting(int files) {
        context.counters().set(WAITING, files);
    }

    void archiveRecordsRead(long records) {
        context.counters().counter(RECORDS).add(records);
    }

    void archiveScan(Instant now) {
        context.counters().counter(SCANS).increment();
        context.counters().set(LAST_SCAN, now.getEpochSecond());
    }
}
