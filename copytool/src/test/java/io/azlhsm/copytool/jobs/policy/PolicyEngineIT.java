package io.azlhsm.copytool.jobs.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.config.PolicySettings;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobBusyException;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.release.ReleaseJob;
import io.azlhsm.copytool.jobs.release.ReleaseOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The policy engine against the simulated cluster (its changelog, and a configured capacity, which its statfs
 * reports), a running agent and Azurite. Each release test sets the capacity from the space used at its start, so
 * that the rule must release exactly the two least recently accessed of its candidates to reach the low watermark.
 * The archive test drives the engine's clock, so that a quiet time passes without waiting for it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PolicyEngineIT {
    private static final Duration SHORT = Duration.ofSeconds(30);
    private static final Duration LONG = Duration.ofSeconds(120);
    /** 64 blocks of 4 KiB: what a file occupies is its size. */
    private static final int SIZE = 262_144;
    private static final int LOW = 50;

    private FlowTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("policy", "");
    }

    @AfterEach
    void noCapacity() {
        bed.cluster.clearCapacity();
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    /**
     * The files of one test under {@code dir}, by name; atimes days apart. Candidates a (oldest) to d; older than all
     * of them: {@code keep/n} (under a never path), {@code x} (never archived), {@code y} (archived, then changed:
     * dirty).
     */
    private Map<String, Path> files(String dir) throws Exception {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String name : List.of("keep/n", "x", "y", "a", "b", "c", "d")) {
            files.put(name, bed.agent.write(dir + "/" + name, SIZE));
        }
        List<Path> archived = new ArrayList<>(files.values());
        archived.remove(files.get("x"));
        bed.agent.archive(archived.toArray(Path[]::new));
        for (Path p : archived) {
            bed.agent.awaitFlags(p, AgentTestBed.ARCHIVED, SHORT);
        }
        Files.write(files.get("y"), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        Instant now = Instant.now();
        int daysAgo = 20;
        for (Path p : files.values()) {
            Files.setAttribute(p, "lastAccessTime", FileTime.from(now.minus(Duration.ofDays(daysAgo--))));
        }
        return files;
    }

    /**
     * Sets the capacity so that the low watermark lies 1.5 files below the space used now: bringing the usage down
     * to it takes releasing two files, and one would not do. Returns the high watermark to use: just under the
     * usage now, so the rule starts.
     */
    private int capacityForTwoReleases() throws Exception {
        bed.cluster.setCapacity(1L << 40); // without a capacity, statfs reports the backing file system's figures
        long used = SpaceUsage.of(bed.cluster.mount()).used();
        long capacity = (used - SIZE * 3L / 2) * 100 / LOW / 4096 * 4096;
        bed.cluster.setCapacity(capacity);
        SpaceUsage usage = SpaceUsage.of(bed.cluster.mount());
        assertEquals(capacity, usage.total(), "the simulated capacity, as statfs reports it");
        int high = (int) Math.floor(usage.percentUsed()) - 1;
        assertTrue(high > LOW, () -> "the usage " + usage + " leaves no room for a high watermark above " + LOW);
        return high;
    }

    private static PolicySettings rule(String dir, int high) {
        return new PolicySettings(Duration.ofMillis(200), Optional.of(new PolicySettings.ReleaseRule(high, LOW,
                List.of(dir), List.of(dir + "/keep"), Duration.ofDays(1), 4096)));
    }

    private CompletableFuture<JobRun> startJob(JobRunner runner, PolicySource source) {
        return startJob(runner, source, Clock.systemUTC());
    }

    private CompletableFuture<JobRun> startJob(JobRunner runner, PolicySource source, Clock clock) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return bed.run(runner, new PolicyJob(source, clock));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** The running job's counter as its record shows it; -1 while no record reads as running. */
    private static long counter(JobRunner runner, String name) throws Exception {
        for (JobRecord record : runner.store().list()) {
            if (record.state() == JobState.IN_PROGRESS) {
                return record.counters().getOrDefault(name, 0L);
            }
        }
        return -1;
    }

    private void awaitCounter(JobRunner runner, String name, long atLeast, CompletableFuture<JobRun> job)
            throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        long seen = counter(runner, name);
        while (seen < atLeast) {
            if (job.isDone()) {
                throw new AssertionError("the job ended while waiting for '" + name + "' >= " + atLeast + ": "
                        + job.get().describe() + "\n" + String.join("\n", job.get().log()));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + name + "' still " + seen + " after " + LONG + ", wanted >= " + atLeast);
            }
            Thread.sleep(50);
            seen = counter(runner, name);
        }
    }

    /** Waits for a line of the running engine's job log that contains {@code text}. */
    private void awaitLog(JobRunner runner, String text, CompletableFuture<JobRun> job) throws Exception {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (true) {
            for (JobRecord record : runner.store().list()) {
                Path log = runner.store().logFile(record.id());
                if (record.state() == JobState.IN_PROGRESS && Files.exists(log)
                        && Files.readString(log).contains(text)) {
                    return;
                }
            }
            if (job.isDone() || System.nanoTime() > deadline) {
                throw new AssertionError("no log line with '" + text + "'"
                        + (job.isDone() ? ": " + String.join("\n", job.get().log()) : " after " + LONG));
            }
            Thread.sleep(50);
        }
    }

    private int flags(Path p) {
        return bed.cluster.flags(p);
    }

    @Test
    void aCrossedHighWatermarkIsBroughtDownToTheLowOneLeastRecentlyAccessedFirstAfterAReload() throws Exception {
        Map<String, Path> files = files("lru");
        int high = capacityForTwoReleases();
        // first the rule with an unreachable high watermark, from the configuration file
        Path config = writeConfig(rule("lru", 100));
        PolicySource source = new PolicySource(config, rule("lru", 100));
        JobRunner runner = bed.runner();
        CompletableFuture<JobRun> job = startJob(runner, source);
        JobRun run;
        try {
            awaitCounter(runner, PolicyMetrics.PASSES, 2, job);
            assertEquals(0, counter(runner, PolicyMetrics.RELEASE_TRIGGERED), "below the high watermark");
            for (Path p : files.values()) {
                assertTrue((flags(p) & 0x4) == 0, () -> p + " released below the high watermark");
            }
            // The engine holds the job lock on its rules' paths only: a job beside them runs, one inside is refused.
            Files.createDirectories(bed.cluster.mount().resolve("beside-lru"));
            JobRun beside = bed.run(new ReleaseJob(new ReleaseOptions("beside-lru", Duration.ZERO, 1_000)));
            assertEquals(JobState.COMPLETED, beside.state(), beside::describe);
            JobBusyException refused = assertThrows(JobBusyException.class,
                    () -> bed.run(new ReleaseJob(new ReleaseOptions("lru/keep", Duration.ZERO, 1_000))));
            assertTrue(refused.getMessage().contains("another job is running on /lru: ")
                    && refused.getMessage().contains("(policy, InProgress"), refused.getMessage());
            // so a reload whose rules reach beyond those paths is refused, and the rules in force stay
            writeConfig(config, rule("beside-lru", high));
            source.requestReload();
            awaitLog(runner, "beyond /lru, where the engine holds the job lock", job);
            assertEquals(0, counter(runner, PolicyMetrics.RELOADS));
            // SIGHUP: the file now has the watermark the usage is above
            writeConfig(config, rule("lru", high));
            source.requestReload();
            awaitCounter(runner, PolicyMetrics.RELOADS, 1, job);
            awaitCounter(runner, PolicyMetrics.RELEASE_TRIGGERED, 1, job);
            long passes = counter(runner, PolicyMetrics.PASSES);
            awaitCounter(runner, PolicyMetrics.PASSES, passes + 2, job); // and one pass after: nothing more to do
        } finally {
            bed.cancel(runner);
        }
        run = job.get(60, TimeUnit.SECONDS);
        assertEquals(JobState.CANCELED, run.state(), run::describe);
        String seen = describe(files);
        assertEquals(AgentTestBed.RELEASED, flags(files.get("a")), seen);
        assertEquals(AgentTestBed.RELEASED, flags(files.get("b")), seen);
        assertEquals(AgentTestBed.ARCHIVED, flags(files.get("c")), seen);
        assertEquals(AgentTestBed.ARCHIVED, flags(files.get("d")), seen);
        assertEquals(AgentTestBed.ARCHIVED, flags(files.get("keep/n")), "never path: " + seen);
        assertEquals(0, flags(files.get("x")) & 0xc, "not archived: " + seen);
        assertEquals(0xb, flags(files.get("y")), "dirty: " + seen);
        assertEquals(2, run.counter(PolicyMetrics.RELEASED), run::describe);
        assertEquals(2L * SIZE, run.counter(PolicyMetrics.BYTES_RELEASED), run::describe);
        assertEquals(1, run.counter(PolicyMetrics.RELEASE_TRIGGERED), run::describe);
        assertTrue(run.counter(PolicyMetrics.NEVER) >= 1, run::describe);
        assertTrue(run.counter(PolicyMetrics.NOT_ARCHIVED) >= 2, run::describe);
        SpaceUsage after = SpaceUsage.of(bed.cluster.mount());
        assertTrue(after.percentUsed() <= LOW, () -> "after the release: " + after);
        assertTrue(run.log().stream().anyMatch(l -> l.contains("reloaded " + config)), run::describe);
    }

    @Test
    void aDryRunListsWhatItWouldReleaseAndChangesNothing() throws Exception {
        Map<String, Path> files = files("dry");
        int high = capacityForTwoReleases();
        JobRun run = bed.dryRun(new PolicyJob(new PolicySource(null, rule("dry", high)), Clock.systemUTC()));
        assertEquals(JobState.COMPLETED, run.state(), run::describe);
        assertEquals(2, run.counter(PolicyMetrics.RELEASED), run::describe);
        List<String> would = run.log().stream().filter(l -> l.contains(" WOULD release ")).toList();
        assertEquals(2, would.size(), () -> String.join("\n", run.log()));
        assertTrue(would.get(0).contains("release " + files.get("a")), would::toString);
        assertTrue(would.get(1).contains("release " + files.get("b")), would::toString);
        for (String name : List.of("keep/n", "a", "b", "c", "d")) {
            assertEquals(AgentTestBed.ARCHIVED, flags(files.get(name)), name + " changed by a dry run");
        }
    }

    /**
     * A candidate whose blob was deleted behind the archive's back is not safely archived: kept, and the next
     * oldest released instead, so the low watermark is still reached.
     */
    @Test
    void aFileWithoutItsBlobIsKeptAndTheNextOldestReleasedInstead() throws Exception {
        Map<String, Path> files = files("unverified");
        bed.container.getBlobClient("unverified/a").delete();
        int high = capacityForTwoReleases();
        JobRunner runner = bed.runner();
        CompletableFuture<JobRun> job = startJob(runner, new PolicySource(null, rule("unverified", high)));
        try {
            awaitCounter(runner, PolicyMetrics.RELEASE_TRIGGERED, 1, job);
            awaitCounter(runner, PolicyMetrics.PASSES, counter(runner, PolicyMetrics.PASSES) + 1, job);
        } finally {
            bed.cancel(runner);
        }
        JobRun run = job.get(60, TimeUnit.SECONDS);
        String seen = describe(files);
        assertEquals(AgentTestBed.ARCHIVED, flags(files.get("a")), seen);
        assertEquals(AgentTestBed.RELEASED, flags(files.get("b")), seen);
        assertEquals(AgentTestBed.RELEASED, flags(files.get("c")), seen);
        assertEquals(AgentTestBed.ARCHIVED, flags(files.get("d")), seen);
        assertTrue(run.counter(PolicyMetrics.UNVERIFIED) >= 1, run::describe);
        assertTrue(run.log().stream().anyMatch(l -> l.contains("WARNING path=\"" + files.get("a") + "\"")
                && l.contains("blob missing")), () -> String.join("\n", run.log()));
    }

    /** A clock the test moves; the engine reads it for "now". */
    private static final class TestClock extends Clock {
        private volatile Instant now = Instant.now();

        void set(Instant instant) {
            now = instant;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /**
     * A file is archived once it was left alone for policy.archive.after, not before; one written after its archive
     * (dirty) and one created while the engine runs (seen in the changelog, the walk being a day away) are archived
     * again after the same quiet time; names and the path bound what is archived.
     */
    @Test
    void filesAreArchivedAfterTheirQuietTimeAndNotBeforeAndAgainWhenDirty() throws Exception {
        String user = bed.cluster.registerChangelogUser(bed.cluster.mdt());
        Path quiet = bed.agent.write("arch/quiet.dat", 10_000);
        Path dirty = bed.agent.write("arch/dirty.dat", 20_000);
        Path otherName = bed.agent.write("arch/other.txt", 30_000);
        Path outside = bed.agent.write("elsewhere/outside.dat", 40_000);
        bed.agent.archive(dirty);
        bed.agent.awaitFlags(dirty, AgentTestBed.ARCHIVED, SHORT);
        Files.write(dirty, new byte[] {7}, java.nio.file.StandardOpenOption.APPEND);
        assertEquals(0xb, flags(dirty));
        Duration after = Duration.ofMinutes(30);
        PolicySettings rules = new PolicySettings(Duration.ofMillis(200), Optional.empty(), Optional.of(
                new PolicySettings.ArchiveRule(after, List.of("arch"), List.of("*.dat"), 0, 0, 0, List.of(user),
                        Duration.ofHours(24))));
        TestClock clock = new TestClock();
        clock.set(Instant.now()); // the files changed just now: none is quiet
        JobRunner runner = bed.runner();
        CompletableFuture<JobRun> job = startJob(runner, new PolicySource(null, rules), clock);
        JobRun run;
        try {
            awaitCounter(runner, PolicyMetrics.PASSES, 2, job); // the walk, then a pass from the changelog
            assertEquals(0, counter(runner, PolicyMetrics.ARCHIVED), "archived before its quiet time");
            assertEquals(2, counter(runner, PolicyMetrics.WAITING), "quiet.dat and dirty.dat wait");
            assertEquals(0, flags(quiet) & 0x8, "quiet.dat archived before its quiet time");
            assertEquals(0xb, flags(dirty), "dirty.dat archived before its quiet time");

            clock.set(Instant.now().plus(after).plusSeconds(60));
            awaitCounter(runner, PolicyMetrics.ARCHIVED, 2, job);
            assertEquals(AgentTestBed.ARCHIVED, flags(quiet));
            assertEquals(AgentTestBed.ARCHIVED, flags(dirty));
            assertEquals(20_001, bed.container.getBlobClient("arch/dirty.dat").getProperties().getBlobSize());

            // while it runs: quiet.dat written again, created.dat new; only the changelog tells (the walk is a
            // day away by the engine's clock)
            clock.set(Instant.now());
            Files.write(quiet, new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
            Path created = bed.agent.write("arch/created.dat", 5_000);
            long passes = counter(runner, PolicyMetrics.PASSES);
            awaitCounter(runner, PolicyMetrics.PASSES, passes + 2, job);
            assertEquals(2, counter(runner, PolicyMetrics.WAITING), "quiet.dat and created.dat wait");
            assertEquals(0xb, flags(quiet), "quiet.dat archived again before its quiet time");
            assertEquals(0, flags(created) & 0x8, "created.dat archived before its quiet time");

            clock.set(Instant.now().plus(after).plusSeconds(60));
            awaitCounter(runner, PolicyMetrics.ARCHIVED, 4, job);
            assertEquals(AgentTestBed.ARCHIVED, flags(quiet));
            assertEquals(AgentTestBed.ARCHIVED, flags(created));
            assertEquals(10_003, bed.container.getBlobClient("arch/quiet.dat").getProperties().getBlobSize());
        } finally {
            bed.cancel(runner);
        }
        run = job.get(60, TimeUnit.SECONDS);
        assertEquals(JobState.CANCELED, run.state(), run::describe);
        assertEquals(4, run.counter(PolicyMetrics.ARCHIVED), run::describe);
        assertEquals(1, run.counter(PolicyMetrics.SCANS), run::describe);
        assertTrue(run.counter(PolicyMetrics.RECORDS) > 0, run::describe);
        assertEquals(0, flags(otherName) & 0x8, "a name the rule does not match was archived");
        assertEquals(0, flags(outside) & 0x8, "a file outside the rule's path was archived");
        // the records consumed are cleared, and the administrator's user stays
        assertTrue(bed.cluster.lfs("changelog_clear", bed.cluster.mdt(), user, "0").ok(),
                "changelog user " + user + " was removed");
    }

    private String describe(Map<String, Path> files) {
        StringBuilder text = new StringBuilder("flags:");
        files.forEach((name, p) -> text.append(' ').append(name).append("=0x")
                .append(Integer.toHexString(flags(p))));
        return text.toString();
    }

    private Path writeConfig(PolicySettings rules) throws Exception {
        Path file = Files.createTempFile("policy", ".properties",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        writeConfig(file, rules);
        return file;
    }

    /** The flow test bed's configuration, with the rules as policy.* keys. */
    private void writeConfig(Path file, PolicySettings rules) throws Exception {
        PolicySettings.ReleaseRule rule = rules.release().orElseThrow();
        String text = """
                mount = %s
                lustre.library = %s
                archive.1.type = azure
                archive.1.container = policy
                archive.1.connection_string = %s
                policy.interval = %dms
                policy.release.high_watermark = %d%%
                policy.release.low_watermark = %d
                policy.release.paths = %s
                policy.release.never = %s
                policy.release.min_age = 24h
                policy.release.min_size = 4KiB
                """.formatted(bed.config.mount(), bed.config.lustreLibrary(), bed.proxy.connectionString(),
                rules.interval().toMillis(), rule.highWatermark(), rule.lowWatermark(), String.join(",", rule.paths()),
                String.join(",", rule.never()));
        Path next = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(next, text);
        Files.setPosixFilePermissions(next, PosixFilePermissions.fromString("rw-------"));
        Files.move(next, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
