package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.RequestPriority;
import io.azlhsm.copytool.archive.metadata.BlobMetadataCodec;
import io.azlhsm.copytool.lustre.CopytoolRegistration;
import io.azlhsm.copytool.lustre.DataVersions;
import io.azlhsm.copytool.lustre.HsmEventFifo;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.lustre.LustreLibrary;
import io.azlhsm.copytool.metrics.AgentMetrics;
import io.azlhsm.copytool.metrics.MeasuredBackend;
import io.azlhsm.copytool.limits.BandwidthLimiter;
import io.azlhsm.copytool.limits.ThrottledBackend;
import io.azlhsm.copytool.operations.ActionContext;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.copytool.operations.BlockUploads;
import io.azlhsm.copytool.operations.OutagePatience;
import io.azlhsm.copytool.operations.StopPhase;
import io.azlhsm.copytool.operations.StreamedUploads;
import io.azlhsm.copytool.pipeline.DirectMemoryLimit;
import io.azlhsm.copytool.pipeline.PipelineSettings;
import io.azlhsm.copytool.pipeline.TransferPipeline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A running copytool agent: registered with the coordinator on one mount for the archive ids of its backends,
 * receiving actions on one thread and carrying them out through the pipeline, until {@link #stop} or the coordinator
 * goes away.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Agent.class.getName());

    private final CopytoolRegistration registration;
    /** Live map shared with every action: a reload may swap one archive's backend (new credentials). */
    private final Map<Integer, ArchiveBackend> backends;
    private final Map<Integer, BandwidthLimiter> archiveLimiters = new ConcurrentHashMap<>();
    private final BandwidthLimiter globalLimiter;
    private final ExecutorService finisher;
    private final TransferPipeline pipeline;
    private final ActionDispatcher dispatcher;
    private final ProgressReporter progress;
    private final ReceiveLoop receiveLoop;
    private final Thread receiver;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final OutagePatience patience;
    private final StreamedUploads streamedUploads;
    private final BlockUploads blockUploads;
    private final Optional<HsmEventFifo> eventFifo;
    private final Optional<MetricsServer> metricsServer;
    private final AgentMetrics metrics;

    private final Map<Integer, Long> bandwidthLimits;
    /** Held from before registering until after unregistering: one agent per client mount on this node. */
    private final MountLock mountLock;

    private Agent(AgentSettings settings, Map<Integer, ArchiveBackend> backends, AgentMetrics metrics,
                  MountLock mountLock) throws LustreException {
        DirectMemoryLimit.check(settings.pipeline()); // before registering: a ring that cannot exist serves nothing
        this.mountLock = mountLock;
        this.metrics = metrics;
        this.bandwidthLimits = settings.bandwidthLimits();
        this.globalLimiter = new BandwidthLimiter(settings.operations().bandwidthLimit());
        this.backends = new ConcurrentHashMap<>();
        backends.forEach(this::installBackend);
        LustreLibrary library = LustreLibrary.load(settings.lustreLibrary());
        int[] archiveIds = backends.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        Optional<Path> fifo = settings.operations().eventFifo();
        this.eventFifo = fifo.isPresent() ? Optional.of(HsmEventFifo.register(library, fifo.get())) : Optional.empty();
        this.registration = CopytoolRegistration.register(library, settings.mount(), archiveIds, true);
        this.patience = new OutagePatience(settings.operations().outagePatience());
        this.streamedUploads = new StreamedUploads(settings.pipeline().writers());
        this.blockUploads = new BlockUploads(settings.blockUploads());
        ActionContext context = new ActionContext(registration, new LustreFids(library), new DataVersions(library),
                new HsmFiles(library), new ArchiveRecordStore(), this.backends, new BlobMetadataCodec(),
                settings.pipeline().chunkSize(), streamedUploads, blockUploads, settings.releaseAfterArchive(),
                metrics, patience, new StopPhase(), settings.foreignNaming());
        this.finisher = Executors.newFixedThreadPool(Math.max(2, settings.pipeline().writers()), runnable -> {
            Thread thread = new Thread(runnable, "action-finisher");
            thread.setDaemon(true);
            return thread;
        });
        this.pipeline = new TransferPipeline(settings.pipeline(), finisher);
        this.dispatcher = new ActionDispatcher(context, pipeline, settings.starterThreads(),
                settings.maxActionsInFlight(), settings.maxActionsWaiting());
        this.progress = new ProgressReporter(dispatcher, settings.progressInterval());
        metrics.gauge("queued_actions", dispatcher::queued);
        metrics.gauge("running_actions", dispatcher::runningCount);
        metrics.gauge("begun_actions", dispatcher::begun);
        metrics.gauge("receive_paused", () -> dispatcher.receivePaused() ? 1 : 0);
        metrics.gauge("ring_chunks_in_flight", pipeline::chunksInFlight);
        // restores whose blobs are being rehydrated from the Archive tier: no ring slot, starter or connection each
        metrics.gauge("rehydrations_pending", () -> dispatcher.rehydrations().pending());
        metrics.listing("rehydrating", () -> dispatcher.rehydrations().describe());
        // requests waiting for a request slot of their archive (max_concurrency), by priority: restores go first
        metrics.gauge("requests_waiting_restore", () -> requestsWaiting(RequestPriority.RESTORE));
        metrics.gauge("requests_waiting_other", () -> requestsWaiting(RequestPriority.OTHER));
        this.metricsServer = startMetricsServer(settings, metrics);
        this.receiveLoop = new ReceiveLoop(registration, dispatcher, this::coordinatorGone);
        this.receiver = new Thread(receiveLoop, "coordinator-receiver");
        receiver.start();
        PipelineSettings shape = settings.pipeline();
        LOG.info("registered on " + settings.mount() + " for archive ids " + java.util.Arrays.toString(archiveIds)
                + "; pipeline " + shape.ringSize() + " x " + shape.chunkSize() + " bytes; data buffers at most "
                + shape.memoryBudget() / (1024 * 1024) + " MiB (ring " + (shape.ringBytes() >> 20) + " MiB, "
                + shape.inlineLanes() + " small-file lanes " + (shape.inlineBytes() >> 20) + " MiB, "
                + shape.writers() + " streamed blocks " + (shape.streamBytes() >> 20) + " MiB); at most "
                + settings.maxActionsInFlight() + " actions begun, " + settings.maxActionsWaiting() + " waiting");
    }

    private static Optional<MetricsServer> startMetricsServer(AgentSettings settings, AgentMetrics metrics) {
        Optional<InetSocketAddress> listen = settings.operations().metricsListen();
        if (listen.isEmpty()) {
            return Optional.empty();
        }
        try {
            MetricsServer server = new MetricsServer(listen.get(), metrics);
            LOG.info("metrics on http://" + server.address().getHostString() + ":" + server.address().getPort()
                    + "/metrics (status: /status)");
            server.exposure().ifPresent(LOG::warning);
            return Optional.of(server);
        } catch (IOException e) {
            // Metrics are for watching, not for moving data: a taken port must not keep the agent from serving.
            LOG.log(Level.WARNING, "metrics endpoint " + listen.get() + " not started: " + e.getMessage());
            return Optional.empty();
        }
    }

    private long requestsWaiting(RequestPriority priority) {
        return backends.values().stream().mapToLong(backend -> backend.requestsWaiting(priority)).sum();
    }

    /**
     * Registers and starts serving, measuring into {@code metrics} (which the backends may already report retries
     * to). Lustre would let a second copytool register on the same mount, and both would run every action; so the
     * agent first takes its mount's lock ({@link MountLock}), and a second agent on one client mount of this node is
     * refused naming the process that serves it.
     */
    public static Agent start(AgentSettings settings, Map<Integer, ArchiveBackend> backends, AgentMetrics metrics)
            throws LustreException, MountLockException {
        MountLock lock = MountLock.acquire(settings.operations().runtimeDirectory(), settings.mount());
        try {
            return new Agent(settings, backends, metrics, lock);
        } catch (LustreException | RuntimeException | Error e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Puts a backend in service for an archive id, measured and throttled; actions already running keep the backend
     * they started with. Also used by a reload with new credentials.
     */
    void installBackend(int archiveId, ArchiveBackend backend) {
        BandwidthLimiter archiveLimiter = archiveLimiters.computeIfAbsent(archiveId,
                id -> new BandwidthLimiter(bandwidthLimits.getOrDefault(id, 0L)));
        ArchiveBackend previous = backends.put(archiveId, new ThrottledBackend(new MeasuredBackend(backend, metrics),
                List.of(archiveLimiter, globalLimiter), metrics));
        if (previous != null) {
            LOG.info("archive " + archiveId + ": now served by " + backend.describe());
        }
    }

    /** Live bandwidth change (SIGHUP): bytes per second, 0 for none. */
    void setBandwidthLimits(long global, Map<Integer, Long> perArchive) {
        globalLimiter.setRate(global);
        perArchive.forEach((id, rate) -> archiveLimiters.computeIfAbsent(id, key -> new BandwidthLimiter(rate))
                .setRate(rate));
    }

    void setProgressInterval(Duration interval) {
        progress.setInterval(interval);
    }

    /** Live change (SIGHUP) of how long actions wait out an outage of their archive. */
    void setOutagePatience(Duration outagePatience) {
        patience.setPatience(outagePatience);
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    /** The receive loop's turns so far ({@link ReceiveLoop#turns}): whether the agent still takes work. */
    long receiveLoopTurns() {
        return receiveLoop.turns();
    }

    /** One line for systemd's STATUS=: what is running and what waits. */
    String serviceStatus() {
        return "serving " + registration.mount() + ": " + dispatcher.runningCount() + " actions running, "
                + dispatcher.queued() + " waiting";
    }

    public ActionDispatcher dispatcher() {
        return dispatcher;
    }

    /** Blocks until the agent has stopped. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Stops as {@link #stop(Duration, Duration)} with one grace for every action. */
    public void stop(Duration grace) {
        stop(grace, grace);
    }

    /**
     * Stops gracefully and unregisters. Restores, in flight or received until the restore grace ends, are carried out
     * within {@code restoreGrace}: the coordinator's default policy (NRA) fails any other end, which gives every
     * reader blocked on the restore an error. Archives in flight get {@code grace}; removes start and run within it.
     * Whatever cannot finish ends with ESHUTDOWN and HP_FLAG_RETRY (FAILED under NRA, the file's state unchanged; see
     * {@link io.azlhsm.copytool.operations.ActionOutcome#STOPPING}). Actions still not ended after that (a transfer
     * stuck in a call) are abandoned and logged: no call reaches liblustreapi for them once unregistered, because
     * {@code llapi_hsm_copytool_unregister} frees what their progress and end would use. Another call while a stop
     * runs waits for it.
     */
    public void stop(Duration grace, Duration restoreGrace) {
        if (!stopping.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        dispatcher.stop(grace, restoreGrace); // the receive loop still runs: restores that come in are served too
        receiveLoop.stop();
        joinQuietly(receiver);
        List<String> abandoned = dispatcher.finish();
        if (!abandoned.isEmpty()) {
            LOG.warning("unregistering with " + abandoned.size() + " actions that did not end (stuck in a call):"
                    + " abandoned, their requests end at the coordinator's active_request_timeout: "
                    + String.join("; ", abandoned));
        }
        progress.close();
        pipeline.close();
        dispatcher.close();
        finisher.shutdown();
        streamedUploads.close();
        blockUploads.close();
        try {
            registration.close();
        } catch (LustreException e) {
            LOG.log(Level.WARNING, "unregistering failed: " + e.getMessage());
        }
        backends.values().forEach(ArchiveBackend::close);
        metricsServer.ifPresent(MetricsServer::close);
        eventFifo.ifPresent(fifo -> {
            try {
                fifo.close();
            } catch (LustreException e) {
                LOG.log(Level.WARNING, "unregistering the event FIFO failed: " + e.getMessage());
            }
        });
        LOG.info("stopped and unregistered from " + registration.mount());
        mountLock.close();
        stopped.countDown();
    }

    private void awaitQuietly() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private void coordinatorGone() {
        Thread stopper = new Thread(() -> stop(Duration.ZERO), "agent-stop");
        stopper.start();
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(5000);
            if (thread.isAlive()) {
                thread.interrupt(); // stuck in a call: what it had not handed over is dropped, as at unregister
                thread.join(5000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
