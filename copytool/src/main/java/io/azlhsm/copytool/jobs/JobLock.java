package io.azlhsm.copytool.jobs;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The one-job-per-file-system lock: a file {@code <mount>/.azlhsm/lock} created exclusively, naming the job, host,
 * pid and the lock's generation. A lock left by a crashed job is recovered: when its process is gone (same host), or
 * when its job's heartbeat is older than {@code staleAfter} (another host, whose processes this node cannot see). The
 * crashed job's record is then marked FAILED and crashed, so a new run with the same parameters can resume it.
 *
 * <p>The generation is the lock's fencing token: each taking gets one more than the highest seen (the file
 * {@code .azlhsm/generation}, which every taker advances, and the lock it recovers). A holder that was only stalled
 * (a long GC pause, a partition) and whose lock was recovered finds another generation in the lock when it comes back;
 * {@link JobFence} then refuses its writes. Two takers can end up with one number only when one of them stalls between
 * reading the counter and creating the lock while another takes and advances it; the lock content then still differs
 * (job, host, pid), which is what {@link LockHolder#sameTaking} compares.
 */
final class JobLock {
    private static final Logger LOG = Logger.getLogger(JobLock.class.getName());
    private static final int ATTEMPTS = 5;
    private static final String HOST = lookUpHost();

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

    /**
     * Takes the lock for {@code jobId}, recovering a stale one first.
     *
     * @return the lock as taken (with its generation) and the record of the crashed job whose lock was recovered
     * @throws JobBusyException when a live job holds it
     */
    Acquired acquire(String jobId) throws IOException, JobBusyException {
        Optional<JobRecord> recovered = Optional.empty();
        long highestSeen = 0;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            long generation = Math.max(store.lastGeneration(), highestSeen) + 1;
            Optional<LockHolder> taken = tryCreate(jobId, generation);
            if (taken.isPresent()) {
                store.recordGeneration(generation);
                store.evictStaging(taken);
                return new Acquired(taken.get(), recovered);
            }
            Optional<LockHolder> holder = store.lockHolder();
            if (holder.isEmpty()) {
                continue; // released between our attempt and the read
            }
            highestSeen = Math.max(highestSeen, holder.get().generation());
            Optional<JobRecord> record = holder.get().jobId().isEmpty() ? Optional.empty()
                    : store.read(holder.get().jobId());
            Optional<String> staleBecause = staleness(holder.get(), record);
            if (staleBecause.isEmpty()) {
                throw new JobBusyException(holder.get().jobId(), busyMessage(holder.get(), record));
            }
            Optional<JobRecord> crashed = recover(holder.get(), record, staleBecause.get());
            if (crashed.isPresent()) {
                recovered = crashed;
            }
        }
        throw new IOException("could not take the job lock " + store.lockFile() + " after " + ATTEMPTS
                + " attempts (other jobs starting at the same time?)");
    }

    private Optional<LockHolder> tryCreate(String jobId, long generation) throws IOException {
        LockHolder me = new LockHolder(jobId, thisHost(), thisPid(), generation, Instant.now(clock));
        try {
            Files.writeString(store.lockFile(), me.encode(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            return Optional.of(me);
        } catch (FileAlreadyExistsException e) {
            return Optional.empty();
        }
    }

    /** Why the holder is stale, or empty when it may still be running. */
    Optional<String> staleness(LockHolder holder, Optional<JobRecord> record) {
        if (record.isPresent() && record.get().state().terminal()) {
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

    private Optional<JobRecord> recover(LockHolder holder, Optional<JobRecord> record, String why)
            throws IOException {
        // Move the lock aside first: of two nodes recovering at once only one rename succeeds.
        Path aside = store.lockFile().resolveSibling("lock.recovered." + thisPid() + "." + System.nanoTime());
        try {
            Files.move(store.lockFile(), aside);
        } catch (NoSuchFileException someoneElseDidIt) {
            return Optional.empty();
        }
        Optional<LockHolder> moved = LockHolder.read(aside);
        if (moved.isEmpty() || !moved.get().jobId().equals(holder.jobId())) {
            // We took a lock that a faster node had just created after recovering: give it back.
            try {
                Files.move(aside, store.lockFile());
            } catch (FileAlreadyExistsException e) {
                Files.deleteIfExists(aside);
            }
            return Optional.empty();
        }
        Files.deleteIfExists(aside);
        // Before marking the record crashed: a stalled holder's staged record write can no longer land over it.
        store.evictStagingOf(holder);
        LOG.warning("recovered the job lock of " + holder.jobId() + ": " + why);
        if (record.isPresent() && !record.get().state().terminal()) {
            JobRecord crashed = record.get().with(JobState.FAILED, Instant.now(clock), true,
                    "crashed (" + why + "); run the same command again to resume it");
            store.write(crashed);
            return Optional.of(crashed);
        }
        return Optional.empty();
    }

    /**
     * Releases the lock if this taking still holds it: a job resumed elsewhere under the same id holds another
     * generation, and its lock stays. (Between the read and the delete another node could recover the lock only if
     * this holder had been silent for {@code staleAfter} within those two requests.)
     */
    void release(LockHolder taken) throws IOException {
        Optional<LockHolder> holder = store.lockHolder();
        if (holder.isPresent() && holder.get().sameTaking(taken)) {
            Files.deleteIfExists(store.lockFile());
        }
    }

    /** Touches the lock so its age shows the holder is alive even before its record exists. */
    void touch() throws IOException {
        Files.setLastModifiedTime(store.lockFile(), java.nio.file.attribute.FileTime.from(Instant.now(clock)));
    }

    static String busyMessage(LockHolder holder, Optional<JobRecord> record) {
        StringBuilder text = new StringBuilder("another job is running: ").append(holder.jobId().isEmpty()
                ? "(starting)" : holder.jobId());
        record.ifPresent(r -> text.append(" (").append(r.kind().commandName()).append(", ")
                .append(r.state().display()).append(" since ").append(r.started()).append(")"));
        text.append(" on ").append(holder.host()).append(" pid ").append(holder.pid())
                .append("; only one job runs at a time per file system (copytool jobs shows it, copytool cancel ")
                .append(holder.jobId()).append(" stops it)");
        return text.toString();
    }
}
