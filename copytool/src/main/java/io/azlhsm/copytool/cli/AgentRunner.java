package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;

/**
 * Runs the HSM agent until it is told to stop: {@code AgentService} in the product. The command line depends on
 * this interface only, so its own work (configuration, logging, exit codes) is tested without a cluster.
 */
public interface AgentRunner {

    /**
     * Runs the agent with a validated configuration; logging is already set up at the configured level.
     *
     * @param configFile where the configuration came from, re-read on SIGHUP
     * @return the process exit status ({@link ExitCode#OK} after an orderly stop)
     */
    int run(CopytoolConfig config, java.nio.file.Path configFile) throws Exception;
}
