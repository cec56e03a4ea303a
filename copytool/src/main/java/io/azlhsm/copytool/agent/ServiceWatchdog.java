package io.azlhsm.copytool.agent;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Keeps systemd's watchdog fed while the agent still takes work, and its STATUS= line current. The proof of life is
 * the receive loop ({@link ReceiveLoop#turns}): it turns at least every quarter second while it can take actions or
 * waits for room to, and stands still only when stuck in a call. A tick at half WatchdogSec= (as sd_watchdog_enabled(3)
 * advises) sends {@code WATCHDOG=1} only if the loop turned since the previous tick; so a hung agent is killed and
 * restarted by systemd ({@code Restart=on-failure}). Without a watchdog the tick only refreshes the status.
 */
final class ServiceWatchdog implements AutoCloseable {
    private static final Duration STATUS_ONLY_TICK = Duration.ofSeconds(10);

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "systemd-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private final ServiceNotifier notifier;
    private final LongSupplier loopTurns;
    private final Supplier<String> status;
    private long turnsSeen = -1;

    ServiceWatchdog(ServiceNotifier notifier, LongSupplier loopTurns, Supplier<String> status) {
        this.notifier = notifier;
        this.loopTurns = loopTurns;
        this.status = status;
        if (!notifier.enabled()) {
            return;
        }
        long tickMillis = notifier.watchdog().map(interval -> Math.max(1, interval.toMillis() / 2))
                .orElse(STATUS_ONLY_TICK.toMillis());
        ticker.scheduleWithFixedDelay(this::tick, 0, tickMillis, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        long turns = loopTurns.getAsLong();
        boolean alive = turns != turnsSeen;
        turnsSeen = turns;
        if (notifier.watchdog().isPresent() && alive) {
            notifier.watchdog(status.get());
        } else {
            notifier.status(status.get());
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
