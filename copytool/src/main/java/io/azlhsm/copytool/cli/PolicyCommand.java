package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.policy.PolicyJob;
import io.azlhsm.copytool.jobs.policy.PolicySource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.logging.Logger;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;
import sun.misc.Signal;

/**
 * {@code copytool policy}: the policy engine, applying the configuration's {@code policy.*} rules until cancelled;
 * SIGHUP ({@code systemctl reload}) re-reads them from the configuration file.
 */
final class PolicyCommand extends JobCliCommand {
    @Override
    public String name() {
        return "policy";
    }

    @Override
    public String summary() {
        return "apply the configuration's policy.* rules until cancelled: archive new and changed files once left"
                + " alone for policy.archive.after; release archived, clean files, least recently accessed first, when"
                + " the used space passes policy.release.high_watermark, down to policy.release.low_watermark"
                + " (SIGHUP re-reads the rules)";
    }

    @Override
    protected boolean dryRunnable() {
        return true;
    }

    @Override
    protected Options jobOptions() {
        return new Options();
    }

    @Override
    protected Job createJob(CommandLine line, CopytoolConfig config) {
        // the per-file decisions are debug lines: log.level = DEBUG shows them, and a reload applies a new level
        LoggingSetup.configure(config.logLevel(), System.err);
        PolicySource source = new PolicySource(Path.of(line.getOptionValue("config")), config.policy(),
                fresh -> Logger.getLogger(LoggingSetup.ROOT_LOGGER).setLevel(fresh.logLevel()));
        // before the job starts: a HUP without a handler would end the JVM
        Signal.handle(new Signal("HUP"), signal -> source.requestReload());
        return new PolicyJob(source, Clock.systemUTC());
    }
}
