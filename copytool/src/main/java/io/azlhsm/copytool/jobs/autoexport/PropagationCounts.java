package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.jobs.JobContext;

/**
 * The job's counters and log lines for what {@code --propagate} did: per kind, the changes made; for all kinds,
 * those left alone (not this file's copy, nothing to change) and those that failed (tried again next pass).
 */
final class PropagationCounts {
    static final String RENAMED = "blobs renamed";
    static final String METADATA = "blob metadata updated";
    static final String DELETED = "blobs deleted";
    static final String LEFT = "propagations left alone";
    static final String FAILED = "propagations failed";

    private final JobContext context;

    PropagationCounts(JobContext context) {
        this.context = context;
        for (String name : new String[] {RENAMED, METADATA, DELETED, LEFT, FAILED}) {
            context.counters().counter(name);
        }
    }

    void done(Propagation kind, String path, String what) {
        context.counters().counter(switch (kind) {
            case RENAMES -> RENAMED;
            case METADATA -> METADATA;
            case DELETIONS -> DELETED;
        }).increment();
        context.log().info(kind.optionName() + ": " + path + ": " + what);
    }

    void left(Propagation kind, String path, String why) {
        context.counters().counter(LEFT).increment();
        context.log().info(kind.optionName() + ": " + path + ": left alone: " + why);
    }

    void failed(Propagation kind, String path, Exception cause) {
        context.counters().counter(FAILED).increment();
        context.log().warning(path, null, kind.optionName() + " failed (tried again next pass): " + cause);
    }
}
