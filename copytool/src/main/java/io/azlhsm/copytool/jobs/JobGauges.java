package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.metrics.AgentMetrics;
import io.azlhsm.copytool.metrics.AgentMetrics.LabelledSample;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The jobs of the agent's file system on its metrics endpoint: for each kind (import, export, auto-export, prefetch,
 * release, tier, check, policy), every job still running and the last one that ended, read from the job records in
 * {@code <mount>/.azlhsm/} (a job runs in its own process on any data mover, so every agent of the file system shows
 * it), at most once per {@link #REFRESH}:
 * <ul>
 *   <li>{@code azlhsm_job_counter{kind, job_id, counter}}: the job's counters as its record has them (files,
 *       bytes, errors...);</li>
 *   <li>{@code azlhsm_job_info{kind, job_id, state}} 1, and {@code azlhsm_job_start_seconds{kind, job_id}} and
 *       {@code azlhsm_job_end_seconds{kind, job_id}} (epoch seconds; no end while it runs).</li>
 * </ul>
 */
public final class JobGauges {
    static final Duration REFRESH = Duration.ofSeconds(10);

    private final JobStore store;
    private final Clock clock;
    private Instant readAt = Instant.EPOCH;
    private List<JobRecord> shown = List.of();

    JobGauges(JobStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Adds the job gauges to the agent's metrics. */
    public static void register(AgentMetrics metrics, Path mount) {
        JobGauges gauges = new JobGauges(new JobStore(mount), Clock.systemUTC());
        metrics.labelledGauge("job_counter", "Counters of each job running or last ended, by kind.",
                gauges::counters);
        metrics.labelledGauge("job_info", "1 for each job running or last ended, by kind, with its state.",
                gauges::info);
        metrics.labelledGauge("job_start_seconds", "When each job running or last ended started (epoch seconds).",
                () -> gauges.times(true));
        metrics.labelledGauge("job_end_seconds", "When each job last ended ended (epoch seconds).",
                () -> gauges.times(false));
    }

    synchronized List<LabelledSample> counters() {
        List<LabelledSample> samples = new ArrayList<>();
        for (JobRecord record : shown()) {
            record.counters().forEach((name, value) -> samples.add(new LabelledSample(
                    labels(record, "counter", name), value)));
        }
        return samples;
    }

    synchronized List<LabelledSample> info() {
        List<LabelledSample> samples = new ArrayList<>();
        for (JobRecord record : shown()) {
            String state = record.crashed() && !record.state().terminal() ? "Crashed" : record.state().display();
            samples.add(new LabelledSample(labels(record, "state", state), 1));
        }
        return samples;
    }

    synchronized List<LabelledSample> times(boolean start) {
        List<LabelledSample> samples = new ArrayList<>();
        for (JobRecord record : shown()) {
            Instant time = start ? record.started() : record.ended();
            if (time != null) {
                samples.add(new LabelledSample(labels(record, null, null), time.getEpochSecond()));
            }
        }
        return samples;
    }

    private static Map<String, String> labels(JobRecord record, String name, String value) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kind", record.kind().commandName());
        labels.put("job_id", record.id());
        if (name != null) {
            labels.put(name, value);
        }
        return labels;
    }

    /** Running jobs and the newest ended one of each kind; records are listed newest start first. */
    private List<JobRecord> shown() {
        Instant now = Instant.now(clock);
        if (Duration.between(readAt, now).compareTo(REFRESH) >= 0) {
            readAt = now;
            try {
                List<JobRecord> picked = new ArrayList<>();
                Set<JobKind> endedShown = EnumSet.noneOf(JobKind.class);
                for (JobRecord record : store.list()) {
                    if (!record.state().terminal() && !record.crashed()) {
                        picked.add(record);
                    } else if (endedShown.add(record.kind())) {
                        picked.add(record);
                    }
                }
                shown = List.copyOf(picked);
            } catch (IOException | RuntimeException e) {
                // keep the last values: a scrape must not fail because the job records are briefly unreadable
            }
        }
        return shown;
    }
}
