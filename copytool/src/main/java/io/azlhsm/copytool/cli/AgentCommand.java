package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code copytool agent --config FILE}: validate the configuration, then hand it to the {@link AgentRunner}. */
final class AgentCommand implements CliCommand {
    private static final Logger LOG = Logger.getLogger(AgentCommand.class.getName());

    private final Supplier<Iterator<AgentRunner>> runners;

    /** Finds the runner with {@link ServiceLoader} (see {@link AgentRunner} for how to register one). */
    AgentCommand() {
        this(() -> ServiceLoader.load(AgentRunner.class).iterator());
    }

    AgentCommand(Supplier<Iterator<AgentRunner>> runners) {
        this.runners = runners;
    }

    @Override
    public String name() {
        return "agent";
    }

    @Override
    public String summary() {
        return "run the HSM copytool agent for one Lustre client mount";
    }

    @Override
    public Options options() {
        return new Options().addOption(ConfigOption.option());
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) {
        Optional<CopytoolConfig> loaded = ConfigOption.load(line, name(), err);
        if (loaded.isEmpty()) {
            return ExitCode.CONFIG;
        }
        CopytoolConfig config = loaded.get();
        Path file = Path.of(line.getOptionValue("config"));
        LoggingSetup.configure(config.logLevel(), err);
        out.println("copytool agent: configuration " + file + ": " + config.summary());

        Iterator<AgentRunner> found = runners.get();
        if (!found.hasNext()) {
            err.println("copytool agent: agent not yet wired: no " + AgentRunner.class.getName()
                    + " implementation on the class path; configuration is valid, exiting");
            return ExitCode.AGENT_NOT_WIRED;
        }
        AgentRunner runner = found.next();
        LOG.info(() -> "starting agent " + runner.getClass().getName());
        try {
            return runner.run(config, file);
        } catch (Exception e) {
            LOG.log(java.util.logging.Level.SEVERE, "agent failed", e);
            err.println("copytool agent: failed: " + e);
            return ExitCode.FAILURE;
        }
    }
}
