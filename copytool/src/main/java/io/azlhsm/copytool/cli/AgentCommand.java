package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.agent.AgentRunner;
import io.azlhsm.copytool.agent.AgentService;
import io.azlhsm.copytool.agent.MountWritability;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.JobGauges;
import io.azlhsm.copytool.jobs.check.LastCheckGauges;
import io.azlhsm.copytool.metrics.AgentMetrics;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code copytool agent --config FILE}: validate the configuration, then hand it to the {@link AgentRunner}. */
final class AgentCommand implements CliCommand {
    private static final Logger LOG = Logger.getLogger(AgentCommand.class.getName());

    private final AgentRunner runner;

    AgentCommand() {
        this(new AgentService(AgentCommand::endpointExtras));
    }

    /**
     * What the agent's metrics endpoint shows from outside the agent: the build, the file system's last
     * {@code copytool check} and its jobs running or last ended (the agent itself never depends on the jobs).
     */
    static void endpointExtras(AgentMetrics metrics, Path mount) {
        metrics.labelledGauge("build_info", "1, with the copytool's version as a label.", () -> List.of(
                new AgentMetrics.LabelledSample(Map.of("version", Main.version()), 1)));
        LastCheckGauges.register(metrics, mount);
        JobGauges.register(metrics, mount);
    }

    /** With another runner: tests check the command's own work (config, logging, exit codes) without a cluster. */
    AgentCommand(AgentRunner runner) {
        this.runner = runner;
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
        Optional<String> readOnly = MountWritability.refusal(config.mount());
        if (readOnly.isPresent()) {
            // a deployment mistake, as a bad key is: restarting would not help (the unit does not restart on 78)
            LOG.severe(readOnly.get());
            err.println("copytool agent: " + readOnly.get());
            return ExitCode.CONFIG;
        }

        try {
            return runner.run(config, file);
        } catch (io.azlhsm.copytool.agent.MountLockException e) {
            // a clear refusal (another agent serves this mount, or the runtime directory is unfit): no stack trace
            LOG.severe(e.getMessage());
            err.println("copytool agent: " + e.getMessage());
            return ExitCode.FAILURE;
        } catch (Exception e) {
            LOG.log(java.util.logging.Level.SEVERE, "agent failed", e);
            err.println("copytool agent: failed: " + e);
            return ExitCode.FAILURE;
        }
    }
}
