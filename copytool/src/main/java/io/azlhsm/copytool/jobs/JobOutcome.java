package io.azlhsm.copytool.jobs;

import java.util.Map;

/** How a job ended: its id, final state, counters and status message. */
public record JobOutcome(String jobId, JobState state, Map<String, Long> counters, String message) {
    public JobOutcome {
        counters = Map.copyOf(counters);
    }
}
