package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.cli.AgentRunner;
import io.azlhsm.copytool.cli.ExitCode;
import io.azlhsm.copytool.config.CopytoolConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import sun.misc.Signal;

/**
 * {@code copytool agent}: starts the agent and runs it until SIGTERM or SIGINT.
 *
 * <p>The first signal stops taking new work and gives running actions {@link #SHUTDOWN_GRACE} to finish; the rest
 * end with HP_FLAG_RETRY so the coordinator re-queues them at once. A second signal cuts the grace period short.
 * Signals are handled directly (not through a shutdown hook) so the second one can be told apart from the first.
 */
public final class AgentService implements AgentRunner {
    private static final Logger LOG = Logger.getLogger(AgentService.class.getName());
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    @Override
    public int run(CopytoolConfig config) throws Exception {
        Agent agent = AgentLauncher.launch(config);
        AtomicInteger signals = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (signals.incrementAndGet() == 1) {
                    LOG.info("SIG" + signal.getName() + ": stopping; running actions get " + SHUTDOWN_GRACE.toSeconds()
                            + " s to finish (signal again to stop at once)");
                    Thread stopper = new Thread(() -> agent.stop(SHUTDOWN_GRACE), "agent-stop");
                    stopper.start();
                } else {
                    LOG.info("SIG" + signal.getName() + " again: ending running actions now");
                    agent.dispatcher().endGraceNow();
                }
            });
        }
        agent.awaitStopped();
        return ExitCode.OK;
    }
}
