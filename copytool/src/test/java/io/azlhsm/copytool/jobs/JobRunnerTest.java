package io.azlhsm.copytool.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.config.CopytoolConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The framework on a plain directory standing in for the mount: lock, records, cancel, resume, log copy. */
@Timeout(30)
class JobRunnerTest {
    @TempDir
    Path mount;
    private CopytoolConfig config;
    private final Map<String, byte[]> sunk = new ConcurrentHashMap<>();
    private final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeEach
    void configure() throws Exception {
        Properties p = new Properties();
        p.setProperty("mount", mount.toString());
        p.setProperty("archive.1.type", "posix");
        p.setProperty("archive.1.root", mount.resolveSibling(mount.getFileName() + "-archive").toString());
        config = CopytoolConfig.fromProperties(p, "test");
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    private JobRunner runner(Duration staleAfter) {
        JobRunner.Settings settings = JobRunner.Settings.quiet().withStaleAfter(staleAfter);
        return new JobRunner(config, settings, () -> null, (archive, chunk) -> Optional.of(new LogSink() {
            @Override
            public void copy(String name, Path file, long length, long generation) throws Exception {
                byte[] whole = Files.readAllBytes(file);
                sunk.put(name, java.util.Arrays.copyOf(whole, (int) length));
            }

            @Override
            public String describe() {
                return "memory";
            }

            @Override
            public void close() {
            }
        }), Clock.systemUTC());
    }

    private JobRunner runner() {
        return runner(Duration.ofMinutes(2));
    }

    /** A job that counts, logs one error and one conflict, and returns what it is told. */
    private record CountingJob(Map<String, String> parameters, JobState result) implements Job {
        @Override
        public JobKind kind() {
            return JobKind.IMPORT;
        }

        @Override
        public JobState run(JobContext context) {
            context.counters().counter("walked").add(3);
            context.counters().set("rate", 7);
            context.progress().advance(3, 3 << 20);
            context.log().error("a/b", "blob/a/b", "EIO");
            context.log().conflict("c", "blob/c", "skipped");
            return result;
        }
    }

    /** A job that makes three changes through its context's door, each creating a file. */
    private record ChangingJob(Path where) implements Job {
        @Override
        public JobKind kind() {
            return JobKind.RELEASE;
        }

        @Override
        public Map<String, String> parameters() {
            return Map.of("path", where.toString());
        }

        @Override
        public JobState run(JobContext context) throws Exception {
            for (String name : List.of("a", "b", "c")) {
                Path file = where.resolve(name);
                context.changes().apply("create", file.toString(), null, () -> Files.createFile(file));
                context.counters().counter("created").increment();
            }
            return JobState.COMPLETED;
        }
    }

    @Test
    void theEndOfAJobLetsALogCopyUnderWayFinishInsteadOfInterruptingIt() throws Exception {
        CountDownLatch beatCopying = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicReference<String> interrupted = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger copies = new java.util.concurrent.atomic.AtomicInteger();
        Thread jobThread = Thread.currentThread();
        LogSink slowSink = new LogSink() {
            @Override
            public void copy(String name, Path file, long length, long generation) throws Exception {
                copies.incrementAndGet();
                if (Thread.currentThread() != jobThread && beatCopying.getCount() > 0) {
                    beatCopying.countDown();
                    try {
                        Thread.sleep(500); // an Append Block on its way while the job ends
                    } catch (InterruptedException e) {
                        interrupted.set("the heartbeat's log copy was interrupted at the end of the job");
                        throw e;
                    }
                }
                sunk.put(name, java.util.Arrays.copyOf(Files.readAllBytes(file), (int) length));
            }

            @Override
            public String describe() {
                return "slow memory";
            }

            @Override
            public void close() {
            }
        };
        JobRunner runner = new JobRunner(config, JobRunner.Settings.quiet().withLogCopyInterval(Duration.ZERO),
                () -> null, (archive, chunk) -> Optional.of(slowSink), Clock.systemUTC());
        Job job = new Job() {
            @Override
            public JobKind kind() {
                return JobKind.EXPORT;
            }

            @Override
            public Map<String, String> parameters() {
                return Map.of("path", "/");
            }

            @Override
            public JobState run(JobContext context) throws Exception {
                context.log().info("a line for the heartbeat to copy");
                assertTrue(beatCopying.await(20, TimeUnit.SECONDS), "no heartbeat copied the log");
                return JobState.COMPLETED;
            }
        };

        JobOutcome outcome = runner.run(job);

        assertEquals(JobState.COMPLETED, outcome.state());
        assertEquals(null, interrupted.get());
        assertTrue(copies.get() >= 2, "the heartbeat's copy and the last one: " + copies.get());
        String copied = new String(sunk.get(outcome.jobId() + ".log"), StandardCharsets.UTF_8);
        assertTrue(copied.contains("ended Completed"), "the last copy holds the whole log: " + copied);
    }

    @Test
    void aDryRunMakesNoChangeTakesNoLockWritesNoRecordOrLogCopyAndListsWhatItWouldDo() throws Exception {
        Path where = Files.createDirectory(mount.resolve("tree"));
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        JobRunner runner = new JobRunner(config, JobRunner.Settings.quiet().withTerminal(
                new PrintStream(terminal, true, StandardCharsets.UTF_8)), () -> null, (archive, chunk) -> {
                    throw new AssertionError("a dry run copies no log");
                }, Clock.systemUTC());

        JobOutcome outcome = runner.dryRun(new ChangingJob(where), 2);

        assertEquals(JobState.COMPLETED, outcome.state());
        assertEquals(3L, outcome.counters().get("created"));
        try (var left = Files.list(where)) {
            assertEquals(0, left.count(), "a dry run created files");
        }
        assertFalse(Files.exists(mount.resolve(".azlhsm")), "a dry run writes no job state under the mount");
        JobOutcome.DryRun dry = outcome.dryRun().orElseThrow();
        assertEquals(3, dry.changes());
        assertEquals(List.of("create " + where.resolve("a"), "create " + where.resolve("b")), dry.first());
        String log = Files.readString(dry.log());
        assertTrue(log.contains(" WOULD create " + where.resolve("c")), log);
        String summary = terminal.toString(StandardCharsets.UTF_8);
        assertTrue(summary.contains("DRY RUN (nothing changed) " + outcome.jobId() + " Completed"), summary);
        assertTrue(summary.contains("would make 3 changes, the first 2:\n    would create " + where.resolve("a")),
                summary);
        Files.delete(dry.log());

        // the real run makes them, with the same counters
        JobOutcome real = runner().run(new ChangingJob(where));
        assertEquals(outcome.counters(), real.counters());
        assertTrue(Files.exists(where.resolve("c")));
    }

    @Test
    void aDryRunRunsWhileAnotherJobHoldsTheLock() throws Exception {
        Path where = Files.createDirectory(mount.resolve("tree"));
        BlockingJob blocking = new BlockingJob(Map.of("path", "/"));
        Future<JobOutcome> running = background.submit(() -> runner().run(blocking));
        assertTrue(blocking.running.await(20, TimeUnit.SECONDS));
        try {
            JobOutcome dry = runner().dryRun(new ChangingJob(where), 10);
            assertEquals(JobState.COMPLETED, dry.state());
            assertTrue(Files.readString(dry.dryRun().orElseThrow().log()).contains("holds the job lock"));
        } finally {
            blocking.release.countDown();
        }
        assertEquals(JobState.COMPLETED, running.get(20, TimeUnit.SECONDS).state());
    }

    /** A job that blocks until released, checking for cancel. */
    private static final class BlockingJob implements Job {
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Map<String, String> parameters;

        BlockingJob(Map<String, String> parameters) {
            this.parameters = parameters;
        }

        @Override
        public JobKind kind() {
            return JobKind.IMPORT;
        }

        @Override
        public Map<String, String> parameters() {
            return parameters;
        }

        @Override
        public JobState run(JobContext context) throws Exception {
            context.counters().counter("walked").increment();
            context.checkpoint().put("position", "page-2");
            running.countDown();
            while (!release.await(20, TimeUnit.MILLISECONDS)) {
                context.checkCancelled();
            }
            return JobState.COMPLETED;
        }
    }

    @Test
    void aJobLeavesItsRecordLogAndCountersAndReleasesTheLock() throws Exception {
        JobOutcome outcome = runner().run(new CountingJob(Map.of("archive", "1"), JobState.COMPLETED_PARTIAL));

        assertEquals(JobState.COMPLETED_PARTIAL, outcome.state());
        assertTrue(outcome.jobId().matches("import-\\d{8}-\\d{6}-[0-9a-f]{4}"), outcome.jobId());
        JobStore store = new JobStore(mount);
        JobRecord record = store.read(outcome.jobId()).orElseThrow();
        assertEquals(JobState.COMPLETED_PARTIAL, record.state());
        assertEquals(List.of("walked", "rate"), List.copyOf(record.counters().keySet()));
        assertEquals(3L, record.counters().get("walked"));
        assertEquals(Map.of("archive", "1"), record.parameters());
        assertTrue(record.ended() != null && !record.ended().isBefore(record.started()));
        assertFalse(Files.exists(store.directory().resolve("lock")), "lock released");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.directory())));

        String log = Files.readString(store.logFile(outcome.jobId()));
        assertTrue(log.contains("parameters: {archive=1}"), log);
        assertTrue(log.contains("ERROR path=\"a/b\" blob=\"blob/a/b\" cause=EIO"), log);
        assertTrue(log.contains("CONFLICT path=\"c\" blob=\"blob/c\" resolution=skipped"), log);
        assertTrue(log.contains("ended CompletedPartial"), log);
        assertEquals(log, new String(sunk.get(outcome.jobId() + ".log"), StandardCharsets.UTF_8));
    }

    @Test
    void aSecondJobIsRefusedNamingTheRunningOne() throws Exception {
        BlockingJob first = new BlockingJob(Map.of());
        Future<JobOutcome> running = background.submit(() -> runner().run(first));
        assertTrue(first.running.await(10, TimeUnit.SECONDS));
        String firstId = new JobStore(mount).lockHolder().orElseThrow().jobId();

        JobBusyException refused = assertThrows(JobBusyException.class,
                () -> runner().run(new CountingJob(Map.of(), JobState.COMPLETED)));
        assertEquals(firstId, refused.runningJob());
        assertTrue(refused.getMessage().contains(firstId) && refused.getMessage().contains("InProgress"),
                refused.getMessage());

        first.release.countDown();
        assertEquals(JobState.COMPLETED, running.get(10, TimeUnit.SECONDS).state());
        assertEquals(1, new JobStore(mount).list().size(), "the refused job left no record");
    }

    @Test
    void cancelStopsTheJobAndTheRecordSaysCanceled() throws Exception {
        BlockingJob job = new BlockingJob(Map.of());
        Future<JobOutcome> running = background.submit(() -> runner().run(job));
        assertTrue(job.running.await(10, TimeUnit.SECONDS));
        JobStore store = new JobStore(mount);
        String id = store.lockHolder().orElseThrow().jobId();
        assertEquals(JobState.IN_PROGRESS, awaitRecord(store, id).state());

        JobCanceller.Result result = new JobCanceller(store, Duration.ofMinutes(2), Clock.systemUTC())
                .cancel(Optional.empty(), Duration.ofSeconds(10));

        assertTrue(result.ok(), result.message());
        assertEquals("job " + id + " ended Canceled", result.message());
        assertEquals(JobState.CANCELED, running.get(10, TimeUnit.SECONDS).state());
        assertEquals(JobState.CANCELED, store.read(id).orElseThrow().state());
        assertFalse(new JobCanceller(store, Duration.ofMinutes(2), Clock.systemUTC())
                .cancel(Optional.empty(), Duration.ZERO).ok(), "nothing left to cancel");
    }

    @Test
    void aJobWhoseLockAnotherNodeTookWritesNothingMoreAndStopsItself() throws Exception {
        BlockingJob job = new BlockingJob(Map.of());
        Future<JobOutcome> running = background.submit(() -> runner().run(job));
        assertTrue(job.running.await(10, TimeUnit.SECONDS));
        JobStore store = new JobStore(mount);
        LockHolder mine = store.lockHolder().orElseThrow();
        String id = mine.jobId();
        JobRecord before = awaitRecord(store, id);
        assertEquals(mine.generation(), before.generation(), before.toString());
        assertTrue(mine.generation() >= 1 && store.lastGeneration() == mine.generation(), mine.toString());

        // What another node's recovery and resume does (JobLock.recover, then acquire): the stale taking's staging is
        // evicted, its lock replaced by one of the next generation naming the same job, and the record rewritten.
        store.evictStagingOf(mine);
        Files.delete(store.claimFile(mine));
        LockHolder taker = new LockHolder(id, "other-node", 4242, mine.generation() + 1, Instant.now(), mine.scope(),
                (mine.generation() + 1) + "-0123456789abcdef");
        Files.writeString(store.claimFile(taker), taker.encode());
        JobRecord takers = new JobRecord(id, JobKind.IMPORT, JobState.IN_PROGRESS, Map.of(), Map.of("walked", 99L),
                Map.of("position", "the taker's"), before.started(), null, Instant.now(), "other-node", 4242, false,
                "", taker.generation());
        store.write(takers);
        String logBefore = Files.readString(store.logFile(id));

        JobOutcome outcome = running.get(10, TimeUnit.SECONDS);
        assertEquals(JobState.FAILED, outcome.state());
        assertTrue(outcome.message().contains("job " + id + " lost its lock (generation " + mine.generation())
                && outcome.message().contains("now held by job " + id + " on host other-node pid 4242 (lock generation "
                + taker.generation() + ")"), outcome.message());
        assertEquals(takers, store.read(id).orElseThrow(), "the taker's record is untouched");
        assertEquals(taker, store.lockHolder().orElseThrow().withWritten(taker.written()), "the taker's lock stays");
        assertEquals(logBefore, Files.readString(store.logFile(id)), "nothing appended to the taker's log");
        assertFalse(new String(sunk.getOrDefault(id + ".log", new byte[0]), StandardCharsets.UTF_8)
                .contains("ended"), "no final log copy");
    }

    private static JobRecord awaitRecord(JobStore store, String id) throws Exception {
        for (int i = 0; i < 100; i++) {
            Optional<JobRecord> record = store.read(id);
            if (record.isPresent()) {
                return record.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no record for " + id);
    }

    /** Leaves a claim on the whole file system and an InProgress record as a job that died would. */
    private String crashedJob(String host, long pid, Instant heartbeat, Map<String, String> parameters)
            throws Exception {
        JobStore store = new JobStore(mount);
        store.open();
        String id = "import-20260101-000000-dead";
        store.write(new JobRecord(id, JobKind.IMPORT, JobState.IN_PROGRESS, parameters, Map.of("walked", 41L),
                Map.of("position", "page-7"), Instant.parse("2026-01-01T00:00:00Z"), null, heartbeat, host, pid,
                false, "", 3));
        LockHolder claim = new LockHolder(id, host, pid, 3, heartbeat, new LockScope(List.of(""), Set.of(), false),
                "3-00000000000000d1");
        Files.writeString(store.claimFile(claim), claim.encode());
        Files.setLastModifiedTime(store.claimFile(claim), java.nio.file.attribute.FileTime.from(heartbeat));
        return id;
    }

    /** The same, with the single lock file of the versions before per-path locking. */
    private String crashedJobOfAnEarlierVersion(String host, long pid, Instant heartbeat) throws Exception {
        JobStore store = new JobStore(mount);
        store.open();
        String id = "export-20260101-000000-0ld0";
        store.write(new JobRecord(id, JobKind.EXPORT, JobState.IN_PROGRESS, Map.of(), Map.of(), Map.of(),
                Instant.parse("2026-01-01T00:00:00Z"), null, heartbeat, host, pid, false, "", 2));
        Files.writeString(store.legacyLockFile(), "job=" + id + "\nhost=" + host + "\npid=" + pid
                + "\ngeneration=2\n");
        Files.setLastModifiedTime(store.legacyLockFile(), java.nio.file.attribute.FileTime.from(heartbeat));
        return id;
    }

    private static long deadPid() throws Exception {
        Process process = new ProcessBuilder("true").start();
        process.waitFor();
        return process.pid();
    }

    @Test
    void aCrashedJobOnThisHostIsRecoveredAndResumedWithItsCheckpointAndCounters() throws Exception {
        String crashed = crashedJob(JobLock.thisHost(), deadPid(), Instant.now(), Map.of("archive", "1"));
        Map<String, String> seen = new ConcurrentHashMap<>();
        Job resume = new Job() {
            @Override
            public JobKind kind() {
                return JobKind.IMPORT;
            }

            @Override
            public Map<String, String> parameters() {
                return Map.of("archive", "1");
            }

            @Override
            public JobState run(JobContext context) {
                seen.put("resumed", Boolean.toString(context.resumed()));
                seen.put("position", context.checkpoint().get("position").orElse("none"));
                try {
                    seen.put("lock", new JobStore(mount).lockHolder().map(LockHolder::jobId).orElse("none"));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                context.counters().counter("walked").increment();
                return JobState.COMPLETED;
            }
        };

        JobOutcome outcome = runner().run(resume);

        assertEquals(crashed, outcome.jobId(), "same job id");
        assertEquals(Map.of("resumed", "true", "position", "page-7", "lock", crashed), seen);
        assertEquals(42L, outcome.counters().get("walked"));
        JobRecord record = new JobStore(mount).read(crashed).orElseThrow();
        assertEquals(JobState.COMPLETED, record.state());
        assertEquals(Instant.parse("2026-01-01T00:00:00Z"), record.started());
    }

    @Test
    void aCrashedJobWithOtherParametersIsRecoveredButNotResumed() throws Exception {
        String crashed = crashedJob(JobLock.thisHost(), deadPid(), Instant.now(), Map.of("archive", "2"));

        JobOutcome outcome = runner().run(new CountingJob(Map.of("archive", "1"), JobState.COMPLETED));

        assertNotEquals(crashed, outcome.jobId());
        JobRecord old = new JobStore(mount).read(crashed).orElseThrow();
        assertEquals(JobState.FAILED, old.state());
        assertTrue(old.crashed() && old.message().startsWith("crashed (process "), old.message());
    }

    @Test
    void anotherHostsLockIsStaleOnlyWhenItsHeartbeatIsOld() throws Exception {
        String otherHost = "other-data-mover";
        crashedJob(otherHost, 4242, Instant.now(), Map.of());
        JobBusyException refused = assertThrows(JobBusyException.class,
                () -> runner(Duration.ofSeconds(30)).run(new CountingJob(Map.of(), JobState.COMPLETED)));
        assertTrue(refused.getMessage().contains("on " + otherHost + " pid 4242"), refused.getMessage());

        String crashed = crashedJob(otherHost, 4242, Instant.now().minusSeconds(120), Map.of());
        JobOutcome outcome = runner(Duration.ofSeconds(30)).run(new CountingJob(Map.of("archive", "1"),
                JobState.COMPLETED));
        assertEquals(JobState.COMPLETED, outcome.state());
        assertTrue(new JobStore(mount).read(crashed).orElseThrow().message().contains("no heartbeat from "
                + otherHost));
    }

    @Test
    void cancelOfACrashedJobStopsItFromBeingResumed() throws Exception {
        String crashed = crashedJob(JobLock.thisHost(), deadPid(), Instant.now(), Map.of());
        JobStore store = new JobStore(mount);

        JobCanceller.Result result = new JobCanceller(store, Duration.ofMinutes(2), Clock.systemUTC())
                .cancel(Optional.empty(), Duration.ZERO);

        assertTrue(result.ok(), result.message());
        assertEquals(JobState.CANCELED, store.read(crashed).orElseThrow().state());
        assertEquals(List.of(), store.lockHolders(), "its claim was recovered");
        assertNotEquals(crashed, runner().run(new CountingJob(Map.of(), JobState.COMPLETED)).jobId());
    }

    @Test
    void aFailingJobEndsFailedWithItsCause() throws Exception {
        Job failing = new Job() {
            @Override
            public JobKind kind() {
                return JobKind.EXPORT;
            }

            @Override
            public Map<String, String> parameters() {
                return Map.of();
            }

            @Override
            public JobState run(JobContext context) throws Exception {
                throw new java.io.IOException("disk on fire");
            }
        };
        ByteArrayOutputStream terminal = new ByteArrayOutputStream();
        JobRunner runner = new JobRunner(config, JobRunner.Settings.quiet().withTerminal(
                new PrintStream(terminal, true, StandardCharsets.UTF_8)), () -> null,
                (archive, chunk) -> Optional.empty(), Clock.systemUTC());
        JobOutcome outcome = runner.run(failing);
        assertEquals(JobState.FAILED, outcome.state());
        assertEquals("disk on fire", outcome.message());
        String summary = terminal.toString(StandardCharsets.UTF_8);
        assertTrue(summary.contains(outcome.jobId() + " Failed: disk on fire"), summary);
    }

    @Test
    void recordsSurviveEncoding() {
        JobRecord record = new JobRecord("export-1", JobKind.AUTO_EXPORT, JobState.CANCELING,
                Map.of("path", "a=b c"), new java.util.LinkedHashMap<>(Map.of("z", 1L)), Map.of("k", "v\nw"),
                Instant.parse("2026-11-22T03:00:00Z"), null, Instant.parse("2026-11-22T03:00:01Z"), "h", 12, true,
                "msg");
        assertEquals(record, JobRecord.decode(record.encode()));
    }

    @Test
    void progressLineShowsRatesAndEta() {
        JobProgress progress = new JobProgress();
        progress.setTotal(100, 200L << 20);
        progress.advance(50, 100L << 20);
        assertEquals("50/100 files, 100.0/200.0 MiB, 5.0 files/s, 10.0 MiB/s, ETA 0:00:10, elapsed 0:00:10",
                ProgressLine.render(progress, Duration.ofSeconds(10)));
    }

    /** A job on given paths that holds until released: what runs beside it is proven to run at the same time. */
    private static final class PathJob implements Job {
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        private final JobKind kind;
        private final List<String> paths;
        private final Set<String> users;

        PathJob(JobKind kind, String... paths) {
            this(kind, Set.of(), paths);
        }

        PathJob(JobKind kind, Set<String> changelogUsers, String... paths) {
            this.kind = kind;
            this.paths = List.of(paths);
            this.users = changelogUsers;
        }

        @Override
        public Set<String> changelogUsers() {
            return users;
        }

        @Override
        public JobKind kind() {
            return kind;
        }

        @Override
        public Map<String, String> parameters() {
            return Map.of("paths", String.join(",", paths));
        }

        @Override
        public List<String> paths() {
            return paths;
        }

        @Override
        public JobState run(JobContext context) throws Exception {
            running.countDown();
            while (!release.await(20, TimeUnit.MILLISECONDS)) {
                context.checkCancelled();
            }
            return JobState.COMPLETED;
        }
    }

    /** Starts the job in the background and returns once it runs (its record written: it counts as running). */
    private Future<JobOutcome> started(PathJob job, boolean exclusive) throws Exception {
        Future<JobOutcome> outcome = background.submit(() -> runner().run(job, exclusive));
        while (!job.running.await(50, TimeUnit.MILLISECONDS)) {
            if (outcome.isDone()) {
                outcome.get(); // its refusal or failure, as the test's
                throw new AssertionError("the job ended without running");
            }
        }
        awaitRecord(new JobStore(mount), runningId(job));
        return outcome;
    }

    private String runningId(PathJob job) throws Exception {
        String paths = String.join(",", job.paths);
        for (int i = 0; i < 200; i++) {
            for (JobRecord record : new JobStore(mount).list()) {
                if (record.kind() == job.kind && paths.equals(record.parameters().get("paths"))
                        && !record.state().terminal()) {
                    return record.id();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no running " + job.kind + " on " + paths);
    }

    @Test
    void jobsOnPathsThatDoNotOverlapRunSideBySide() throws Exception {
        PathJob export = new PathJob(JobKind.EXPORT, "/a");
        Future<JobOutcome> exporting = started(export, false);
        // while the export of /a holds (it waits to be released), an import into /b and a release of /ab start
        PathJob importing = new PathJob(JobKind.IMPORT, "/b");
        Future<JobOutcome> imported = started(importing, false);
        PathJob releasing = new PathJob(JobKind.RELEASE, mount.resolve("ab").toString());
        Future<JobOutcome> released = started(releasing, false);

        JobStore store = new JobStore(mount);
        List<LockHolder> holders = store.lockHolders();
        assertEquals(List.of(List.of("a"), List.of("b"), List.of("ab")),
                holders.stream().map(h -> h.scope().paths()).toList(), holders.toString());
        assertEquals(3, holders.stream().map(LockHolder::generation).distinct().count(), "a generation each");
        assertEquals(JobState.IN_PROGRESS, store.read(runningId(export)).orElseThrow().state());

        importing.release.countDown();
        releasing.release.countDown();
        assertEquals(JobState.COMPLETED, imported.get(10, TimeUnit.SECONDS).state());
        assertEquals(JobState.COMPLETED, released.get(10, TimeUnit.SECONDS).state());
        // The export's end (its record through its staging directory) comes after the others took their claims: a
        // taker beside a running job leaves that job's staging alone.
        export.release.countDown();
        JobOutcome exported = exporting.get(10, TimeUnit.SECONDS);
        assertEquals(JobState.COMPLETED, exported.state(), exported.message());
        assertEquals(JobState.COMPLETED, store.read(exported.jobId()).orElseThrow().state());
        assertEquals(List.of(), store.lockHolders(), "every claim released");
    }

    @Test
    void aJobOnAnOverlappingPathIsRefusedNamingTheRunningJob() throws Exception {
        Files.createDirectories(mount.resolve("data/a"));
        Files.createSymbolicLink(mount.resolve("link"), mount.resolve("data"));
        PathJob export = new PathJob(JobKind.EXPORT, "/data/a");
        Future<JobOutcome> exporting = started(export, false);
        JobStore store = new JobStore(mount);
        JobRecord running = store.read(runningId(export)).orElseThrow();

        for (String path : List.of("/data/a", "data/a/deeper/still", "/data", "/", "/data/./a/../a/x",
                mount.resolve("data/a/y").toString(), "/link/a", "/link")) {
            JobBusyException refused = assertThrows(JobBusyException.class,
                    () -> runner().run(new PathJob(JobKind.IMPORT, path)), path);
            assertEquals(running.id(), refused.runningJob(), path);
            String message = refused.getMessage();
            assertTrue(message.contains(running.id()) && message.contains("(export, InProgress, started "
                    + running.started() + ")") && message.contains("on /data/a")
                    && message.contains(" on " + JobLock.thisHost() + " pid " + JobLock.thisPid()), message);
        }

        export.release.countDown();
        assertEquals(JobState.COMPLETED, exporting.get(10, TimeUnit.SECONDS).state());
        assertEquals(1, store.list().size(), "the refused jobs left no record");
        assertEquals(List.of(), store.lockHolders(), "nor a claim");
    }

    @Test
    void anExclusiveJobIsRefusedBesideAnyJobAndRefusesEveryOther() throws Exception {
        PathJob export = new PathJob(JobKind.EXPORT, "/a");
        Future<JobOutcome> exporting = started(export, false);
        String exportId = runningId(export);
        JobBusyException refused = assertThrows(JobBusyException.class,
                () -> runner().run(new PathJob(JobKind.CHECK, "/z"), true));
        assertEquals(exportId, refused.runningJob());
        assertTrue(refused.getMessage().contains("--exclusive runs only when no other job does"),
                refused.getMessage());
        export.release.countDown();
        assertEquals(JobState.COMPLETED, exporting.get(10, TimeUnit.SECONDS).state());

        PathJob tier = new PathJob(JobKind.TIER, "/z");
        Future<JobOutcome> tiering = started(tier, true);
        String tierId = runningId(tier);
        assertEquals(List.of(""), new JobStore(mount).lockHolder().orElseThrow().scope().paths(), "whole fs");
        for (String path : List.of("/q", "/z", "/")) {
            JobBusyException busy = assertThrows(JobBusyException.class,
                    () -> runner().run(new PathJob(JobKind.IMPORT, path)));
            assertEquals(tierId, busy.runningJob());
            assertTrue(busy.getMessage().contains("it runs --exclusive") && busy.getMessage().contains(
                    "on the whole file system (--exclusive)"), busy.getMessage());
        }
        tier.release.countDown();
        assertEquals(JobState.COMPLETED, tiering.get(10, TimeUnit.SECONDS).state());
    }

    @Test
    void ofOverlappingTakersStartingTogetherExactlyOneWins() throws Exception {
        JobStore store = new JobStore(mount);
        store.open();
        // every pair of these overlaps (each is the ancestor of or equal to the other)
        List<String> chain = List.of("r", "r/x", "r/x/y", "", "r", "r/x");
        for (int round = 0; round < 2; round++) {
            CyclicBarrier together = new CyclicBarrier(chain.size());
            List<Future<Optional<LockHolder>>> takers = new java.util.ArrayList<>();
            for (int i = 0; i < chain.size(); i++) {
                String id = "race-" + round + "-" + i;
                LockScope scope = new LockScope(List.of(chain.get(i)), Set.of(), false);
                takers.add(background.submit(() -> {
                    JobLock lock = new JobLock(store, Duration.ofMinutes(2), Clock.systemUTC());
                    together.await();
                    try {
                        return Optional.of(lock.acquire(id, scope).holder());
                    } catch (JobBusyException lost) {
                        return Optional.empty();
                    }
                }));
            }
            List<LockHolder> winners = new java.util.ArrayList<>();
            for (Future<Optional<LockHolder>> taker : takers) {
                taker.get(25, TimeUnit.SECONDS).ifPresent(winners::add);
            }
            assertEquals(1, winners.size(), "round " + round + ": " + winners);
            assertEquals(winners, store.lockHolders().stream().map(h -> h.withWritten(winners.get(0).written()))
                    .toList(), "the losers withdrew their claims");
            new JobLock(store, Duration.ofMinutes(2), Clock.systemUTC()).release(winners.get(0));
        }
    }

    @Test
    void takersOnDisjointPathsStartingTogetherAllWinWithGenerationsOfTheirOwn() throws Exception {
        JobStore store = new JobStore(mount);
        store.open();
        int count = 6;
        CyclicBarrier together = new CyclicBarrier(count);
        List<Future<LockHolder>> takers = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            String id = "side-" + i;
            LockScope scope = new LockScope(List.of("d" + i), Set.of(), false);
            takers.add(background.submit(() -> {
                JobLock lock = new JobLock(store, Duration.ofMinutes(2), Clock.systemUTC());
                together.await();
                return lock.acquire(id, scope).holder();
            }));
        }
        List<Long> generations = new java.util.ArrayList<>();
        for (Future<LockHolder> taker : takers) {
            generations.add(taker.get(25, TimeUnit.SECONDS).generation());
        }
        assertEquals(count, generations.stream().distinct().count(), generations.toString());
        assertEquals(count, store.lockHolders().size());
        assertEquals(generations.stream().mapToLong(Long::longValue).max().orElseThrow(), store.lastGeneration());
    }

    @Test
    void aClaimStillRegisteringIsWaitedForThenNamedAndTheNextGenerationIsAboveEveryClaim() throws Exception {
        JobStore store = new JobStore(mount);
        store.open();
        // another node's claim with no record yet: it is registering (or has just won and not yet written it)
        LockHolder registering = new LockHolder("export-20261207-000000-beef", "other-node", 77, 50, Instant.now(),
                new LockScope(List.of("s"), Set.of(), false), "50-00000000000000aa");
        Files.writeString(store.claimFile(registering), registering.encode());

        JobBusyException refused = assertThrows(JobBusyException.class,
                () -> runner().run(new PathJob(JobKind.IMPORT, "/s/t")));
        assertEquals(registering.jobId(), refused.runningJob());
        assertTrue(refused.getMessage().contains("(starting since ") && refused.getMessage().contains("on /s"),
                refused.getMessage());

        // beside it, a job takes a generation above the claim's (and above the counter, which is lower)
        assertTrue(store.lastGeneration() < 50);
        PathJob beside = new PathJob(JobKind.EXPORT, "/u");
        Future<JobOutcome> running = started(beside, false);
        long taken = store.lockHolders().stream().filter(h -> !h.jobId().equals(registering.jobId())).findFirst()
                .orElseThrow().generation();
        assertTrue(taken > 50, "generation " + taken);
        beside.release.countDown();
        assertEquals(JobState.COMPLETED, running.get(10, TimeUnit.SECONDS).state());
    }

    @Test
    void theLockOfAnEarlierVersionCountsAsTheWholeFileSystemAndIsRecoveredWhenStale() throws Exception {
        String otherHost = "older-data-mover";
        String old = crashedJobOfAnEarlierVersion(otherHost, 4242, Instant.now());
        JobBusyException refused = assertThrows(JobBusyException.class,
                () -> runner(Duration.ofSeconds(30)).run(new PathJob(JobKind.IMPORT, "/anywhere")));
        assertEquals(old, refused.runningJob());

        crashedJobOfAnEarlierVersion(otherHost, 4242, Instant.now().minusSeconds(120));
        PathJob job = new PathJob(JobKind.IMPORT, "/anywhere");
        job.release.countDown();
        assertEquals(JobState.COMPLETED, runner(Duration.ofSeconds(30)).run(job).state());
        JobStore store = new JobStore(mount);
        assertFalse(Files.exists(store.legacyLockFile()), "recovered");
        assertTrue(store.read(old).orElseThrow().crashed());
    }

    @Test
    void jobsReadingOneChangelogUserOverlapWhateverTheirPaths() throws Exception {
        PathJob first = new PathJob(JobKind.AUTO_EXPORT, Set.of("cl1"), "/a");
        Future<JobOutcome> running = started(first, false);
        String id = runningId(first);
        JobBusyException refused = assertThrows(JobBusyException.class,
                () -> runner().run(new PathJob(JobKind.POLICY, Set.of("cl2", "cl1"), "/b")));
        assertEquals(id, refused.runningJob());
        assertTrue(refused.getMessage().contains("changelog users cl1"), refused.getMessage());
        PathJob other = new PathJob(JobKind.POLICY, Set.of("cl2"), "/b");
        other.release.countDown();
        assertEquals(JobState.COMPLETED, runner().run(other).state(), "another changelog user runs beside it");
        first.release.countDown();
        assertEquals(JobState.COMPLETED, running.get(10, TimeUnit.SECONDS).state());
    }

    @Test
    void aJobWhoseClaimWasRecoveredStopsWhileTheJobBesideItGoesOn() throws Exception {
        PathJob stalled = new PathJob(JobKind.EXPORT, "/a");
        Future<JobOutcome> stalling = started(stalled, false);
        PathJob beside = new PathJob(JobKind.IMPORT, "/b");
        Future<JobOutcome> besides = started(beside, false);
        JobStore store = new JobStore(mount);
        String stalledId = runningId(stalled);
        String besideId = runningId(beside);
        JobCanceller.Result ambiguous = new JobCanceller(store, Duration.ofMinutes(2), Clock.systemUTC())
                .cancel(Optional.empty(), Duration.ZERO);
        assertFalse(ambiguous.ok());
        assertTrue(ambiguous.message().contains("2 jobs are running") && ambiguous.message().contains(stalledId)
                && ambiguous.message().contains(besideId), ambiguous.message());

        // What another node's recovery of the export's claim does (JobLock.recover): its staging is renamed away and
        // its claim moved aside; the record is marked crashed.
        LockHolder mine = store.lockHolders().stream().filter(h -> h.jobId().equals(stalledId)).findFirst()
                .orElseThrow();
        store.evictStagingOf(mine);
        Files.delete(store.claimFile(mine));
        JobRecord crashed = store.read(stalledId).orElseThrow().with(JobState.FAILED, Instant.now(), true,
                "crashed (test)");
        store.write(crashed);

        JobOutcome outcome = stalling.get(10, TimeUnit.SECONDS);
        assertEquals(JobState.FAILED, outcome.state());
        assertTrue(outcome.message().contains("job " + stalledId + " lost its lock (generation "
                + mine.generation()) && outcome.message().contains("is gone"), outcome.message());
        assertEquals(crashed, store.read(stalledId).orElseThrow(), "the recovered record is untouched");

        // the import beside it keeps its claim and ends as usual, its record written through its own staging
        assertEquals(JobState.IN_PROGRESS, store.read(besideId).orElseThrow().state());
        beside.release.countDown();
        JobOutcome imported = besides.get(10, TimeUnit.SECONDS);
        assertEquals(JobState.COMPLETED, imported.state(), imported.message());
        assertEquals(JobState.COMPLETED, store.read(besideId).orElseThrow().state());
        assertEquals(List.of(), store.lockHolders());
    }
}
