package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.JobCanceller;
import io.azlhsm.copytool.jobs.JobStore;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code copytool cancel [JOB-ID]}: stops the running job (or the named one) and waits for it to end. */
final class CancelCommand implements CliCommand {
    @Override
    public String name() {
        return "cancel";
    }

    @Override
    public String summary() {
        return "cancel the running job (or JOB-ID; with several running, JOB-ID is required) and wait until it has"
                + " stopped; a crashed job is marked Canceled so it is not resumed";
    }

    @Override
    public int maxArguments() {
        return 1;
    }

    @Override
    public Options options() {
        return new Options().addOption(ConfigOption.option())
                .addOption(Option.builder().longOpt("wait").hasArg().argName("SECONDS")
                        .desc("how long to wait for the job to end (default 60; 0 = do not wait)").build());
    }

    @Override
    public int run(CommandLine line, PrintStream out, PrintStream err) {
        Optional<CopytoolConfig> loaded = ConfigOption.load(line, name(), err);
        if (loaded.isEmpty()) {
            return ExitCode.CONFIG;
        }
        long waitSeconds;
        try {
            waitSeconds = Long.parseLong(line.getOptionValue("wait", "60"));
            if (waitSeconds < 0) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            err.println("copytool cancel: --wait must be a number of seconds >= 0: " + line.getOptionValue("wait"));
            return ExitCode.USAGE;
        }
        Optional<String> id = line.getArgList().isEmpty() ? Optional.empty() : Optional.of(line.getArgList().get(0));
        try {
            JobCanceller.Result result = new JobCanceller(new JobStore(loaded.get().mount()), Duration.ofMinutes(2),
                    Clock.systemUTC()).cancel(id, Duration.ofSeconds(waitSeconds));
            (result.ok() ? out : err).println((result.ok() ? "" : "copytool cancel: ") + result.message());
            return result.ok() ? ExitCode.OK : ExitCode.FAILURE;
        } catch (IOException e) {
            err.println("copytool cancel: " + e.getMessage());
            return ExitCode.FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        }
    }
}
