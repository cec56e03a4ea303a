package io.azlhsm.copytool.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.metrics.AgentMetrics.LabelledSample;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every running job and the last ended one of each kind, with its id and kind as labels, from the job records. */
class JobGaugesTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private static JobRecord record(String id, JobKind kind, JobState state, int startMinute, Map<String, Long> counters,
                                    boolean crashed) {
        Instant started = T0.plusSeconds(60L * startMinute);
        return new JobRecord(id, kind, state, Map.of(), counters, Map.of(), started,
                state.terminal() ? started.plusSeconds(30) : null, started, "mover1", 42, crashed, "");
    }

    @Test
    void runningJobsAndTheLastEndedOfEachKindAreShown(@TempDir Path mount) throws Exception {
        JobStore store = new JobStore(mount);
        store.open();
        store.write(record("imp-old", JobKind.IMPORT, JobState.COMPLETED, 1, Map.of("files", 10L), false));
        store.write(record("imp-new", JobKind.IMPORT, JobState.FAILED, 2, Map.of("files", 3L, "errors", 1L), false));
        store.write(record("imp-run", JobKind.IMPORT, JobState.IN_PROGRESS, 3, Map.of("files", 7L), false));
        store.write(record("exp-run", JobKind.EXPORT, JobState.IN_PROGRESS, 4, Map.of("files", 5L), false));
        store.write(record("exp-gone", JobKind.EXPORT, JobState.IN_PROGRESS, 0, Map.of("files", 1L), true));
        store.write(record("chk-1", JobKind.CHECK, JobState.COMPLETED_PARTIAL, 5, Map.of("lost", 2L), false));
        store.write(record("ae-1", JobKind.AUTO_EXPORT, JobState.CANCELED, 6, Map.of("files", 0L), false));
        JobGauges gauges = new JobGauges(store, Clock.fixed(T0.plusSeconds(3600), ZoneOffset.UTC));

        Set<String> info = gauges.info().stream().map(s -> s.labels().toString()).collect(Collectors.toSet());
        assertEquals(Set.of("{kind=import, job_id=imp-new, state=Failed}",
                "{kind=import, job_id=imp-run, state=InProgress}",
                "{kind=export, job_id=exp-run, state=InProgress}",
                "{kind=export, job_id=exp-gone, state=Crashed}",
                "{kind=check, job_id=chk-1, state=CompletedPartial}",
                "{kind=auto-export, job_id=ae-1, state=Canceled}"), info);

        List<LabelledSample> counters = gauges.counters();
        assertTrue(counters.contains(new LabelledSample(Map.of("kind", "import", "job_id", "imp-run", "counter",
                "files"), 7)), counters.toString());
        assertTrue(counters.contains(new LabelledSample(Map.of("kind", "import", "job_id", "imp-new", "counter",
                "errors"), 1)), counters.toString());
        assertTrue(counters.contains(new LabelledSample(Map.of("kind", "check", "job_id", "chk-1", "counter",
                "lost"), 2)), counters.toString());
        assertTrue(counters.stream().noneMatch(s -> s.labels().get("job_id").equals("imp-old")), counters.toString());
        assertEquals(List.of("kind", "job_id", "counter"), List.copyOf(counters.get(0).labels().keySet()));

        assertTrue(gauges.times(false).stream().noneMatch(s -> s.labels().get("job_id").equals("imp-run")),
                "a running job has no end");
        assertTrue(gauges.times(true).contains(new LabelledSample(Map.of("kind", "import", "job_id", "imp-run"),
                T0.plusSeconds(180).getEpochSecond())));
    }
}
