package io.azlhsm.copytool.jobs.requests;

import io.azlhsm.copytool.jobs.JobChanges;
import io.azlhsm.copytool.lustre.HsmCurrentAction;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.HsmProgressState;
import io.azlhsm.copytool.lustre.HsmUserAction;
import io.azlhsm.copytool.lustre.HsmUserRequest;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.operations.FailureNote;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Issues one kind of HSM request for many files through the coordinator, in batches, with at most
 * {@code maxOutstanding} of them waiting or running at any time, and reports how each ended.
 *
 * <p>The coordinator itself runs only {@code max_requests} actions at once and keeps the rest queued; a job that
 * queued millions of requests would still swamp its action log and every agent's view of it (AMLFS's guidance:
 * batches of 1,000-5,000 restores). So a file counts as outstanding from the request that names it until its action
 * ended, and how it ended is reported.
 *
 * <p>How an end is seen: {@code llapi_hsm_current_action} would say so, but on an MDS each call walks the whole HSM
 * action log (mdt_hsm_get_action: cdt_llog_process over every record), so asking it about every file in a loop loads
 * the coordinator more as the queue grows. Instead each file's HSM state (an attribute of the file, cheap) shows a
 * success ({@link RequestKind#failure} empty: archived and clean, no longer released), and the {@link FailureNote} a
 * copytool of ours leaves before it ends an action shows a failure (one that differs from the note the file had
 * when it was submitted). Only a file that shows neither (an action canceled, timed out by the coordinator or failed
 * by another copytool leaves no trace in either) once {@link #DEFAULT_ACTION_CHECK_AFTER} has passed both since its
 * request and since any file of ours last showed an end is asked about with {@code llapi_hsm_current_action}, then
 * at doubling intervals up to {@link #MAX_ACTION_CHECK_INTERVAL}. The second condition keeps a file that merely
 * waits its turn from being asked: with a thousand queued and the agents ending a hundred a second, every file at
 * the head had waited more than 5 s since its request, and a loaded benchmark run asked about one file in five.
 *
 * <p>How often: each read of a file whose action has not ended yet is a request to the MDS that learns nothing, so
 * polling passes are paced to find about {@link #ENDS_PER_PASS} ends each (the interval halves when a pass finds many
 * more, doubles when it finds few, between {@link #MIN_POLL_INTERVAL_NANOS} and {@link #MAX_POLL_INTERVAL_NANOS}); and
 * a job at its bound waits until there is room for a whole batch before it sends more, so its requests go out full
 * (52 files) and it does not poll again for every file that ends. Both count a file that ended as outstanding a little
 * longer, which errs on the safe side of the bound; with the default bounds (1,000 or more) the coordinator, which
 * runs {@code max_requests} actions at once, still has plenty queued.
 *
 * <p>Not thread-safe: one job thread submits, waits and receives the outcomes (on that thread).
 */
public final class BoundedHsmRequests {
    /** Items per llapi_hsm_request: as many as the client accepts in one request without data (52). */
    static final int MAX_ITEMS_PER_REQUEST = HsmUserRequest.maxItems(0);
    /** A partly filled batch goes out after this long, so a slow walk does not leave the coordinator idle. */
    private static final long BATCH_LINGER_NANOS = 200_000_000L;
    private static final long PROGRESS_POLL_NANOS = 1_000_000_000L;
    /** Ends a polling pass should find: up to {@link #PENDING_LOOKAHEAD} reads of files still pending go with them. */
    static final int ENDS_PER_PASS = 64;
    static final long MIN_POLL_INTERVAL_NANOS = 20_000_000L;
    static final long MAX_POLL_INTERVAL_NANOS = 1_000_000_000L;
    /** Files in a row found still pending after which a polling pass stops (see {@link #pollOnce}). */
    static final int PENDING_LOOKAHEAD = 16;
    /** How long after its request a file that shows neither success nor a failure note is first asked about. */
    static final Duration DEFAULT_ACTION_CHECK_AFTER = Duration.ofSeconds(5);
    static final Duration MAX_ACTION_CHECK_INTERVAL = Duration.ofSeconds(60);

    private final HsmFiles hsm;
    private final JobChanges changes;
    private final Path mount;
    private final RequestKind kind;
    private final int archiveId;
    private final int maxOutstanding;
    private final int batchSize;
    /** At the bound, how many of ours must have ended before more are sent: a batch, or half the bound if smaller. */
    private final int refillRoom;
    private final CancelCheck cancel;
    private final Consumer<RequestOutcome> outcomes;
    private final List<Submitted> pending = new ArrayList<>();
    private List<Submitted> outstanding = new ArrayList<>();
    private Duration actionCheckAfter = DEFAULT_ACTION_CHECK_AFTER;
    private long oldestPendingNanos;
    /** When a file of ours last showed its end (a success or a failure note): the agents are moving our queue. */
    private long lastEndSeenNanos = System.nanoTime();
    private long lastPollNanos = System.nanoTime();
    private long pollIntervalNanos = MIN_POLL_INTERVAL_NANOS;
    private long statesRead;
    private int peakOutstanding;
    private long requestsIssued;
    private long actionChecks;

    /**
     * @param changes        where the requests are made (a dry run's records them, and each file then counts as
     *                       succeeded: what the agent would have made of it cannot be known without asking it)
     * @param mount          the client mount (selects the file system of every request)
     * @param archiveId      archive id for ARCHIVE (0: the file's, else the coordinator's default); ignored by restore
     * @param maxOutstanding at most this many of our files waiting or running at the coordinator
     * @param outcomes       told once per submitted file how it ended
     */
    public BoundedHsmRequests(HsmFiles hsm, JobChanges changes, Path mount, RequestKind kind, int archiveId,
                              int maxOutstanding, CancelCheck cancel, Consumer<RequestOutcome> outcomes) {
        if (maxOutstanding < 1) {
            throw new IllegalArgumentException("at most " + maxOutstanding + " outstanding requests: need 1 or more");
        }
        this.hsm = hsm;
        this.changes = changes;
        this.mount = mount;
        this.kind = kind;
        this.archiveId = archiveId;
        this.maxOutstanding = maxOutstanding;
        this.batchSize = Math.min(maxOutstanding, MAX_ITEMS_PER_REQUEST);
        this.refillRoom = Math.max(1, Math.min(batchSize, maxOutstanding / 2));
        this.cancel = cancel;
        this.outcomes = outcomes;
    }

    /**
     * Queues a file; blocks (polling) while {@code maxOutstanding} of ours are already at the coordinator, until
     * there is room for a batch.
     */
    public void submit(RequestedFile file) throws Exception {
        while (outstanding.size() + pending.size() >= maxOutstanding) {
            if (!pending.isEmpty()) {
                flush();
            } else {
                awaitOutstandingAtMost(maxOutstanding - refillRoom);
            }
        }
        if (pending.isEmpty()) {
            oldestPendingNanos = System.nanoTime();
        }
        // by FID, as the polls read it: one lookup of the file, not one per directory of its path
        pending.add(new Submitted(file, noteOf(fidPath(file))));
        if (pending.size() >= batchSize || System.nanoTime() - oldestPendingNanos > BATCH_LINGER_NANOS) {
            flush();
        }
        if (!outstanding.isEmpty() && System.nanoTime() - lastPollNanos > PROGRESS_POLL_NANOS) {
            pollOnce(); // outcomes (and so progress) keep coming during a long walk that never fills the bound
        }
    }

    /**
     * Sends a partly filled batch now: the caller is about to wait for its next file (a file list still being
     * written), and the linger that {@link #submit} applies would otherwise wait for that file too.
     */
    public void sendQueued() throws Exception {
        flush();
    }

    /** Sends what is queued and waits until every submitted file has an outcome. */
    public void finish() throws Exception {
        flush();
        awaitOutstandingAtMost(0);
    }

    /**
     * Asks the coordinator to cancel our outstanding requests (a job being cancelled) and forgets them and anything
     * not yet sent; they get no outcome. Best effort: a cancel the coordinator refuses is ignored.
     */
    public void cancelOutstanding() {
        pending.clear();
        List<RequestedFile> toCancel = outstanding.stream().map(Submitted::file).toList();
        outstanding = new ArrayList<>();
        for (int from = 0; from < toCancel.size(); from += MAX_ITEMS_PER_REQUEST) {
            List<RequestedFile> batch = toCancel.subList(from, Math.min(toCancel.size(), from + MAX_ITEMS_PER_REQUEST));
            try {
                request(HsmUserAction.CANCEL, batch);
            } catch (LustreException whole) {
                for (RequestedFile file : batch) {
                    try {
                        request(HsmUserAction.CANCEL, List.of(file));
                    } catch (LustreException ignored) {
                        // the file went away or its action ended meanwhile: nothing left to cancel
                    }
                }
            }
        }
    }

    /** Our files waiting or running at the coordinator now. */
    public int outstanding() {
        return outstanding.size();
    }

    /** The most of our files ever outstanding at once. */
    public int peakOutstanding() {
        return peakOutstanding;
    }

    /** llapi_hsm_request calls made (batches and single-file retries). */
    public long requestsIssued() {
        return requestsIssued;
    }

    /** HSM states read while polling (llapi_hsm_state_get): one per file that ended, plus the reads that found it pending. */
    public long statesRead() {
        return statesRead;
    }

    /** llapi_hsm_current_action calls made: only for files that showed neither a success nor a failure note. */
    public long actionChecks() {
        return actionChecks;
    }

    /** How long after its request a file without a visible end is first asked about (tests shorten or lengthen it). */
    void actionCheckAfter(Duration after) {
        this.actionCheckAfter = after;
    }

    private void flush() throws Exception {
        if (pending.isEmpty()) {
            return;
        }
        cancel.check();
        List<Submitted> batch = List.copyOf(pending);
        pending.clear();
        try {
            request(kind.action(), batch.stream().map(Submitted::file).toList());
            accepted(batch);
        } catch (LustreException whole) {
            // One bad item (deleted meanwhile, never_archive set, ...) refuses the whole request: find it alone.
            for (Submitted submitted : batch) {
                try {
                    request(kind.action(), List.of(submitted.file()));
                    accepted(List.of(submitted));
                } catch (LustreException one) {
                    outcomes.accept(new RequestOutcome(submitted.file(), Optional.of("the coordinator refused the "
                            + kind.action() + " request: " + one.getMessage())));
                }
            }
        }
        peakOutstanding = Math.max(peakOutstanding, outstanding.size());
    }

    /** Files the coordinator took: outstanding until their action ends; in a dry run (no request made) done. */
    private void accepted(List<Submitted> files) {
        if (!changes.dryRun()) {
            long firstCheck = System.nanoTime() + actionCheckAfter.toNanos();
            for (Submitted file : files) {
                file.nextActionCheckNanos = firstCheck;
                file.actionCheckIntervalNanos = actionCheckAfter.toNanos();
                outstanding.add(file);
            }
            return;
        }
        for (Submitted file : files) {
            outcomes.accept(new RequestOutcome(file.file(), Optional.empty()));
        }
    }

    private void request(HsmUserAction action, List<RequestedFile> files) throws LustreException {
        List<LuFid> fids = files.stream().map(RequestedFile::fid).toList();
        requestsIssued++;
        changes.applyToAll("request " + action, files.stream().map(f -> f.path().toString()).toList(),
                () -> hsm.request(mount, action, action == HsmUserAction.ARCHIVE ? archiveId : 0, 0, fids,
                        new byte[0]));
    }

    /** Polls our outstanding files, a pass per poll interval, until at most {@code target} are left. */
    private void awaitOutstandingAtMost(int target) throws Exception {
        while (outstanding.size() > target) {
            cancel.check();
            long wait = lastPollNanos + pollIntervalNanos - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            int before = outstanding.size();
            int ended = pollOnce();
            // paced to find about ENDS_PER_PASS ends a pass (all that are left, near the end)
            int wanted = Math.min(ENDS_PER_PASS, before);
            if (ended >= 2 * wanted) {
                pollIntervalNanos = Math.max(MIN_POLL_INTERVAL_NANOS, pollIntervalNanos / 2);
            } else if (2 * ended < wanted) {
                pollIntervalNanos = Math.min(MAX_POLL_INTERVAL_NANOS, pollIntervalNanos * 2);
            }
        }
    }

    /**
     * One pass over our outstanding files in submission order. The coordinator dispatches waiting requests in
     * their order, so after {@link #PENDING_LOOKAHEAD} files in a row still pending the rest are left for a later
     * pass: asking about thousands of queued (or dozens of running) files on every pass would load the coordinator
     * and the agents more than the requests themselves. A file that ends out of order is only noticed later; until
     * then it still counts as outstanding, which errs on the safe side of the bound.
     */
    private int pollOnce() {
        lastPollNanos = System.nanoTime();
        List<Submitted> still = new ArrayList<>(outstanding.size());
        int ended = 0;
        int pendingInARow = 0;
        for (int i = 0; i < outstanding.size(); i++) {
            Submitted file = outstanding.get(i);
            if (pendingInARow >= PENDING_LOOKAHEAD) {
                still.addAll(outstanding.subList(i, outstanding.size()));
                break;
            }
            if (pendingState(file) == null) {
                ended++;
                pendingInARow = 0;
                continue;
            }
            pendingInARow++;
            still.add(file);
        }
        outstanding = still;
        return ended;
    }

    /**
     * What the agent that failed the file's action said: its {@link FailureNote} (errno, reason, host, time), which
     * it leaves before ending the action. Without one, where to look.
     */
    private static String agentCause(Path file) {
        try {
            return FailureNote.read(file).map(note -> "; " + note.describe())
                    .orElse("; the agent left no failure note on the file (see the data movers' logs)");
        } catch (IOException e) {
            return "; cannot read the agent's failure note " + FailureNote.XATTR + ": " + e.getMessage();
        }
    }

    /**
     * WAITING or RUNNING while the file's action is pending (or not yet known to have ended); null once it ended (its
     * outcome is then reported).
     */
    private HsmProgressState pendingState(Submitted submitted) {
        Path path = fidPath(submitted.file());
        Optional<String> failure;
        try {
            statesRead++;
            HsmUserState state = hsm.state(path);
            if (kind.failure(state).isEmpty()) {
                lastEndSeenNanos = System.nanoTime();
                outcomes.accept(new RequestOutcome(submitted.file(), Optional.empty()));
                return null;
            }
            Optional<FailureNote> note = noteOf(path);
            if (note.isPresent() && !note.equals(submitted.noteWhenSubmitted())
                    && note.get().action().equals(kind.action().name())) {
                // left just before the agent ended the action: the state read above is the final one
                lastEndSeenNanos = System.nanoTime();
                failure = kind.failure(state).map(f -> f + "; " + note.get().describe());
            } else if (System.nanoTime() - submitted.nextActionCheckNanos < 0
                    || System.nanoTime() - (lastEndSeenNanos + actionCheckAfter.toNanos()) < 0) {
                return HsmProgressState.WAITING; // not due, or still in a queue that moves
            } else {
                actionChecks++;
                HsmCurrentAction action = hsm.currentAction(path);
                // A file with no action reads HUA_NONE with state WAITING (the MDT's zeroed status): the action decides.
                if (action.action() != HsmUserAction.NONE && (action.state() == HsmProgressState.WAITING
                        || action.state() == HsmProgressState.RUNNING)) {
                    submitted.actionCheckIntervalNanos = Math.min(MAX_ACTION_CHECK_INTERVAL.toNanos(),
                            submitted.actionCheckIntervalNanos * 2);
                    submitted.nextActionCheckNanos = System.nanoTime() + submitted.actionCheckIntervalNanos;
                    return action.state();
                }
                // ended since the state was read, perhaps with success: read it again
                failure = kind.failure(hsm.state(path)).map(f -> f + agentCause(path));
            }
        } catch (LustreException e) {
            failure = Optional.of("cannot read its HSM state after the " + kind.action()
                    + " request (deleted meanwhile?): " + e.getMessage());
        }
        outcomes.accept(new RequestOutcome(submitted.file(), failure));
        return null;
    }

    /**
     * The file by FID (the jobs run as root): one lookup of the file, not one per directory of its path, each pass;
     * and a file renamed meanwhile is still found.
     */
    private Path fidPath(RequestedFile file) {
        return mount.resolve(".lustre").resolve("fid").resolve(file.fid().bracketed());
    }

    /** The file's failure note now; empty without one, or when it cannot be read (the state still decides). */
    private static Optional<FailureNote> noteOf(Path file) {
        try {
            return FailureNote.read(file);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A submitted file, with what is needed to see its action's end without asking the coordinator. */
    private static final class Submitted {
        private final RequestedFile file;
        private final Optional<FailureNote> noteWhenSubmitted;
        private long nextActionCheckNanos;
        private long actionCheckIntervalNanos;

        Submitted(RequestedFile file, Optional<FailureNote> noteWhenSubmitted) {
            this.file = file;
            this.noteWhenSubmitted = noteWhenSubmitted;
        }

        RequestedFile file() {
            return file;
        }

        Optional<FailureNote> noteWhenSubmitted() {
            return noteWhenSubmitted;
        }
    }
}
