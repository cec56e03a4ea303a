package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.metrics.StatusReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * {@code copytool agent}: starts the agent and runs it until SIGTERM or SIGINT.
 *
 * <p>The first signal stops taking new archives; restores (those running, queued, and any the coordinator still
 * sends) get {@code restore_grace} to finish, because under the coordinator's default policy (NRA) a restore ended any
 * other way fails and every reader blocked on it gets an error; archives in flight and removes get
 * {@code shutdown_grace}. What cannot finish ends with ESHUTDOWN and HP_FLAG_RETRY: the request FAILS under NRA (the
 * file keeps its state) or is re-queued where NRA is cleared. A second signal cuts the grace periods short.
 * Signals are handled directly (not through a shutdown hook) so the second one can be told apart from the first.
 * SIGUSR1 writes a statistics snapshot to the log. SIGHUP re-reads the configuration file ({@link ReloadSignal}).
 * Every handler is in before the agent registers. Under systemd ({@code Type=notify}) the {@link ServiceNotifier}
 * says READY=1 once registered, RELOADING=1/READY=1 around a reload and STOPPING=1 at the stop, and
 * {@link ServiceWatchdog} feeds the watchdog while the receive loop turns.
 *
 * <p>Not SIGUSR2: HotSpot on Linux suspends threads with SIGUSR2 (its SR signal; JFR's sampler does so ~80 times a
 * second), and a Java handler for it both floods the log and breaks the profiler.
 */
public final class AgentService implements AgentRunner {
    private static final Logger LOG = Logger.getLogger(AgentService.class.getName());

    private final MetricsContribution moreMetrics;

    /** @param moreMetrics gauges from outside the agent for its endpoint (the command line adds the last check's) */
    public AgentService(MetricsContribution moreMetrics) {
        this.moreMetrics = moreMetrics;
    }

    @Override
    public int run(CopytoolConfig config, Path configFile) throws Exception {
        AtomicReference<CopytoolConfig> current = new AtomicReference<>(config);
        AtomicReference<Agent> started = new AtomicReference<>();
        try (ServiceNotifier notifier = ServiceNotifier.fromEnvironment()) {
            StopSignals stop = new StopSignals(started, current, notifier);
            ReloadSignal reload = new ReloadSignal(configFile, current, notifier);
            // Every handler before the agent starts: it takes actions as soon as it is registered, and on a busy node
            // the coordinator can hand it work before this thread gets past start-up. A SIGTERM in that window killed
            // the JVM (exit 143) with actions left to time out, a SIGHUP (systemctl reload right after start) too
            // (exit 129); now both are remembered and honoured once the agent exists.
            for (String name : new String[] {"TERM", "INT"}) {
                Signal.handle(new Signal(name), stop::received);
            }
            Signal.handle(new Signal("USR1"), signal -> {
                Agent agent = started.get();
                LOG.info(agent == null ? "statistics (SIGUSR1): none yet, the agent is starting"
                        : "statistics (SIGUSR1):\n" + StatusReport.render(agent.metrics().snapshot()));
            });
            // After the stop signals: taking over an inherited ignore (the launcher starts the agent's JVM with SIGHUP
            // ignored) loads libc through jnr-ffi, and stop signals must not wait for that.
            InheritedSignalIgnore.handle("HUP", reload::received);
            Agent agent = AgentLauncher.launch(config, moreMetrics);
            started.set(agent);
            if (!stop.agentStarted()) {
                notifier.ready(agent.serviceStatus()); // registered, every handler in: systemd may now reload or stop
            }
            reload.agentStarted(agent);
            try (ServiceWatchdog watchdog = new ServiceWatchdog(notifier, agent::receiveLoopTurns,
                    agent::serviceStatus)) {
                agent.awaitStopped();
            }
            return STOPPED;
        }
    }

    /**
     * SIGTERM and SIGINT: the first stops the agent with the grace period (at once if it arrived during start-up,
     * as soon as the agent exists), a second cuts the grace period short.
     */
    private static final class StopSignals {
        private final AtomicReference<Agent> agent;
        private final AtomicReference<CopytoolConfig> config;
        private final AtomicInteger received = new AtomicInteger();
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final ServiceNotifier notifier;

        StopSignals(AtomicReference<Agent> agent, AtomicReference<CopytoolConfig> config, ServiceNotifier notifier) {
            this.agent = agent;
            this.config = config;
            this.notifier = notifier;
        }

        void received(Signal signal) {
            int count = received.incrementAndGet();
            if (count == 1) {
                LOG.info("SIG" + signal.getName() + ": stopping; restores get "
                        + config.get().operations().restoreGrace().toSeconds() + " s to finish, archives and removes "
                        + config.get().operations().shutdownGrace().toSeconds() + " s (signal again to stop at once)");
                startStopping();
            } else {
                LOG.info("SIG" + signal.getName() + " again: ending running actions now");
                Agent running = agent.get();
                if (running != null) {
                    running.dispatcher().endGraceNow();
                }
            }
        }

        /**
         * Called once the agent exists: honours a signal that came during start-up.
         *
         * @return whether the agent is stopping
         */
        boolean agentStarted() {
            if (received.get() > 0) {
                startStopping();
                if (received.get() > 1) {
                    agent.get().dispatcher().endGraceNow();
                }
            }
            return stopping.get();
        }

        private void startStopping() {
            Agent running = agent.get();
            if (running == null || !stopping.compareAndSet(false, true)) {
                return; // not started yet (agentStarted() will call again), or already stopping
            }
            notifier.stopping("stopping: " + running.serviceStatus());
            Duration grace = config.get().operations().shutdownGrace();
            Duration restoreGrace = config.get().operations().restoreGrace();
            new Thread(() -> running.stop(grace, restoreGrace), "agent-stop").start();
        }
    }
}
