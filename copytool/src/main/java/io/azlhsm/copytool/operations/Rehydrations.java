package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ObjectTier;
import io.azlhsm.copytool.archive.RequestPriority;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.TierSettings;
import io.azlhsm.copytool.config.DurationText;
import io.azlhsm.copytool.metrics.AgentMetrics;
import io.azlhsm.copytool.pipeline.TransferPipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Restores parked while their blobs come out of Azure's Archive tier, which takes hours (up to 15 at standard
 * priority, about one at high).
 *
 * <p>A parked restore holds no ring slot, no starter thread and no HTTP connection: its transfer has finished its
 * chunks, and all parked restores share one scheduler thread that looks at each blob now and then (Get Blob
 * Properties, waits doubling from {@link TierSettings#rehydratePoll} up to 16 times that). The action stays begun
 * (one action slot of {@code pipeline.max_actions_in_flight}, and the library's descriptor of the volatile file) and
 * stays among the dispatcher's running transfers, so the progress reporter keeps it alive with heartbeats (each
 * resets the coordinator's active_request_timeout, and the library writes a RUNNING event to the event FIFO), a
 * CANCEL or the agent's stop reaches it through its {@link ActionStop}, and the status lists it.
 *
 * <p>On the first look the blob is asked to come back (Set Blob Tier to {@code rehydrate_tier} with
 * {@code rehydrate_priority}) unless it is on its way already ({@code x-ms-archive-status:
 * rehydrate-pending-to-*}): a rehydration somebody else requested is waited for, never requested twice. Once the
 * blob reads as online, a fresh transfer of the same action is handed to the pipeline, and reads and verifies the blob
 * as any restore does: a tier change keeps the ETag, so the recorded identity still holds. A blob that is gone, or
 * whose ETag changed, is handed back the same way, and the usual checks report it (not found, replaced).
 */
public final class Rehydrations implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Rehydrations.class.getName());

    private final AgentMetrics metrics;
    private final TransferPipeline pipeline;
    private final Consumer<ActionTransfer> onResumed;
    private final Map<RestoreTransfer, Waiting> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService looker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "rehydration-poller");
        thread.setDaemon(true);
        return thread;
    });
    /** Hands rehydrated restores to the pipeline, which moves a small file on the calling thread. */
    private final ExecutorService resumer = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "rehydration-resume");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param onResumed told of the fresh transfer that carries a rehydrated restore on, before it is submitted (the
     *                  dispatcher's running transfers)
     */
    Rehydrations(AgentMetrics metrics, TransferPipeline pipeline, Consumer<ActionTransfer> onResumed) {
        this.metrics = metrics;
        this.pipeline = pipeline;
        this.onResumed = onResumed;
    }

    /** Restores waiting for their blob to be rehydrated now. */
    public int pending() {
        return waiting.size();
    }

    /** One line per waiting restore, oldest first: "rehydrating since ...", for {@code copytool status}. */
    public List<String> describe() {
        List<Waiting> all = new ArrayList<>(waiting.values());
        all.sort(Comparator.comparing((Waiting w) -> w.since));
        List<String> lines = new ArrayList<>(all.size());
        for (Waiting w : all) {
            lines.add(w.line());
        }
        return lines;
    }

    /** Parks a restore whose blob answered as offline; called once by its {@code finish}. */
    void park(RestoreTransfer transfer) {
        Waiting w = new Waiting(transfer);
        waiting.put(transfer, w);
        LOG.info(transfer.describe() + ": the blob is in the Archive tier; the restore waits for its rehydration"
                + " (no data moves until it is online)");
        transfer.actionStop().whenStopped(() -> schedule(w::stopped, Duration.ZERO));
        schedule(w::look, Duration.ZERO);
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            looker.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the agent is closing: actions not ended by now are abandoned with it
        }
    }

    /** One parked restore: its blob, what was last seen of it, and when to look again. */
    private final class Waiting {
        private final RestoreTransfer transfer;
        private final ArchiveBackend backend;
        private final TierSettings tiers;
        private final Instant since = Instant.now();
        private final long sinceNanos = System.nanoTime();
        private volatile ObjectTier lastSeen = ObjectTier.NONE;
        private volatile boolean requested;
        private volatile Instant nextLook = Instant.now();
        private Duration delay;
        private boolean done; // on the looker thread only

        Waiting(RestoreTransfer transfer) {
            this.transfer = transfer;
            this.backend = transfer.backend();
            this.tiers = backend.tierSettings();
            this.delay = tiers.rehydratePoll();
        }

        String line() {
            return "rehydrating since " + since + " (" + DurationText.format(Duration.ofSeconds(
                    Duration.between(since, Instant.now()).toSeconds())) + "): " + transfer.describe() + " tier "
                    + lastSeen.display() + (requested ? ", requested here" : "") + ", next look at " + nextLook;
        }

        /** The action was stopped (CANCEL, timeout, the agent's stop): it ends now, as the reason says. */
        void stopped() {
            if (done) {
                return;
            }
            StopReason reason = transfer.actionStop().reason();
            finish();
            LOG.info(transfer.describe() + ": stopped (" + reason + ") while its blob was being rehydrated");
            transfer.endParked(reason.outcome(), reason.failure("stopped (" + reason + ") while blob "
                    + transfer.blob + " was being rehydrated", null));
        }

        void look() {
            if (done) {
                return;
            }
            if (transfer.actionStop().reason() != null) {
                stopped();
                return;
            }
            Optional<StoredObject> found;
            try (RequestPriority.Scope priority = RequestPriority.during(RequestPriority.RESTORE)) {
                found = backend.stat(transfer.blob);
                if (found.isPresent() && found.get().etag().equals(transfer.etag()) && found.get().tier().offline()
                        && !found.get().tier().rehydrating() && !requested) {
                    boolean started = backend.rehydrate(transfer.blob);
                    requested = true;
                    LOG.info(transfer.describe() + ": " + (started ? "rehydration requested" : "a rehydration was"
                            + " under way already") + " (to " + tiers.rehydrateTier().serviceName() + ", "
                            + tiers.priorityName() + " priority)");
                    found = backend.stat(transfer.blob);
                }
            } catch (ArchiveException e) {
                if (!e.retryable()) {
                    finish();
                    transfer.endParked(ActionOutcome.of(e), e);
                    return;
                }
                LOG.log(Level.WARNING, transfer.describe() + ": looking at its rehydrating blob failed: "
                        + e.getMessage() + "; looking again later");
                again();
                return;
            } catch (RuntimeException bug) {
                LOG.log(Level.SEVERE, transfer.describe() + ": looking at its rehydrating blob failed", bug);
                again();
                return;
            }
            if (found.isPresent() && found.get().etag().equals(transfer.etag()) && found.get().tier().offline()) {
                lastSeen = found.get().tier();
                again();
                return;
            }
            resume(found);
        }

        private void again() {
            Duration wait = delay;
            delay = delay.multipliedBy(2).compareTo(tiers.rehydratePoll().multipliedBy(16)) > 0
                    ? tiers.rehydratePoll().multipliedBy(16) : delay.multipliedBy(2);
            nextLook = Instant.now().plus(wait);
            schedule(this::look, wait);
        }

        /** Online (or gone, or replaced: the transfer's own checks report those): a fresh transfer reads it. */
        private void resume(Optional<StoredObject> found) {
            finish();
            long waited = System.nanoTime() - sinceNanos;
            metrics.rehydrated(tiers.rehydrateTier().configName(), waited);
            LOG.info(transfer.describe() + ": " + (found.isEmpty() ? "the blob is gone"
                    : !found.get().etag().equals(transfer.etag()) ? "the blob was replaced"
                    : "the blob is online (" + found.get().tier().display() + ")") + " after "
                    + DurationText.format(Duration.ofSeconds(Duration.ofNanos(waited).toSeconds()))
                    + "; restoring it");
            try {
                resumer.execute(() -> {
                    RestoreTransfer next;
                    try {
                        next = transfer.again();
                    } catch (Exception e) {
                        transfer.endParked(ActionOutcome.of(e), e);
                        return;
                    }
                    onResumed.accept(next);
                    pipeline.submit(next);
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                // the agent is closing: the action is abandoned with it
            }
        }

        private void finish() {
            done = true;
            waiting.remove(transfer);
        }
    }

    @Override
    public void close() {
        looker.shutdownNow();
        resumer.shutdownNow();
    }
}
