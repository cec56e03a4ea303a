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
 * The one-job-per-file-system lock: a file {@code <mount>/.azlhsm/lock} created exclusively, naming the job, host and
 * pid. A lock left by a crashed job is recovered: when its process is gone (same host), or when its job's heartbeat
 * is older than {@code staleAfter} (another host, whose processes this node cannot see). The crashed job's record
 * is then marked FAILED and crashed, so a new run with the same parameters can resume it.
 */
final class JobLock {
    private static final Logger LOG = Logger.getLogger(JobLock.class.getName());
    private static final int ATTEMPTS = 5;

    private final JobStore store;
    private final Duration staleAfter;
    private final Clock clock;

    JobLock(JobStore store, Duration staleAfter, Clock clock) {
        this.store = store;
        this.staleAfter = staleAfter;
        this.clock = clock;
    }

    /** This process's identity in the lock. */
    static String thisHost() {
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
     * @return the record of the crashed job whose lock was recovered, if there was one
     * @throws JobBusyException when a live job holds it
     */
    Optional<JobRecord> acquire(String jobId) throws IOException, JobBusyException {
        Optional<JobRecord> recovered = Optional.empty();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (tryCreate(jobId)) {
                return recovered;
            }
            Optional<LockHolder> holder = store.lockHolder();
            if (holder.isEmpty()) {
                continue; // released between our attempt and the read
            }
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

    private boolean tryCreate(String jobId) throws IOException {
        LockHolder me = new LockHolder(jobId, thisHost(), thisPid(), Instant.now(clock));
        try {
            Files.writeString(store.lockFile(), me.encode(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
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
        LOG.warning("recovered the job lock of " + holder.jobId() + ": " + why);
        if (record.isPresent() && !record.get().state().terminal()) {
            JobRecord crashed = record.get().with(JobState.FAILED, Instant.now(clock), true,
                    "crashed (" + why + "); run the same command again to resume it");
            store.write(crashed);
            return Optional.of(crashed);
        }
        return Optional.empty();
    }

    /** Releases the lock if {@code jobId} still holds it. */
    void release(String jobId) throws IOException {
        Optional<LockHolder> holder = store.lockHolder();
        if (holder.isPresent() && holder.get().jobId().equals(jobId)) {
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
