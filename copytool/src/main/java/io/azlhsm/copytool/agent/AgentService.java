package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.config.ConfigException;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.metrics.StatusReport;
import java.io.IOException;
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
 * SIGUSR1 writes a statistics snapshot to the log. SIGHUP re-reads the configuration file ({@link ConfigReload}).
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
        StopSignals stop = new StopSignals(started, current);
        // Before the agent starts: it takes actions as soon as it is registered, and on a busy node the coordinator
        // can hand it work before this thread gets past start-up. A SIGTERM in that window killed the JVM (exit 143)
        // with actions left to time out; now it is remembered and honoured once the agent exists.
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), stop::received);
        }
        Agent agent = AgentLauncher.launch(config, moreMetrics);
        started.set(agent);
        stop.agentStarted();
        Signal.handle(new Signal("USR1"), signal ->
                LOG.info("statistics (SIGUSR1):\n" + StatusReport.render(agent.metrics().snapshot())));
        // Last: taking over an inherited ignore loads libc through jnr-ffi, and stop signals must not wait for that.
        InheritedSignalIgnore.handle("HUP", signal -> reload(agent, configFile, current));
        agent.awaitStopped();
        return STOPPED;
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

        StopSignals(AtomicReference<Agent> agent, AtomicReference<CopytoolConfig> config) {
            this.agent = agent;
            this.config = config;
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

        /** Called once the agent exists: honours a signal that came during start-up. */
        void agentStarted() {
            if (received.get() > 0) {
                startStopping();
                if (received.get() > 1) {
                    agent.get().dispatcher().endGraceNow();
                }
            }
        }

        private void startStopping() {
            Agent running = agent.get();
            if (running == null || !stopping.compareAndSet(false, true)) {
                return; // not started yet (agentStarted() will call again), or already stopping
            }
            Duration grace = config.get().operations().shutdownGrace();
            Duration restoreGrace = config.get().operations().restoreGrace();
            new Thread(() -> running.stop(grace, restoreGrace), "agent-stop").start();
        }
    }

    /** SIGHUP: re-read the file; a broken one is refused, naming the key and the reason, and the old one stays. */
    private static synchronized void reload(Agent agent, Path configFile, AtomicReference<CopytoolConfig> current) {
        CopytoolConfig fresh;
        try {
            fresh = CopytoolConfig.load(configFile);
        } catch (ConfigException e) {
            LOG.warning("SIGHUP: " + e.getMessage() + "; the running configuration stays in force");
            return;
        } catch (IOException e) {
            LOG.warning("SIGHUP: cannot read " + configFile + " (" + e.getMessage()
                    + "); the running configuration stays in force");
            return;
        }
        ConfigReload.Outcome outcome = ConfigReload.apply(agent, current.get(), fresh);
        current.set(fresh);
        LOG.info("SIGHUP: " + configFile + " reloaded; applied: "
                + (outcome.applied().isEmpty() ? "nothing changed" : String.join(", ", outcome.applied()))
                + (outcome.needRestart().isEmpty() ? "" : "; these changes need a restart: "
                        + String.join(", ", outcome.needRestart())));
    }
}
