package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;

/**
 * Runs the HSM agent until it is told to stop. This is the wiring point between the command line and the engine.
 *
 * <p>To wire an implementation: implement this interface in the agent package and list the class in
 * {@code copytool/src/main/resources/META-INF/services/io.azlhsm.copytool.cli.AgentRunner}. {@link AgentCommand}
 * finds it with {@link java.util.ServiceLoader}; with none present, {@code copytool agent} validates the config and
 * exits with {@link ExitCode#AGENT_NOT_WIRED}.
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
