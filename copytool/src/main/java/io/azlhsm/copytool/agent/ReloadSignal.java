package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.config.ConfigException;
import io.azlhsm.copytool.config.CopytoolConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * SIGHUP: re-read the configuration file ({@link ConfigReload}). Installed before the agent registers, because a
 * HUP whose handler is not in yet ends the JVM; one that comes while the agent starts is remembered and carried out
 * as soon as the agent runs (the file is read then, so the latest edit counts).
 */
final class ReloadSignal {
    private static final Logger LOG = Logger.getLogger(ReloadSignal.class.getName());

    private final Path configFile;
    private final AtomicReference<CopytoolConfig> current;
    private final ServiceNotifier notifier;
    private Agent agent;
    private boolean pending;

    ReloadSignal(Path configFile, AtomicReference<CopytoolConfig> current, ServiceNotifier notifier) {
        this.configFile = configFile;
        this.current = current;
        this.notifier = notifier;
    }

    void received(Signal signal) {
        Agent running;
        synchronized (this) {
            running = agent;
            if (running == null) {
                pending = true;
            }
        }
        if (running == null) {
            LOG.info("SIGHUP during start-up: " + configFile + " is re-read once the agent is registered");
            return;
        }
        reload(running);
    }

    /** The agent runs: a HUP that came during start-up is carried out now. */
    void agentStarted(Agent started) {
        boolean due;
        synchronized (this) {
            agent = started;
            due = pending;
            pending = false;
        }
        if (due) {
            reload(started);
        }
    }

    /** Re-reads the file; a broken one is refused, naming the key and the reason, and the old one stays. */
    private synchronized void reload(Agent running) {
        notifier.reloading();
        try {
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
            ConfigReload.Outcome outcome = ConfigReload.apply(running, current.get(), fresh);
            current.set(fresh);
            LOG.info("SIGHUP: " + configFile + " reloaded; applied: "
                    + (outcome.applied().isEmpty() ? "nothing changed" : String.join(", ", outcome.applied()))
                    + (outcome.needRestart().isEmpty() ? "" : "; these changes need a restart: "
                            + String.join(", ", outcome.needRestart())));
        } finally {
            notifier.ready();
        }
    }
}
