package io.azlhsm.copytool.jobs;

import java.util.List;

/** A job run to its end through {@link JobRunner}: its outcome and the ERROR lines of its log. */
public record JobRun(JobOutcome outcome, List<String> errors, List<String> log) {
    public JobState state() {
        return outcome.state();
    }

    public long counter(String name) {
        Long value = outcome.counters().get(name);
        if (value == null) {
            throw new AssertionError("no counter '" + name + "' in " + outcome.counters());
        }
        return value;
    }

    /** For assertion messages. */
    public String describe() {
        return outcome + " errors=" + errors;
    }
}
