package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.archive.RedactedCause;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.lustre.LustreLibrary;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Runs one {@link Job} the way every job runs: takes a claim of the file system's job lock on the job's paths
 * (recovering a crashed job's overlapping claim), writes
 * the job's record with state, counters and a heartbeat about once a second, honours cancel requests
 * ({@code copytool cancel}, Ctrl-C), renders progress on the terminal, writes the job log locally and to the logging
 * container of the job's archive, prints a final summary, and releases the lock.
 *
 * <p>A job whose parameter {@code archive} names an archive id logs to that archive's {@code logging_container};
 * other jobs log to the lowest configured archive's.
 *
 * <p>Resume: when the newest job of the file system crashed and this one has the same kind and parameters, this run
 * continues it under the same id, with its counters and {@link JobCheckpoint}.
 *
 * <p>Fencing: every write of the run to shared state goes through its {@link JobFence}. When another node took the
 * lock (this holder stalled for {@code staleAfter}), the run stops and ends FAILED writing nothing more: no record, log
 * line, log copy or marker, and the lock stays with the new holder (docs/job-lock.md).
 */
public final class JobRunner {
    private static final Logger LOG = Logger.getLogger(JobRunner.class.getName());
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** How long the end of a job waits for a heartbeat under way (a record write, a log append) to finish. */
    private static final Duration HEARTBEAT_STOP_WAIT = Duration.ofSeconds(10);

    /**
     * @param heartbeat        how often the record is written, the cancel request checked and progress drawn
     * @param staleAfter       another host's job without a heartbeat for this long is taken for crashed
     * @param terminal         where progress and the summary go (null: nowhere)
     * @param interactive      redraw progress in place (a terminal) instead of a line every {@code lineInterval}
     * @param lineInterval     non-interactive progress line interval
     * @param handleInterrupt  Ctrl-C / SIGTERM cancel the job, which ends Canceled (the command line); off in tests
     * @param logCopyInterval  how often the log's new lines are appended to the logging container (and at the end)
     */
    public record Settings(Duration heartbeat, Duration staleAfter, PrintStream terminal, boolean interactive,
                           Duration lineInterval, boolean handleInterrupt, Duration logCopyInterval) {
        /** 30 s between log copies: at most 2,880 appends a day, so an append blob's 50,000 last 17 days. */
        static final Duration LOG_COPY_INTERVAL = Duration.ofSeconds(30);

        public static Settings commandLine(PrintStream terminal) {
            return new Settings(Duration.ofSeconds(1), Duration.ofMinutes(2), terminal, System.console() != null,
                    Duration.ofSeconds(10), true, LOG_COPY_INTERVAL);
        }

        public static Settings quiet() {
            return new Settings(Duration.ofMillis(200), Duration.ofMinutes(2), null, false, Duration.ofSeconds(10),
                    false, LOG_COPY_INTERVAL);
        }

        public Settings withTerminal(PrintStream out) {
            return new Settings(heartbeat, staleAfter, out, interactive, lineInterval, handleInterrupt,
                    logCopyInterval);
        }

        public Settings withStaleAfter(Duration value) {
            return new Settings(heartbeat, value, terminal, interactive, lineInterval, handleInterrupt,
                    logCopyInterval);
        }

        public Settings withLogCopyInterval(Duration value) {
            return new Settings(heartbeat, staleAfter, terminal, interactive, lineInterval, handleInterrupt, value);
        }

        /**
         * How long a confirmed hold of the lock is trusted before per-item work reads the lock again
         * ({@link JobFence#check}): five heartbeats, at most a quarter of {@code staleAfter}, so that a holder is
         * always made to look again before another node can have judged it crashed.
         */
        Duration fenceTrust() {
            Duration fiveBeats = heartbeat.multipliedBy(5);
            Duration quarter = staleAfter.dividedBy(4);
            return fiveBeats.compareTo(quarter) < 0 ? fiveBeats : quarter;
        }
    }

    /** Makes the log sink for an archive (empty when it has no logging container). */
    public interface LogSinkFactory {
        Optional<LogSink> create(ArchiveSettings archive, long chunkSize) throws Exception;
    }

    private final CopytoolConfig config;
    private final Settings settings;
    private final Supplier<LustreLibrary> library;
    private final LogSinkFactory logSinks;
    private final Clock clock;
    private final JobStore store;

    public JobRunner(CopytoolConfig config, Settings settings) {
        this(config, settings, () -> LustreLibrary.load(config.lustreLibrary()), ContainerLogSink::forArchive,
                Clock.systemUTC());
    }

    public JobRunner(CopytoolConfig config, Settings settings, Supplier<LustreLibrary> library,
                     LogSinkFactory logSinks, Clock clock) {
        this.config = config;
        this.settings = settings;
        this.library = library;
        this.logSinks = logSinks;
        this.clock = clock;
        this.store = new JobStore(config.mount());
    }

    public JobStore store() {
        return store;
    }

    /** Runs the job to its end on the paths it declares ({@link Job#paths()}); see {@link #run(Job, boolean)}. */
    public JobOutcome run(Job job) throws JobBusyException, IOException {
        return run(job, false);
    }

    /**
     * Runs the job to its end, holding a claim of the job lock on the paths and changelog users it declares: jobs
     * whose claims do not overlap run side by side.
     *
     * @param exclusive take the whole file system ({@code --exclusive}): refused while any job runs, and every job
     *                  is refused while it runs
     * @throws JobBusyException a job holds an overlapping claim (nothing was changed; the message names it)
     * @throws IOException      the framework's own state could not be written (the job did not start), or a path
     *                          of the job is outside the mount
     */
    public JobOutcome run(Job job, boolean exclusive) throws JobBusyException, IOException {
        store.open();
        String newId = job.kind().commandName() + "-" + ID_TIME.format(Instant.now(clock)) + "-"
                + HexFormat.of().formatHex(RANDOM.generateSeed(2));
        LockScope scope;
        try {
            scope = LockScope.of(config.mount(), job.paths(), job.changelogUsers(), exclusive);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        JobLock lock = new JobLock(store, settings.staleAfter(), clock);
        LockHolder taken = lock.acquire(newId, scope).holder();
        Optional<JobRecord> resumable;
        try {
            resumable = resumable(job);
        } catch (IOException | RuntimeException e) {
            lock.release(taken);
            throw e;
        }
        String id = resumable.map(JobRecord::id).orElse(newId);
        if (!id.equals(newId)) {
            taken = rewriteLock(lock, taken, id, scope);
        }
        JobFence fence = new JobFence(store, taken, settings.fenceTrust());
        try {
            store.openStaging(taken);
            try (JobLog log = new JobLog(store.logFile(id), clock, fence)) {
                return runLocked(job, id, resumable, fence, log, Optional.empty());
            }
        } finally {
            if (!fence.lost()) {
                store.closeStaging(taken);
            }
            lock.release(taken); // only this taking: a lock another node took since stays
        }
    }

    /**
     * Runs the job as a dry run: the same walk, filters and checks, but every change goes to a {@link RecordedChanges}
     * and is not made. A dry run takes no job lock and writes nothing to the file system's job state (no record, no
     * staging, no log there, no log copy to the logging container): it changes nothing, so it may run beside a real
     * job, which it neither blocks nor is blocked by; what the real job changes meanwhile shows in what it reads. Its
     * log is local, {@code <java.io.tmpdir>/copytool-<id>-<random>.log}, with a WOULD line per change.
     *
     * @param keep how many of the changes the outcome lists (the log has all)
     * @throws IOException its local log cannot be created
     */
    public JobOutcome dryRun(Job job, int keep) throws IOException {
        String id = job.kind().commandName() + "-dryrun-" + ID_TIME.format(Instant.now(clock)) + "-"
                + HexFormat.of().formatHex(RANDOM.generateSeed(2));
        JobFence fence = JobFence.unlocked(new LockHolder(id, JobLock.thisHost(), JobLock.thisPid(), 0,
                Instant.now(clock)));
        // created new (O_EXCL) with a random suffix and mode 0600: a root process must not open a guessable name in
        // a world-writable directory, where another user's symlink could be waiting for it
        Path file = Files.createTempFile("copytool-" + id + "-", ".log");
        try (JobLog log = new JobLog(file, clock, fence)) {
            RecordedChanges changes = new RecordedChanges(log, keep);
            log.info("DRY RUN: nothing is changed; every change the job would make is a WOULD line");
            try {
                store.lockHolders().forEach(holder -> log.info("job " + holder.jobId() + " holds the job lock on "
                        + holder.scope().describe() + " (host " + holder.host() + "): what it changes meanwhile"
                        + " shows in what this dry run reads"));
            } catch (IOException e) {
                log.info("cannot read the job lock claims in " + store.locksDirectory() + ": " + e.getMessage());
            }
            return runLocked(job, id, Optional.empty(), fence, log, Optional.of(changes));
        }
    }

    /** A resumed job keeps its id: the lock must name it, or `copytool cancel` would look for the new one. */
    private LockHolder rewriteLock(JobLock lock, LockHolder taken, String id, LockScope scope) throws IOException {
        lock.release(taken);
        try {
            JobLock.Acquired again = lock.acquire(id, scope);
            if (again.recovered().isPresent()) {
                throw new IllegalStateException("unexpected lock recovery");
            }
            return again.holder();
        } catch (JobBusyException raced) {
            throw new IOException("lost the job lock to " + raced.runningJob() + " while resuming " + id);
        }
    }

    /**
     * The crashed job this run continues: the newest job of the same kind and parameters, when it crashed. (Not the
     * newest job of the file system, as before jobs ran side by side: a job on other paths started since says
     * nothing about this one.)
     */
    private Optional<JobRecord> resumable(Job job) throws IOException {
        return store.list().stream()
                .filter(r -> r.kind() == job.kind() && r.parameters().equals(job.parameters()))
                .findFirst()
                .filter(JobRecord::crashed);
    }

    /** @param dryRun present for a dry run: no record, cancel file or log copy is written, no change made */
    private JobOutcome runLocked(Job job, String id, Optional<JobRecord> resumable, JobFence fence, JobLog log,
                                 Optional<RecordedChanges> dryRun) throws IOException {
        boolean dry = dryRun.isPresent();
        if (!dry) {
            store.clearCancel(id);
        }
        Instant started = resumable.map(JobRecord::started).orElse(Instant.now(clock));
        JobCounters counters = new JobCounters();
        resumable.ifPresent(r -> counters.restore(r.counters()));
        JobCheckpoint checkpoint = new JobCheckpoint(resumable.map(JobRecord::checkpoint).orElse(Map.of()));
        RunningJob context = new RunningJob(id, started, config, library.get(), counters, log, checkpoint,
                resumable.isPresent(), fence, dryRun.<JobChanges>map(c -> c).orElse(AppliedChanges.INSTANCE), store);
        Optional<LogSink> sink = dry ? Optional.empty() : logSink(job, log);
        Heartbeat heartbeat = new Heartbeat(job, context, sink, dry);
        heartbeat.state = JobState.IN_PROGRESS;
        log.info((dry ? "dry run of " : resumable.isPresent() ? "resuming " : "starting ")
                + job.kind().commandName() + " job " + id
                + " on " + config.mount() + " (host " + JobLock.thisHost() + " pid " + JobLock.thisPid()
                + (dry ? ", no job lock" : ", lock generation " + fence.taken().generation()) + ")");
        log.info("parameters: " + job.parameters());
        if (!dry) {
            log.info("job lock claim on " + fence.taken().scope().describe());
        }
        heartbeat.writeRecord(null, "");
        Map<Signal, SignalHandler> previousHandlers = settings.handleInterrupt() ? installSignalHandlers(context)
                : Map.of();
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "job-heartbeat");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleWithFixedDelay(heartbeat::tick, settings.heartbeat().toMillis(),
                settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        JobState state;
        String message;
        try {
            state = Objects.requireNonNull(job.run(context), "job returned no state");
            message = state == JobState.FAILED ? "failed (see the log " + log.file() + ")" : state.display();
            if (!state.terminal()) {
                message = "the job returned the non-final state " + state.display();
                state = JobState.FAILED;
            }
        } catch (JobCancelledException e) {
            state = JobState.CANCELED;
            message = e.getMessage();
        } catch (JobLockLostException e) {
            state = JobState.FAILED;
            message = e.getMessage();
        } catch (Exception | Error e) {
            state = JobState.FAILED;
            message = RedactedCause.redact(String.valueOf(e.getMessage() == null ? e : e.getMessage()));
            log.info("job failed: " + e.getClass().getSimpleName() + ": " + message);
            LOG.log(Level.FINE, "job " + id + " failed", RedactedCause.of(e));
        } finally {
            stopHeartbeat(ticker);
        }
        try {
            if (fence.lost()) {
                throw new JobLockLostException(fence.lostMessage());
            }
            heartbeat.state = state;
            log.info("ended " + state.display() + (message.isEmpty() ? "" : ": " + message));
            log.info("counters: " + counters.snapshot());
            heartbeat.writeRecord(Instant.now(clock), message);
            heartbeat.drawFinal(state, message);
            heartbeat.copyLog(true);
            if (dry) {
                RecordedChanges changes = dryRun.get();
                return new JobOutcome(id, state, counters.snapshot(), message, Optional.of(
                        new JobOutcome.DryRun(log.file(), changes.count(), changes.first())));
            }
            store.clearCancel(id);
            return new JobOutcome(id, state, counters.snapshot(), message);
        } catch (JobLockLostException e) {
            return stoppedWithoutLock(context, fence.lost() ? fence.lostMessage() : e.getMessage(), heartbeat);
        } finally {
            sink.ifPresent(LogSink::close);
            previousHandlers.forEach(Signal::handle);
        }
    }

    /**
     * The end of a run whose lock another node took: its record, log, markers and cancel request belong to the new
     * holder now (or to whoever recovered the lock, which marked the record crashed), so nothing is written there.
     * What happened goes to this process's log and terminal; the run ends FAILED.
     */
    private JobOutcome stoppedWithoutLock(RunningJob context, String why, Heartbeat heartbeat) {
        String message = "stopped: " + why;
        LOG.severe("job " + context.jobId() + " " + message);
        heartbeat.drawFinal(JobState.FAILED, message);
        return new JobOutcome(context.jobId(), JobState.FAILED, context.counters().snapshot(), message);
    }

    private Optional<LogSink> logSink(Job job, JobLog log) {
        ArchiveSettings archive = null;
        String archiveParameter = job.parameters().get("archive");
        if (archiveParameter != null) {
            try {
                archive = config.archives().get(Integer.parseInt(archiveParameter));
            } catch (NumberFormatException ignored) {
                // the job validates its own options
            }
        }
        if (archive == null && !config.archives().isEmpty()) {
            archive = config.archives().get(config.archives().firstKey());
        }
        if (archive == null) {
            return Optional.empty();
        }
        try {
            Optional<LogSink> sink = logSinks.create(archive, config.chunkSize());
            sink.ifPresent(s -> log.info("log copied to " + s.describe()));
            return sink;
        } catch (Exception e) {
            log.info("cannot open the logging container of archive " + archive.id() + ": "
                    + RedactedCause.redact(String.valueOf(e.getMessage())) + "; the log stays local only");
            return Optional.empty();
        }
    }

    /**
     * Stops the heartbeat without interrupting a beat under way: a beat may be appending to the log blob, and an
     * interrupted append (which may still land) only makes the last copy start the blob again. A beat stuck longer
     * than {@link #HEARTBEAT_STOP_WAIT} (a hung request) is interrupted then, as before.
     */
    private static void stopHeartbeat(ScheduledExecutorService ticker) {
        ticker.shutdown();
        try {
            if (!ticker.awaitTermination(HEARTBEAT_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                ticker.shutdownNow();
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            ticker.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ctrl-C (SIGINT) or SIGTERM: cancel the job, which then ends normally (record, log, lock, exit status 4). A second
     * signal exits at once (status 130); the lock it leaves is recovered by the next job, which resumes this one.
     * Signal handlers rather than a shutdown hook, so the job's last network writes do not race the JVM's shutdown.
     */
    private Map<Signal, SignalHandler> installSignalHandlers(RunningJob context) {
        Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
        AtomicInteger received = new AtomicInteger();
        for (String name : new String[] {"INT", "TERM"}) {
            Signal signal = new Signal(name);
            previous.put(signal, Signal.handle(signal, s -> {
                if (received.incrementAndGet() > 1) {
                    Runtime.getRuntime().halt(128 + 2);
                }
                context.cancel("SIG" + s.getName() + (s.getName().equals("INT") ? " (Ctrl-C)" : ""));
                if (settings.terminal() != null) {
                    settings.terminal().println();
                    settings.terminal().println("canceling " + context.jobId() + " (signal again to exit at once)");
                }
            }));
        }
        return previous;
    }

    /** The once-a-second work: cancel requests, record, log copy, progress line. */
    private final class Heartbeat {
        private final Job job;
        private final RunningJob context;
        private final JobFence fence;
        private final Optional<LogSink> sink;
        private final boolean dry;
        private volatile JobState state = JobState.PENDING;
        private Instant lastLine = Instant.EPOCH;
        private Instant lastLogCopy = Instant.EPOCH;

        Heartbeat(Job job, RunningJob context, Optional<LogSink> sink, boolean dry) {
            this.dry = dry;
            this.job = job;
            this.context = context;
            this.fence = context.fence();
            this.sink = sink;
        }

        void tick() {
            if (fence.lost()) {
                return; // the job's threads stop at their next check; nothing more is written
            }
            try {
                if (!dry && !context.cancelRequested() && store.cancelRequested(context.jobId())) {
                    context.cancel("copytool cancel");
                }
                if (context.cancelRequested() && state == JobState.IN_PROGRESS) {
                    state = JobState.CANCELING;
                }
                writeRecord(null, "");
                if (Duration.between(lastLogCopy, Instant.now(clock)).compareTo(settings.logCopyInterval()) >= 0) {
                    copyLog(false);
                }
                drawProgress();
            } catch (JobLockLostException e) {
                // JobFence logged it; the job's threads see it at their next check
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "job " + context.jobId() + ": heartbeat failed: " + e.getMessage());
            }
        }

        void writeRecord(Instant ended, String message) throws IOException {
            if (dry) {
                return; // a dry run leaves no record: as far as the file system's jobs go, it did not run
            }
            Map<String, Long> counters = new LinkedHashMap<>(context.counters().snapshot());
            store.write(new JobRecord(context.jobId(), job.kind(), state, job.parameters(), counters,
                    context.checkpoint().snapshot(), context.started(), ended, Instant.now(clock),
                    JobLock.thisHost(), JobLock.thisPid(), false, message, fence.taken().generation()), fence);
        }

        void copyLog(boolean last) {
            lastLogCopy = Instant.now(clock);
            context.log().flush();
            if (sink.isEmpty() || (!context.log().takeChanged() && !last)) {
                return;
            }
            try {
                fence.verify("the log copy in " + sink.get().describe());
                sink.get().copy(context.jobId() + ".log", context.log().file(), context.log().flushedLength(),
                        fence.taken().generation());
            } catch (JobLockLostException e) {
                throw e;
            } catch (Exception e) {
                LOG.log(Level.WARNING, "job " + context.jobId() + ": cannot copy the log to " + sink.get().describe()
                        + ": " + RedactedCause.redact(String.valueOf(e.getMessage())));
            }
        }

        private void drawProgress() {
            PrintStream out = settings.terminal();
            if (out == null) {
                return;
            }
            Instant now = Instant.now(clock);
            String line = context.jobId() + " " + state.display() + ": "
                    + ProgressLine.render(context.progress(), Duration.between(context.started(), now));
            if (settings.interactive()) {
                out.print("\r\033[K" + line);
                out.flush();
            } else if (Duration.between(lastLine, now).compareTo(settings.lineInterval()) >= 0) {
                lastLine = now;
                out.println(line);
            }
        }

        void drawFinal(JobState finalState, String message) {
            PrintStream out = settings.terminal();
            if (out == null) {
                return;
            }
            if (settings.interactive()) {
                out.print("\r\033[K");
            }
            Instant now = Instant.now(clock);
            out.println((dry ? "DRY RUN (nothing changed) " : "") + context.jobId() + " " + finalState.display()
                    + (message.isEmpty() || message.equals(finalState.display()) ? "" : ": " + message));
            out.println("  " + ProgressLine.render(context.progress(), Duration.between(context.started(), now)));
            context.counters().snapshot().forEach((name, value) -> out.printf("  %-28s %,d%n", name, value));
            if (context.changes() instanceof RecordedChanges changes) {
                out.printf("  would make %,d changes%s%n", changes.count(), changes.count() == 0 ? ""
                        : changes.first().size() < changes.count() ? ", the first " + changes.first().size() + ":"
                        : ":");
                changes.first().forEach(change -> out.println("    would " + change));
            }
            out.println("  log: " + context.log().file()
                    + sink.map(s -> " (copied to " + s.describe() + ")").orElse(""));
            out.flush();
        }
    }
}
