package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.jobs.JobKind;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.metrics.AgentMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The last finished {@code copytool check} of the agent's file system as gauges of the agent's metrics endpoint:
 * {@code azlhsm_last_check_<class>} (items per class, e.g. {@code azlhsm_last_check_lost}),
 * {@code azlhsm_last_check_errors}, {@code azlhsm_last_check_end_seconds} (epoch seconds; 0 before any) and
 * {@code azlhsm_last_check_duration_seconds}. Read from the job records in {@code <mount>/.azlhsm/} (a check runs as
 * a job on any data mover, so every agent of the file system shows it), at most once per {@link #REFRESH}.
 */
public final class LastCheckGauges {
    static final Duration REFRESH = Duration.ofSeconds(30);

    private final JobStore store;
    private final Clock clock;
    private Instant readAt = Instant.EPOCH;
    private Optional<JobRecord> last = Optional.empty();

    LastCheckGauges(JobStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Adds the gauges to the agent's metrics. */
    public static void register(AgentMetrics metrics, Path mount) {
        LastCheckGauges gauges = new LastCheckGauges(new JobStore(mount), Clock.systemUTC());
        for (CheckClass c : CheckClass.values()) {
            metrics.gauge(name(c.label()), () -> gauges.counter(c.label()));
        }
        metrics.gauge(name(CheckJob.ERRORS), () -> gauges.counter(CheckJob.ERRORS));
        metrics.gauge("last_check_end_seconds", gauges::endSeconds);
        metrics.gauge("last_check_duration_seconds", gauges::durationSeconds);
    }

    static String name(String counter) {
        return "last_check_" + counter.replace('-', '_').replace(' ', '_').toLowerCase(Locale.ROOT);
    }

    /** The last finished check's counter of that name; 0 when there is none. */
    synchronized long counter(String name) {
        Map<String, Long> counters = last().map(JobRecord::counters).orElse(Map.of());
        return counters.getOrDefault(name, 0L);
    }

    synchronized long endSeconds() {
        return last().map(r -> r.ended().getEpochSecond()).orElse(0L);
    }

    synchronized long durationSeconds() {
        return last().map(r -> Duration.between(r.started(), r.ended()).toSeconds()).orElse(0L);
    }

    private Optional<JobRecord> last() {
        Instant now = Instant.now(clock);
        if (Duration.between(readAt, now).compareTo(REFRESH) >= 0) {
            readAt = now;
            try {
                last = store.list().stream()
                        .filter(r -> r.kind() == JobKind.CHECK && r.ended() != null
                                && (r.state() == JobState.COMPLETED || r.state() == JobState.COMPLETED_PARTIAL))
                        .findFirst();
            } catch (IOException | RuntimeException e) {
                // keep the last values: a scrape must not fail because the job records are briefly unreadable
            }
        }
        return last;
    }
}
