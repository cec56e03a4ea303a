package io.azlhsm.copytool.agent;

import io.azlhsm.copytool.config.CopytoolConfig;
import java.nio.file.Path;

/**
 * Runs the HSM agent until it is told to stop: {@link AgentService} in the product. The command line depends on
 * this interface only, so its own work (configuration, logging, exit codes) is tested without a cluster.
 */
public interface AgentRunner {
    /** What {@link #run} returns after an orderly stop: the process exits 0. */
    int STOPPED = 0;

    /**
     * Runs the agent with a validated configuration; logging is already set up at the configured level.
     *
     * @param configFile where the configuration came from, re-read on SIGHUP
     * @return the process exit status ({@link #STOPPED} after an orderly stop)
     */
    int run(CopytoolConfig config, Path configFile) throws Exception;
}
