package io.azlhsm.copytool.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Fences a running job's writes to shared state with its lock's generation (see {@link JobLock}): a write is made only
 * while the job's claim {@code <mount>/.azlhsm/locks/<generation>-<random>} is still there. Once it is not (another
 * node found the job silent for {@code staleAfter} and recovered the claim), every later write is refused with
 * {@link JobLockLostException} naming the new holder, and the job stops.
 *
 * <p>Two strengths of check:
 * <ul>
 *   <li>{@link #verify} reads the job's claim: before each write of the job's record (state, counters, checkpoint),
 *   import marker, log copy, check report and changelog clear. The lock is in Lustre, and POSIX has no write
 *   conditional on another file, so a write that races the takeover inside its own request (the holder stalls after
 *   the read and before the write lands) could still land once: the classic fencing gap. It is closed where something
 *   atomic can close it: the record is renamed out of a staging directory that a recovery renames away first
 *   ({@link JobStore#stagingDirectory}), and the log blob is put with If-Match and the generation in its metadata
 *   ({@link ContainerLogSink}). For a marker, report or changelog clear one such write remains possible.</li>
 *   <li>{@link #check} is the cheap one for per-item work (a stub, a log line, a cancel point): it reads the claim
 *   only when the last successful read is older than {@code trustFor}. A holder stalled longer than that (the only
 *   kind whose claim can be recovered, as {@code trustFor} is well below {@code staleAfter}) reads the claim again
 *   before its next item. The same gap applies: an item already past its check when the stall began completes.</li>
 * </ul>
 * Both measure time with this process's monotonic clock, which a stall (or a stopped process) advances like any
 * other: no wall-clock agreement between nodes is needed for the holder to notice.
 */
public final class JobFence {
    private static final Logger LOG = Logger.getLogger(JobFence.class.getName());

    private final JobStore store;
    private final LockHolder taken;
    private final long trustForNanos;
    private volatile long verifiedAt;
    private volatile JobLockLostException lost;

    JobFence(JobStore store, LockHolder taken, Duration trustFor) {
        this.store = store;
        this.taken = taken;
        this.trustForNanos = trustFor.toNanos();
        this.verifiedAt = System.nanoTime();
    }

    /**
     * A dry run's fence: it holds no lock (it writes no shared state), so there is nothing to lose and every check
     * passes.
     */
    static JobFence unlocked(LockHolder notTaken) {
        return new JobFence(null, notTaken, Duration.ZERO);
    }

    /** This job's taking of the lock (its generation is the fencing token). */
    public LockHolder taken() {
        return taken;
    }

    /** True once a check found the lock taken by another: the job must stop, writing nothing more. */
    public boolean lost() {
        return lost != null;
    }

    /** The first refusal's text: which job lost which generation, and who holds the lock now. */
    public String lostMessage() {
        JobLockLostException first = lost;
        return first == null ? "" : first.getMessage();
    }

    /**
     * Reads the job's claim and refuses {@code what} unless it is still there, this taking's.
     *
     * @throws JobLockLostException when another node took the lock (then every later check throws too)
     * @throws IOException          when the lock cannot be read (the write is not made either)
     */
    public void verify(String what) throws IOException {
        JobLockLostException already = lost;
        if (already != null) {
            throw refusal(already, what);
        }
        if (store == null) {
            return; // unlocked(): a dry run
        }
        Optional<LockHolder> now = store.claimOf(taken);
        if (now.isPresent() && now.get().sameTaking(taken)) {
            verifiedAt = System.nanoTime();
            return;
        }
        JobLockLostException first = lostTo(successor());
        synchronized (this) {
            if (lost == null) {
                lost = first;
                LOG.severe(first.getMessage());
            }
        }
        throw refusal(lost, what);
    }

    /** {@link #verify} when the last successful read is older than {@code trustFor}; otherwise only the lost flag. */
    public void check(String what) {
        JobLockLostException already = lost;
        if (already != null) {
            throw refusal(already, what);
        }
        if (store != null && System.nanoTime() - verifiedAt > trustForNanos) {
            try {
                verify(what);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the job lock claim " + store.claimFile(taken)
                        + " to confirm job "
                        + taken.jobId() + " still holds it: " + e.getMessage(), e);
            }
        }
    }

    /**
     * Who took over once this taking's claim is gone: the claim of the same job (resumed elsewhere), or else one
     * whose paths overlap this job's; empty when none holds one (yet, or any more).
     */
    private Optional<LockHolder> successor() {
        try {
            List<LockHolder> holders = store.lockHolders();
            return holders.stream().filter(h -> !h.sameTaking(taken) && h.jobId().equals(taken.jobId())).findFirst()
                    .or(() -> holders.stream().filter(h -> !h.sameTaking(taken))
                            .filter(h -> h.scope().overlaps(taken.scope())).findFirst());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private JobLockLostException lostTo(Optional<LockHolder> now) {
        String holder = now.map(h -> "now held by " + h.describe())
                .orElse("its claim " + store.claimFile(taken) + " is gone (recovered by another node, which has not"
                        + " taken the paths yet or has already ended)");
        return new JobLockLostException("job " + taken.jobId() + " lost its lock (generation " + taken.generation()
                + ", host " + taken.host() + " pid " + taken.pid() + ") after a stall: " + holder
                + "; it stops and writes nothing more");
    }

    private static JobLockLostException refusal(JobLockLostException cause, String what) {
        return new JobLockLostException(cause.getMessage() + " (refused: " + what + ")");
    }
}
