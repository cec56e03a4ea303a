package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.operations.ActionTransfer;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reports progress of every running transfer: the ranges that landed since the last tick, and a heartbeat when a
 * transfer moved nothing for a whole {@code progressInterval}, so the coordinator's active_request_timeout (an hour by
 * default) never cancels a slow but live transfer. One thread for all transfers keeps llapi calls off the data path.
 */
final class ProgressReporter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ProgressReporter.class.getName());

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "progress-reporter");
        thread.setDaemon(true);
        return thread;
    });

    private volatile long heartbeatNanos;

    ProgressReporter(ActionDispatcher dispatcher, Duration progressInterval) {
        this.heartbeatNanos = progressInterval.toNanos();
        long tickMillis = Math.max(100, Math.min(1000, progressInterval.toMillis() / 2));
        ticker.scheduleWithFixedDelay(() -> {
            for (ActionTransfer transfer : dispatcher.runningTransfers()) {
                try {
                    transfer.reportProgress(heartbeatNanos);
                } catch (RuntimeException bug) {
                    LOG.log(Level.WARNING, transfer.describe() + ": progress report failed", bug);
                }
            }
        }, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    }

    /** Live change (SIGHUP); intervals below the 1 s tick are honoured at the tick. */
    void setInterval(Duration progressInterval) {
        heartbeatNanos = progressInterval.toNanos();
    }

    /** Stops reporting, and waits for a report in progress: the agent unregisters next, after which none may run. */
    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            if (!ticker.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warning("a progress report is still in progress after 10 s; unregistering anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
