package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.lustre.HsmActionItem;
import io.azlhsm.copytool.lustre.HsmActionList;
import io.azlhsm.copytool.lustre.HsmCopytoolAction;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.operations.ActionContext;
import io.azlhsm.copytool.operations.ActionOutcome;
import io.azlhsm.copytool.operations.ActionStarter;
import io.azlhsm.copytool.operations.ActionTransfer;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Takes action lists from the receive loop and runs each action: restores first, never refusing work.
 *
 * <p>The receive loop hands items over and returns; it blocks only when {@code maxQueued} actions are already waiting
 * (back-pressure on the coordinator's pipe, never EBUSY). Starter threads begin each action and prepare its transfer
 * (opening files and asking the archive for the blob are slow), then hand data transfers to the pipeline, which moves
 * a small file on the starter thread itself. Cancels are
 * applied at once, to queued and running actions alike. Two ARCHIVEs of one FID never run at once in this agent: the
 * second waits for the first and then usually finds the file already archived at its data version.
 */
public final class ActionDispatcher implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ActionDispatcher.class.getName());

    private final ActionStarter starter;
    private final PriorityBlockingQueue<PendingAction> queue = new PriorityBlockingQueue<>();
    private final Semaphore queueSlots;
    private final Map<Long, PendingAction> queuedByCookie = new ConcurrentHashMap<>();
    private final Map<Long, ActionTransfer> running = new ConcurrentHashMap<>();
    private final Map<LuFid, List<PendingAction>> archivesWaitingForSameFid = new HashMap<>();
    private final AtomicLong arrivals = new AtomicLong();
    private final AtomicInteger startsInProgress = new AtomicInteger();
    private final ExecutorService starters;
    private volatile boolean accepting = true;
    private volatile boolean graceCut;

    public ActionDispatcher(ActionContext context, TransferPipeline pipeline, int starterThreads, int maxQueued) {
        this.starter = new ActionStarter(context, pipeline, this::registerRunning, this::actionEnded);
        this.queueSlots = new Semaphore(maxQueued);
        this.starters = Executors.newFixedThreadPool(starterThreads, runnable -> {
            Thread thread = new Thread(runnable, "action-starter");
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < starterThreads; i++) {
            starters.execute(this::startLoop);
        }
    }

    /** Queues every item of a list; applies cancels at once. Blocks while the queue is full. */
    public void dispatch(HsmActionList list) throws InterruptedException {
        for (HsmActionItem item : list.items()) {
            if (item.action() == HsmCopytoolAction.CANCEL) {
                cancel(item.cookie());
                continue;
            }
            queueSlots.acquire();
            PendingAction pending = new PendingAction(item, list.archiveId(), arrivals.incrementAndGet(), false);
            queuedByCookie.put(item.cookie(), pending);
            queue.put(pending);
        }
    }

    /** Running transfers (for progress reports and status). */
    public Iterable<ActionTransfer> runningTransfers() {
        return running.values();
    }

    public int queued() {
        return queue.size();
    }

    public int runningCount() {
        return running.size() + startsInProgress.get();
    }

    private void cancel(long cookie) {
        PendingAction queued = queuedByCookie.remove(cookie);
        if (queued != null && queue.remove(queued)) {
            if (!queued.handedOver()) {
                queueSlots.release();
            }
            starter.endWithoutStarting(queued.item(), queued.archiveId(), ActionOutcome.CANCELED, "canceled before it started");
            return;
        }
        ActionTransfer transfer = running.get(cookie);
        if (transfer != null) {
            LOG.info(transfer.describe() + ": cancel received");
            transfer.stop(StopReason.CANCELED_BY_COORDINATOR);
        } else {
            LOG.fine(() -> "cancel for cookie 0x" + Long.toHexString(cookie) + ": no such action here (already ended)");
        }
    }

    private void startLoop() {
        while (accepting || !queue.isEmpty()) {
            PendingAction pending;
            try {
                pending = queue.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (pending == null) {
                continue;
            }
            if (!pending.handedOver()) {
                queueSlots.release(); // handed-over actions were requeued without taking a slot
            }
            if (queuedByCookie.remove(pending.item().cookie()) == null) {
                continue; // canceled while we took it
            }
            if (!accepting) {
                starter.endWithoutStarting(pending.item(), pending.archiveId(), ActionOutcome.STOPPING, "agent stopping");
                continue;
            }
            if (!pending.handedOver() && deferIfSameFidArchiving(pending)) {
                continue;
            }
            startsInProgress.incrementAndGet();
            try {
                starter.start(pending.item(), pending.archiveId());
            } catch (RuntimeException bug) {
                LOG.log(Level.SEVERE, "starting cookie 0x" + Long.toHexString(pending.item().cookie()) + " failed", bug);
            } finally {
                startsInProgress.decrementAndGet();
            }
        }
    }

    private synchronized boolean deferIfSameFidArchiving(PendingAction pending) {
        if (pending.item().action() != HsmCopytoolAction.ARCHIVE) {
            return false;
        }
        LuFid fid = pending.item().fid();
        List<PendingAction> waiting = archivesWaitingForSameFid.get(fid);
        if (waiting == null) {
            archivesWaitingForSameFid.put(fid, new ArrayList<>());
            return false;
        }
        waiting.add(pending);
        return true;
    }

    private void registerRunning(ActionTransfer transfer) {
        running.put(transfer.cookie(), transfer);
    }

    /** Called once per ended action (any kind): frees its FID for a deferred duplicate archive. */
    private void actionEnded(HsmActionItem item) {
        running.remove(item.cookie());
        if (item.action() != HsmCopytoolAction.ARCHIVE) {
            return;
        }
        PendingAction next;
        synchronized (this) {
            List<PendingAction> waiting = archivesWaitingForSameFid.get(item.fid());
            if (waiting == null || waiting.isEmpty()) {
                archivesWaitingForSameFid.remove(item.fid());
                return;
            }
            next = waiting.remove(0).handOver(); // the map entry stays: next now holds this FID's slot
        }
        // Back through the queue (never blocking this finisher thread on the queue bound); it starts without being
        // deferred again and usually finds the file already archived at its data version.
        queuedByCookie.put(next.item().cookie(), next);
        queue.put(next);
    }

    /**
     * Stops taking new actions, lets running ones finish for up to {@code grace}, then stops the rest so they end
     * with RETRY, and ends queued ones with RETRY too: the coordinator re-queues all of them at once.
     */
    public void stop(Duration grace) {
        accepting = false;
        List<PendingAction> drained = new ArrayList<>();
        queue.drainTo(drained);
        synchronized (this) {
            archivesWaitingForSameFid.values().forEach(drained::addAll);
            archivesWaitingForSameFid.clear();
        }
        for (PendingAction pending : drained) {
            if (queuedByCookie.remove(pending.item().cookie()) != null) {
                starter.endWithoutStarting(pending.item(), pending.archiveId(), ActionOutcome.STOPPING, "agent stopping");
            }
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (runningCount() > 0 && System.nanoTime() < deadline && !graceCut) {
            sleep(50);
        }
        for (ActionTransfer transfer : running.values()) {
            transfer.stop(StopReason.AGENT_STOPPING);
        }
        long hardDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (runningCount() > 0 && System.nanoTime() < hardDeadline) {
            sleep(50);
        }
    }

    /** Ends a running {@link #stop} grace period at once (a second SIGTERM). */
    public void endGraceNow() {
        graceCut = true;
    }

    @Override
    public void close() {
        accepting = false;
        starters.shutdownNow();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
