package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.cli.AgentRunner;
import io.azlhsm.copytool.cli.ExitCode;
import io.azlhsm.copytool.config.ConfigException;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.metrics.StatusReport;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * {@code copytool agent}: starts the agent and runs it until SIGTERM or SIGINT.
 *
 * <p>The first signal stops taking new work and gives running actions {@code shutdown_grace} to finish; the rest
 * end with HP_FLAG_RETRY so the coordinator re-queues them at once. A second signal cuts the grace period short.
 * Signals are handled directly (not through a shutdown hook) so the second one can be told apart from the first.
 * SIGUSR1 writes a statistics snapshot to the log. SIGHUP re-reads the configuration file ({@link ConfigReload}).
 *
 * <p>Not SIGUSR2: HotSpot on Linux suspends threads with SIGUSR2 (its SR signal; JFR's sampler does so ~80 times a
 * second), and a Java handler for it both floods the log and breaks the profiler.
 */
public final class AgentService implements AgentRunner {
    private static final Logger LOG = Logger.getLogger(AgentService.class.getName());

    @Override
    public int run(CopytoolConfig config, Path configFile) throws Exception {
        Agent agent = AgentLauncher.launch(config);
        AtomicReference<CopytoolConfig> current = new AtomicReference<>(config);
        Signal.handle(new Signal("USR1"), signal ->
                LOG.info("statistics (SIGUSR1):\n" + StatusReport.render(agent.metrics().snapshot())));
        AtomicInteger signals = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (signals.incrementAndGet() == 1) {
                    Duration grace = current.get().operations().shutdownGrace();
                    LOG.info("SIG" + signal.getName() + ": stopping; running actions get " + grace.toSeconds()
                            + " s to finish (signal again to stop at once)");
                    Thread stopper = new Thread(() -> agent.stop(grace), "agent-stop");
                    stopper.start();
                } else {
                    LOG.info("SIG" + signal.getName() + " again: ending running actions now");
                    agent.dispatcher().endGraceNow();
                }
            });
        }
        // Last: taking over an inherited ignore loads libc through jnr-ffi, and stop signals must not wait for that.
        InheritedSignalIgnore.handle("HUP", signal -> reload(agent, configFile, current));
        agent.awaitStopped();
        return ExitCode.OK;
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
