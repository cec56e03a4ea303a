package io.azlhsm.copytool.jobs;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a job ended: its id, final state, counters and status message; for a dry run also what it would have done.
 */
public record JobOutcome(String jobId, JobState state, Map<String, Long> counters, String message,
                         Optional<DryRun> dryRun) {
    /**
     * What a dry run would have changed.
     *
     * @param log     its local log, which holds a WOULD line for every change
     * @param changes how many changes it would have made
     * @param first   the first of them
     */
    public record DryRun(Path log, long changes, List<String> first) {
        public DryRun {
            first = List.copyOf(first);
        }
    }

    public JobOutcome {
        counters = Map.copyOf(counters);
    }

    public JobOutcome(String jobId, JobState state, Map<String, Long> counters, String message) {
        this(jobId, state, counters, message, Optional.empty());
    }
}
