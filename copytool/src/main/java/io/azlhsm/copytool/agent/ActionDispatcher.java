package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.lustre.HsmActionItem;
import io.azlhsm.copytool.lustre.HsmActionList;
import io.azlhsm.copytool.lustre.HsmCopytoolAction;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.operations.ActionContext;
import io.azlhsm.copytool.operations.ActionOutcome;
import io.azlhsm.copytool.operations.ActionStarter;
import io.azlhsm.copytool.operations.ActionStop;
import io.azlhsm.copytool.operations.ActionTransfer;
import io.azlhsm.copytool.operations.StopPhase;
import io.azlhsm.copytool.operations.StopReason;
import io.azlhsm.copytool.pipeline.TransferPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes action lists from the receive loop and runs each action: restores first, never refusing work.
 *
 * <p>Two bounds, neither ever refusing work with EBUSY. At most {@code maxInFlight} actions are begun and not yet
 * ended ({@link ActionSlots}): starter threads take a slot, then the first action in line (restores first), begin it
 * and prepare its transfer (opening files and asking the archive for the blob are slow), then hand data transfers to
 * the pipeline, which moves a small file on the starter thread itself; the slot comes back when the action ends. One
 * slot and one starter are kept for restores ({@link ActionSlots}, {@link StarterShare}), so that neither long
 * archives nor a stream of small ones, each moved on a starter, make a restore wait to begin.
 * Actions received beyond that wait here, not begun (no descriptor, nothing on Lustre, a few hundred bytes each), and
 * the receive loop goes on reading the coordinator meanwhile, so that a CANCEL reaches a waiting or running action at
 * once; only when {@code maxWaiting} actions wait does it stop reading ({@link #awaitRoom}), and the coordinator's
 * pipe holds the rest (back-pressure). Cancels are applied at once, to waiting, deferred, preparing and running
 * actions alike: an action not begun is ended with ECANCELED, a begun one is stopped through its {@link ActionStop},
 * which interrupts its calls to the archive in flight. Two ARCHIVEs of one FID never run at once in this agent: the
 * second waits (deferred, giving its slot back) for the first and then usually finds the file already archived at its
 * data version.
 *
 * <p>Stopping ({@link #stop}, then {@link #finish}) follows the {@link StopPhase}: restores, received before or during
 * the stop, are carried out within the restore grace, because under the coordinator's default NRA policy any other
 * end fails them and every reader blocked on one gets an error; removes within the shutdown grace; archives in
 * flight get the shutdown grace, and archives not started are held (not ended, which would free a coordinator slot
 * that it fills again at once, with this agent, for as long as the stop lasts) and end when the agent unregisters.
 */
public final class ActionDispatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ActionDispatcher.class.getName());
    /** After the graces: how long stopped actions get to drain their chunks and end before they are abandoned. */
    private static final Duration DRAIN = Duration.ofSeconds(30);

    private final ActionStarter starter;
    private final io.azlhsm.copytool.metrics.AgentMetrics metrics;
    private final StopPhase stopPhase;
    private final PriorityBlockingQueue<PendingAction> queue = new PriorityBlockingQueue<>();
    private final ActionSlots slots;
    private final StarterShare starterShare;
    private final int maxWaiting;
    private final ReentrantLock roomLock = new ReentrantLock();
    private final Condition roomMade = roomLock.newCondition();
    private volatile boolean receivePaused;
    /** Actions by cookie and FID, never by cookie alone: on DNE every MDT's coordinator hands out its own cookies. */
    private final Map<ActionKey, PendingAction> queuedByCookie = new ConcurrentHashMap<>();
    /** Taken from the queue while the agent stops, not to be started: they end when it unregisters. */
    private final Map<ActionKey, PendingAction> held = new ConcurrentHashMap<>();
    /** Begun on a starter thread and not yet a running transfer (a REMOVE stays here until it ends). */
    private final Map<ActionKey, HsmActionItem> starting = new ConcurrentHashMap<>();
    /** The stops of the actions in {@link #starting}; a running transfer keeps the same one. */
    private final Map<ActionKey, ActionStop> startingStops = new ConcurrentHashMap<>();
    private final Map<ActionKey, ActionTransfer> running = new ConcurrentHashMap<>();
    /** Per FID with an ARCHIVE begun here: which one holds the FID, and the duplicates deferred behind it. */
    private final Map<LuFid, FidSlot> archivesWaitingForSameFid = new HashMap<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final ExecutorService starters;
    private volatile boolean closed;
    private volatile boolean graceCut;

    /**
     * @param maxInFlight actions begun and not yet ended, at most ({@code pipeline.max_actions_in_flight})
     * @param maxWaiting  actions received and not begun at which the receive loop stops reading the coordinator
     */
    public ActionDispatcher(ActionContext context, TransferPipeline pipeline, int starterThreads, int maxInFlight,
                            int maxWaiting) {
        this.starter = new ActionStarter(context, pipeline, this::registerRunning, this::actionEnded);
        this.metrics = context.metrics();
        this.stopPhase = context.stopPhase();
        this.slots = new ActionSlots(maxInFlight);
        this.starterShare = new StarterShare(starterThreads);
        this.maxWaiting = maxWaiting;
        this.starters = Executors.newFixedThreadPool(starterThreads, runnable -> {
            Thread thread = new Thread(runnable, "action-starter");
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < starterThreads; i++) {
            starters.execute(this::startLoop);
        }
    }

    /**
     * Queues every item of a list and applies its cancels at once. Never blocks: the receive loop asks
     * {@link #awaitRoom} before it reads a list, so that a cancel is read while actions wait for a slot.
     */
    public void dispatch(HsmActionList list) {
        for (HsmActionItem item : list.items()) {
            if (item.action() == HsmCopytoolAction.CANCEL) {
                cancel(ActionKey.of(item)); // the FID and cookie of the action it cancels
                continue;
            }
            PendingAction pending = new PendingAction(item, list.archiveId(), arrivals.incrementAndGet(), false,
                    System.nanoTime());
            queuedByCookie.put(ActionKey.of(item), pending);
            queue.put(pending);
        }
    }

    /** Restores parked while their blobs are rehydrated from the Archive tier (they count as running too). */
    public io.azlhsm.copytool.operations.Rehydrations rehydrations() {
        return starter.rehydrations();
    }

    /** Running transfers (for progress reports and status). */
    public Iterable<ActionTransfer> runningTransfers() {
        return running.values();
    }

    /**
     * Whether the receive loop may read another list: fewer than {@code maxWaiting} actions wait. Waits up to
     * {@code millis} for one to begin or end when not. A list is read whole, so up to one list's items (about 70 for
     * a real coordinator, whose lists hold at most ~5 KiB) may come on top of {@code maxWaiting}.
     */
    public boolean awaitRoom(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        roomLock.lock();
        try {
            while (queued() >= maxWaiting) {
                receivePaused = true;
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                roomMade.awaitNanos(left);
            }
            receivePaused = false;
            return true;
        } finally {
            roomLock.unlock();
        }
    }

    private void roomMade() {
        roomLock.lock();
        try {
            roomMade.signalAll();
        } finally {
            roomLock.unlock();
        }
    }

    /** Whether the receive loop has stopped reading the coordinator because {@code maxWaiting} actions wait. */
    public boolean receivePaused() {
        return receivePaused;
    }

    /** Actions received and not begun: queued, held by a stop, or deferred behind an archive of the same FID. */
    public int queued() {
        return queue.size() + held.size() + deferred();
    }

    private synchronized int deferred() {
        return archivesWaitingForSameFid.values().stream().mapToInt(slot -> slot.waiting.size()).sum();
    }

    /** Actions begun (or being begun) and not yet ended: at most {@code pipeline.max_actions_in_flight}. */
    public int begun() {
        return slots.inUse();
    }

    public int runningCount() {
        return running.size() + starting.size();
    }

    private void cancel(ActionKey key) {
        // Deferred ones first: a deferred archive handed over meanwhile is found queued below, never neither.
        PendingAction deferred = takeDeferred(key);
        if (deferred != null) {
            roomMade();
            starter.endWithoutStarting(deferred.item(), deferred.archiveId(), ActionOutcome.CANCELED,
                    "canceled while it waited for another ARCHIVE of its file to end");
            return;
        }
        PendingAction queued = queuedByCookie.remove(key);
        if (queued != null) {
            boolean wasQueued = queue.remove(queued);
            if (wasQueued) {
                roomMade();
            }
            if (wasQueued || held.remove(key) != null) {
                starter.endWithoutStarting(queued.item(), queued.archiveId(), ActionOutcome.CANCELED,
                        "canceled before it started");
            }
            // else a starter has just taken it: finding it gone from queuedByCookie, the starter ends it as canceled
            return;
        }
        ActionTransfer transfer = running.get(key);
        ActionStop preparing = startingStops.get(key);
        if (transfer != null) {
            LOG.info(transfer.describe() + ": cancel received");
            transfer.stop(StopReason.CANCELED_BY_COORDINATOR);
        } else if (preparing != null) {
            HsmActionItem begun = starting.get(key);
            LOG.info((begun != null ? begun.action() + " " : "") + key + ": cancel received while it is being"
                    + " prepared");
            preparing.stop(StopReason.CANCELED_BY_COORDINATOR);
        } else {
            LOG.fine(() -> "cancel for " + key + ": no such action here (already ended)");
        }
    }

    /** Removes a duplicate ARCHIVE deferred behind another one of its FID, or returns null when there is none. */
    private synchronized PendingAction takeDeferred(ActionKey key) {
        FidSlot slot = archivesWaitingForSameFid.get(key.fid());
        if (slot == null) {
            return null;
        }
        for (var it = slot.waiting.iterator(); it.hasNext(); ) {
            PendingAction pending = it.next();
            if (ActionKey.of(pending.item()).equals(key)) {
                it.remove();
                return pending;
            }
        }
        return null;
    }

    /**
     * One starter: takes a slot first and only then the first action in line, so that a slot freed while restores
     * and archives wait goes to a restore; begins it with that slot, or gives the slot back when it begins nothing.
     */
    private void startLoop() {
        while (!closed) {
            PendingAction pending;
            try {
                if (!slots.take(200, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                pending = next();
            } catch (InterruptedException e) {
                return;
            }
            if (pending == null) {
                slots.giveBack(false);
                continue;
            }
            try {
                begin(pending);
            } finally {
                starterShare.done(isRestore(pending));
            }
        }
    }

    /** Begins an action taken from the queue with the slot and starter claimed for it, or sets it aside. */
    private void begin(PendingAction pending) {
        roomMade();
        HsmActionItem item = pending.item();
        ActionKey key = ActionKey.of(item);
        if (!stopPhase.mayStart(item.action())) {
            slots.giveBack(!isRestore(pending));
            held.put(key, pending); // queuedByCookie keeps it, so a cancel still finds it
            if (!queuedByCookie.containsKey(key) && held.remove(key) != null) {
                starter.endWithoutStarting(item, pending.archiveId(), ActionOutcome.CANCELED,
                        "canceled before it started");
            }
            return;
        }
        if (queuedByCookie.remove(key) == null) {
            // a cancel took it from the map while this thread took it from the queue: end it here
            slots.giveBack(!isRestore(pending));
            starter.endWithoutStarting(item, pending.archiveId(), ActionOutcome.CANCELED,
                    "canceled before it started");
            return;
        }
        if (!pending.handedOver() && deferIfSameFidArchiving(pending)) {
            LOG.info("ARCHIVE " + key + ": deferred until the ARCHIVE of its file that runs here ends");
            slots.giveBack(!isRestore(pending));
            return;
        }
        // A REMOVE runs its Delete Blob to the end (see ActionStop); anything else may be interrupted.
        ActionStop stop = new ActionStop(item.action() != HsmCopytoolAction.REMOVE);
        startingStops.put(key, stop);
        starting.put(key, item);
        slots.assign(key); // given back by actionEnded, whichever way the action ends
        metrics.waited(item.action().name().toLowerCase(java.util.Locale.ROOT), System.nanoTime()
                - pending.receivedNanos());
        try {
            starter.start(item, pending.archiveId(), stop);
        } catch (RuntimeException bug) {
            LOG.log(Level.SEVERE, "starting cookie 0x" + Long.toHexString(item.cookie()) + " failed", bug);
        } finally {
            starting.remove(key);
            startingStops.remove(key);
        }
    }

    /**
     * The first action in line, with the slot just taken claimed for it ({@link ActionSlots#claim}) and this starter
     * too ({@link StarterShare#claim}), waiting up to 200 ms for one. When only the restores' slot or starter is left
     * and the first in line is not a restore (restores come first, so none waits), it goes back in line, and this
     * waits for a restore to come or another action to end.
     */
    private PendingAction next() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        while (true) {
            PendingAction first = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (first == null) {
                return null;
            }
            boolean restore = isRestore(first);
            if (starterShare.claim(restore)) {
                if (slots.claim(restore)) {
                    return first;
                }
                starterShare.done(restore);
            }
            queue.put(first); // keeps its place: the queue orders by arrival
            if (System.nanoTime() - deadline >= 0) {
                return null;
            }
            Thread.sleep(10);
        }
    }

    private static boolean isRestore(PendingAction pending) {
        return pending.item().action() == HsmCopytoolAction.RESTORE;
    }

    private synchronized boolean deferIfSameFidArchiving(PendingAction pending) {
        if (pending.item().action() != HsmCopytoolAction.ARCHIVE) {
            return false;
        }
        LuFid fid = pending.item().fid();
        FidSlot slot = archivesWaitingForSameFid.get(fid);
        if (slot == null) {
            archivesWaitingForSameFid.put(fid, new FidSlot(ActionKey.of(pending.item())));
            return false;
        }
        slot.waiting.add(pending);
        return true;
    }

    /** The ARCHIVE of a FID that runs here, and the duplicates deferred until it ends. */
    private static final class FidSlot {
        ActionKey holder;
        final List<PendingAction> waiting = new ArrayList<>();

        FidSlot(ActionKey holder) {
            this.holder = holder;
        }
    }

    private void registerRunning(ActionTransfer transfer) {
        running.put(ActionKey.of(transfer.item()), transfer);
        HsmCopytoolAction kind = transfer.kind();
        if (stopPhase.graceOver(kind)) {
            transfer.stop(StopReason.AGENT_STOPPING); // prepared after its grace ended
        }
    }

    /** Called once per ended action (any kind): frees its FID for a deferred duplicate archive. */
    private void actionEnded(HsmActionItem item) {
        running.remove(ActionKey.of(item));
        slots.ended(ActionKey.of(item), item.action() == HsmCopytoolAction.RESTORE);
        roomMade(); // an action held by a stop or canceled while waiting no longer counts as waiting
        if (item.action() != HsmCopytoolAction.ARCHIVE) {
            return;
        }
        PendingAction next;
        synchronized (this) {
            FidSlot slot = archivesWaitingForSameFid.get(item.fid());
            if (slot == null || !slot.holder.equals(ActionKey.of(item))) {
                return; // not the FID's holder (a duplicate ended while queued or deferred): the holder runs on
            }
            if (slot.waiting.isEmpty()) {
                archivesWaitingForSameFid.remove(item.fid());
                return;
            }
            next = slot.waiting.remove(0).handOver(); // the map entry stays: next now holds this FID's slot
            slot.holder = ActionKey.of(next.item());
            queuedByCookie.put(slot.holder, next); // before it leaves the slot's list: a cancel always finds it
        }
        // Back through the queue (never blocking this finisher thread on the queue bound); it starts without being
        // deferred again and usually finds the file already archived at its data version. While the agent stops,
        // a starter holds it instead.
        queue.put(next);
    }

    /**
     * The graces of a stop; the receive loop still runs, so restores that come in meanwhile are served too. Archives
     * no longer start, running ones get {@code grace} and then stop; removes start and run for {@code grace};
     * restores for {@code restoreGrace} (counted from the same moment; never shorter than {@code grace}, since
     * restores run on while archives have their grace). Returns when nothing that may still run is left, or both
     * graces are over, or {@link #endGraceNow} was called.
     */
    public void stop(Duration grace, Duration restoreGrace) {
        long start = System.nanoTime();
        restoreGrace = restoreGrace.compareTo(grace) < 0 ? grace : restoreGrace;
        stopPhase.begin();
        LOG.info("stopping: " + runningCount() + " actions running, " + queued() + " waiting; archives and removes"
                + " get " + grace.toSeconds() + " s, restores " + restoreGrace.toSeconds() + " s to finish");
        awaitUntil(() -> !anyMayRun(kind -> kind != HsmCopytoolAction.RESTORE), start + grace.toNanos());
        stopPhase.endOthers();
        stopRunning(kind -> kind != HsmCopytoolAction.RESTORE);
        awaitUntil(() -> !anyMayRun(kind -> kind == HsmCopytoolAction.RESTORE), start + restoreGrace.toNanos());
        stopPhase.endRestores();
        stopRunning(kind -> true);
    }

    /**
     * After {@link #stop} and once the receive loop has stopped: ends every action not started with ESHUTDOWN and
     * HP_FLAG_RETRY, stops every running one, and waits a little for them to end.
     *
     * @return the actions that still have not ended (a transfer stuck in a call): they are abandoned, and the
     *         coordinator ends their requests at its active_request_timeout
     */
    public List<String> finish() {
        stopPhase.endRestores();
        endNotStarted();
        stopRunning(kind -> true);
        long drained = System.nanoTime() + DRAIN.toNanos(); // even after a second signal: stopped chunks only skip
        while (runningCount() > 0 && System.nanoTime() - drained < 0) {
            sleep(50);
        }
        endNotStarted(); // an archive handed over by one that ended meanwhile
        List<String> abandoned = new ArrayList<>();
        running.values().forEach(transfer -> abandoned.add(transfer.describe()));
        starting.values().stream().filter(item -> !running.containsKey(ActionKey.of(item)))
                .forEach(item -> abandoned.add(item.action() + " " + item.fid().bracketed() + " cookie 0x"
                        + Long.toHexString(item.cookie())));
        return abandoned;
    }

    /** Ends queued, held and deferred actions with ESHUTDOWN and HP_FLAG_RETRY. */
    private void endNotStarted() {
        List<PendingAction> left = new ArrayList<>();
        queue.drainTo(left);
        for (ActionKey key : held.keySet()) {
            PendingAction pending = held.remove(key);
            if (pending != null) {
                left.add(pending);
            }
        }
        List<PendingAction> deferred = new ArrayList<>();
        synchronized (this) {
            archivesWaitingForSameFid.values().forEach(slot -> deferred.addAll(slot.waiting));
            archivesWaitingForSameFid.clear();
        }
        for (PendingAction pending : left) {
            if (queuedByCookie.remove(ActionKey.of(pending.item())) != null) {
                starter.endWithoutStarting(pending.item(), pending.archiveId(), ActionOutcome.STOPPING,
                        "agent stopping");
            }
        }
        for (PendingAction pending : deferred) { // left queuedByCookie when a starter deferred them
            starter.endWithoutStarting(pending.item(), pending.archiveId(), ActionOutcome.STOPPING, "agent stopping");
        }
    }

    /** Ends a running {@link #stop} grace period at once (a second SIGTERM). */
    public void endGraceNow() {
        graceCut = true;
    }

    /** Whether an action of a kind the filter accepts is running, being started, or queued and allowed to start. */
    private boolean anyMayRun(Predicate<HsmCopytoolAction> kinds) {
        return running.values().stream().anyMatch(t -> kinds.test(t.kind()))
                || starting.values().stream().anyMatch(item -> kinds.test(item.action()))
                || queue.stream().anyMatch(p -> kinds.test(p.item().action()) && stopPhase.mayStart(p.item().action()));
    }

    private void stopRunning(Predicate<HsmCopytoolAction> kinds) {
        for (ActionTransfer transfer : running.values()) {
            if (kinds.test(transfer.kind())) {
                transfer.stop(StopReason.AGENT_STOPPING);
            }
        }
    }

    private void awaitUntil(BooleanSupplier done, long deadlineNanos) {
        while (!done.getAsBoolean() && System.nanoTime() - deadlineNanos < 0 && !graceCut) {
            sleep(50);
        }
    }

    @Override
    public void close() {
        closed = true;
        starters.shutdownNow();
        starter.rehydrations().close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
