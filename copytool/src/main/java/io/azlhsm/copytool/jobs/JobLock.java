package io.azlhsm.copytool.jobs;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * The job lock: one job per path. Each taking is a <em>claim</em>, a file
 * {@code <mount>/.azlhsm/locks/<generation>-<random>} naming the job, host, pid, the generation and the
 * {@link LockScope} (paths, changelog users, exclusive). Jobs whose scopes do not overlap hold claims side by side.
 * docs/job-lock.md has the whole design.
 *
 * <p><b>Why two overlapping takers cannot both win.</b> Lustre has no compare-and-set over several files, so a taker
 * first <em>registers</em> (creates its claim; one not yet completely written counts as a claim on everything) and
 * only then <em>checks</em> every other claim. If it finds an overlapping live claim it withdraws its own. Suppose two
 * overlapping takers A and B both won: A's check saw no B, so B registered after A's check, which came after A
 * registered; so B's check came after A registered and saw A, and B withdrew. Each step is one metadata operation,
 * which Lustre makes atomic and visible to every client once it returns, so the argument holds across nodes. Two
 * takers that register at the same moment may both see each other and both withdraw: they try again after a random
 * pause (a claim that already has its job record is a running job, and is refused at once).
 *
 * <p>A claim whose holder looks crashed is recovered: its process is gone (same host), or its job's record has had no
 * heartbeat for {@code staleAfter} (another host, whose processes this node cannot see). The crashed job's record is
 * then marked FAILED and crashed, so a new run with the same parameters can resume it. Only claims that overlap the
 * taker's are looked at; a stale claim elsewhere waits for a job that needs its paths.
 *
 * <p>The generation is the claim's fencing token: each taking gets one more than the highest seen (the file
 * {@code .azlhsm/generation}, which every winner advances, and the claims its check saw), and a taker whose check
 * finds a claim of its number or a higher one takes a higher one, so every live claim has a generation of its own,
 * above every claim it saw. A holder that was only stalled (a long GC pause, a partition) and whose claim was
 * recovered finds its claim gone when it comes back; {@link JobFence} then refuses its writes. The claim's name
 * identifies the taking; {@link LockHolder#sameTaking} compares job, host, pid and generation as well.
 */
final class JobLock {
    private static final Logger LOG = Logger.getLogger(JobLock.class.getName());
    /** Tries while other takers register at the same time (each a random pause apart, growing). */
    private static final int ATTEMPTS = 12;
    private static final String HOST = lookUpHost();
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** What {@link #acquire} took: this taking of the lock, and the crashed job it recovered, if any. */
    record Acquired(LockHolder holder, Optional<JobRecord> recovered) {
    }

    private final JobStore store;
    private final Duration staleAfter;
    private final Clock clock;

    JobLock(JobStore store, Duration staleAfter, Clock clock) {
        this.store = store;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** This process's identity in the lock (looked up once: a host without DNS for its name would wait each time). */
    static String thisHost() {
        return HOST;
    }

    private static String lookUpHost() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null ? "localhost" : env;
        }
    }

    static long thisPid() {
        return ProcessHandle.current().pid();
    }

    /** The whole file system, exclusively: what a caller that names no scope takes. */
    Acquired acquire(String jobId) throws IOException, JobBusyException {
        return acquire(jobId, LockScope.exclusiveScope());
    }

    /**
     * Takes a claim for {@code jobId} on {@code scope}, recovering stale overlapping claims first.
     *
     * @return the claim as taken (with its generation) and the record of the crashed job whose claim was recovered
     * @throws JobBusyException when a live job holds an overlapping claim (the message names it)
     */
    Acquired acquire(String jobId, LockScope scope) throws IOException, JobBusyException {
        Optional<JobRecord> recovered = Optional.empty();
        long highestSeen = 0;
        Conflict last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long generation = Math.max(store.lastGeneration(), highestSeen) + 1;
            LockHolder me = register(new LockHolder(jobId, thisHost(), thisPid(), generation, Instant.now(clock),
                    scope, ""));
            Check check;
            try {
                check = check(me);
            } catch (IOException | RuntimeException e) {
                release(me);
                throw e;
            }
            highestSeen = Math.max(highestSeen, check.highestSeen);
            if (check.recovered.isPresent()) {
                recovered = check.recovered;
            }
            if (check.conflict == null && check.highestSeen < generation) {
                store.recordGeneration(generation);
                store.evictStaging();
                return new Acquired(me, recovered);
            }
            release(me);
            if (check.conflict == null) {
                // Another claim has our number or a higher one (a taker beside us read the same counter, or a
                // holder crashed before advancing it): a fencing token must be above every claim, so take a higher.
                pause(0);
                continue;
            }
            last = check.conflict;
            if (last.running()) {
                throw new JobBusyException(last.holder.jobId(), busyMessage(last.holder, last.record, scope));
            }
            pause(attempt); // the other is registering too (no record yet): one of us gets through next time
        }
        if (last != null) {
            throw new JobBusyException(last.holder.jobId(), busyMessage(last.holder, last.record, scope));
        }
        throw new IOException("could not take the job lock in " + store.locksDirectory() + " after " + ATTEMPTS
                + " attempts (other jobs starting at the same time?)");
    }

    /** An overlapping live claim, and its job's record if it has one yet. */
    private record Conflict(LockHolder holder, Optional<JobRecord> record) {
        /** Its job has written its record under this claim: it runs (not merely registering, as we are). */
        boolean running() {
            return record.isPresent() && record.get().generation() == holder.generation()
                    && !record.get().state().terminal();
        }
    }

    /** @param highestSeen the highest generation among the other claims (live or recovered) */
    private record Check(Conflict conflict, Optional<JobRecord> recovered, long highestSeen) {
    }

    /** Looks at every other claim: stale overlapping ones are recovered, the first live overlapping one returned. */
    private Check check(LockHolder me) throws IOException {
        Optional<JobRecord> recovered = Optional.empty();
        long highest = 0;
        Conflict conflict = null;
        for (Path file : store.claimFiles()) {
            Optional<LockHolder> other = LockHolder.read(file);
            if (other.isEmpty() || other.get().claim().equals(me.claim())) {
                continue; // released meanwhile, or our own
            }
            highest = Math.max(highest, other.get().generation());
            if (conflict != null || !other.get().scope().overlaps(me.scope())) {
                continue;
            }
            Optional<JobRecord> record = other.get().jobId().isEmpty() ? Optional.empty()
                    : store.read(other.get().jobId());
            Optional<String> staleBecause = staleness(other.get(), record);
            if (staleBecause.isEmpty()) {
                conflict = new Conflict(other.get(), record);
                continue; // the other claims still count for the highest generation
            }
            Optional<JobRecord> crashed = recover(file, other.get(), record, staleBecause.get());
            if (crashed.isPresent()) {
                recovered = crashed;
            }
        }
        return new Check(conflict, recovered, highest);
    }

    /**
     * Creates the claim {@code locks/<generation>-<random>} ({@code O_CREAT|O_EXCL}) and writes it in one write. A
     * reader that comes between the two, or in the middle of the write, finds no closing {@code complete=true} line
     * and takes the claim for one on the whole file system ({@link LockHolder#read}): it withdraws and tries again,
     * never overlooking a path. (A hard link from a written temporary file would make the claim appear whole at
     * once, but it leaves the file with two names for a moment, which some clients and tools handle badly, and
     * puts HLINK records in the changelog that auto-export reads.) The random part makes each claim's name its own
     * for good: a recoverer that moves a claim aside by name moves the one it judged, never a later claim that
     * happened to get the same name.
     *
     * @return {@code me} with its claim's name
     */
    private LockHolder register(LockHolder me) throws IOException {
        while (true) {
            LockHolder named = me.withClaim(me.generation() + "-" + HexFormat.of().formatHex(randomBytes()));
            byte[] content = named.encode().getBytes(StandardCharsets.UTF_8);
            try (FileChannel claim = FileChannel.open(store.claimFile(named), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    claim.write(buffer);
                }
                return named;
            } catch (FileAlreadyExistsException astronomicallyUnlikely) {
                // 64 random bits met another claim's: draw again
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(store.claimFile(named)); // a claim half written is no claim
                throw e;
            }
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void pause(int attempt) {
        long bound = Math.min(500, 20L << Math.min(attempt, 5));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(bound / 2, bound + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why the holder is stale, or empty when it may still be running. */
    Optional<String> staleness(LockHolder holder, Optional<JobRecord> record) {
        if (record.isPresent() && record.get().state().terminal()
                && (record.get().generation() == holder.generation() || record.get().generation() == 0)) {
            return Optional.of("its job " + holder.jobId() + " already ended " + record.get().state().display());
        }
        if (holder.host().equals(thisHost()) && holder.pid() > 0) {
            boolean alive = ProcessHandle.of(holder.pid()).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Optional.empty()
                    : Optional.of("process " + holder.pid() + " on " + holder.host() + " is gone");
        }
        Instant lastSign = record.map(JobRecord::heartbeat).orElse(holder.written());
        if (lastSign.isBefore(holder.written())) {
            lastSign = holder.written();
        }
        Duration silent = Duration.between(lastSign, Instant.now(clock));
        if (silent.compareTo(staleAfter) > 0) {
            return Optional.of("no heartbeat from " + (holder.host().isEmpty() ? "its holder" : holder.host())
                    + " for " + silent.toSeconds() + " s (stale after " + staleAfter.toSeconds() + " s)");
        }
        return Optional.empty();
    }

    /**
     * Recovers {@code holder}'s claim if it is stale (for {@code copytool cancel} of a crashed job, which must not
     * take a claim of its own: other jobs may run beside it).
     *
     * @return the crashed job's record as now marked, when this call recovered it
     */
    Optional<JobRecord> recoverIfStale(LockHolder holder) throws IOException {
        Optional<JobRecord> record = holder.jobId().isEmpty() ? Optional.empty() : store.read(holder.jobId());
        Optional<String> why = staleness(holder, record);
        if (why.isEmpty()) {
            return Optional.empty();
        }
        return recover(store.claimFile(holder), holder, record, why.get());
    }

    private Optional<JobRecord> recover(Path file, LockHolder holder, Optional<JobRecord> record, String why)
            throws IOException {
        // Move the claim aside first: of two nodes recovering at once only one rename succeeds. A claim's name is
        // never used twice, so what is moved is the claim judged stale (the single lock of earlier versions, which
        // has one name, is compared after the move and put back if it changed hands meanwhile).
        Path aside = store.directory().resolve("lock.recovered." + thisPid() + "." + System.nanoTime());
        try {
            Files.move(file, aside);
        } catch (NoSuchFileException someoneElseDidIt) {
            return Optional.empty();
        }
        Optional<LockHolder> moved = LockHolder.read(aside);
        if (moved.isEmpty() || !moved.get().sameTaking(holder)) {
            try {
                Files.move(aside, file);
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(aside); // taken again meanwhile
            }
            return Optional.empty();
        }
        Files.deleteIfExists(aside);
        // Before marking the record crashed: a stalled holder's staged record write can no longer land over it.
        store.evictStagingOf(holder);
        LOG.warning("recovered the job lock claim of " + holder.jobId() + " (" + holder.scope().describe() + "): "
                + why);
        if (record.isPresent() && !record.get().state().terminal()) {
            JobRecord crashed = record.get().with(JobState.FAILED, Instant.now(clock), true,
                    "crashed (" + why + "); run the same command again to resume it");
            store.write(crashed);
            return Optional.of(crashed);
        }
        return Optional.empty();
    }

    /**
     * Releases the claim if it is still this taking's. (Between the read and the delete another node could recover
     * the claim only if this holder had been silent for {@code staleAfter} within those two requests; a claim's name
     * is never another taking's.)
     */
    void release(LockHolder taken) throws IOException {
        Path file = store.claimFile(taken);
        Optional<LockHolder> holder = LockHolder.read(file);
        if (holder.isPresent() && holder.get().sameTaking(taken)) {
            Files.deleteIfExists(file);
        }
    }

    /**
     * The refusal: which job runs where it overlaps, its kind, paths, host and start.
     *
     * @param wanted what the refused job asked for
     */
    static String busyMessage(LockHolder holder, Optional<JobRecord> record, LockScope wanted) {
        String id = holder.jobId().isEmpty() ? "(starting)" : holder.jobId();
        StringBuilder text = new StringBuilder("another job is running on ").append(holder.scope().describe())
                .append(": ").append(id);
        if (record.isPresent()) {
            JobRecord r = record.get();
            text.append(" (").append(r.kind().commandName()).append(", ").append(r.state().display())
                    .append(", started ").append(r.started()).append(")");
        } else {
            text.append(" (starting since ").append(holder.written()).append(")");
        }
        text.append(" on ").append(holder.host()).append(" pid ").append(holder.pid());
        List<String> why = new ArrayList<>();
        if (holder.scope().exclusive()) {
            why.add("it runs --exclusive: no other job runs beside it");
        } else if (wanted.exclusive()) {
            why.add("--exclusive runs only when no other job does");
        } else {
            why.add("it overlaps " + wanted.describe() + ", and one job at a time runs on a path");
        }
        text.append("; ").append(String.join("; ", why)).append(" (copytool jobs shows it, copytool cancel ")
                .append(id).append(" stops it)");
        return text.toString();
    }
}
