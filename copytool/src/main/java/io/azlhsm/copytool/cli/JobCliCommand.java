package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobBusyException;
import io.azlhsm.copytool.jobs.JobOutcome;
import io.azlhsm.copytool.jobs.JobRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * A job command ({@code copytool import|export|...}): parses {@code --config FILE} and the job's options, creates the
 * {@link Job} and runs it through {@link JobRunner} (lock on the job's paths, or the whole file system with
 * {@code --exclusive}; record, progress, Ctrl-C cancels, final summary). Exit status: 0 Completed,
 * {@link ExitCode#JOB_PARTIAL} CompletedPartial, {@link ExitCode#JOB_CANCELED} Canceled, {@link ExitCode#FAILURE}
 * Failed, {@link ExitCode#BUSY} when a job runs on an overlapping path, {@link ExitCode#USAGE} for bad options.
 */
public abstract class JobCliCommand implements CliCommand {

    /** A job option that makes no sense; the message names the option and why. */
    public static final class JobUsageException extends Exception {
        public JobUsageException(String message) {
            super(message);
        }
    }

    /** The job's own options; {@code --config} is added here. */
    protected abstract Options jobOptions();

    /** Builds the job from validated options; throws JobUsageException before anything is changed. */
    protected abstract Job createJob(CommandLine line, CopytoolConfig config) throws JobUsageException;

    /** How many of a dry run's changes the summary lists (its local log lists all). */
    static final int DRY_RUN_LISTED = 20;

    /**
     * True for a job that has {@code --dry-run}: it then goes through the same walk, filters and checks, makes none
     * of its changes (each is a WOULD line of a local log instead), takes no job lock and writes no job record.
     */
    protected boolean dryRunnable() {
        return false;
    }

    /** How the runner reports; tests replace it. */
    protected JobRunner.Settings runnerSettings(PrintStream out) {
        return JobRunner.Settings.commandLine(out);
    }

    /** What the command prints after the runner's summary (check: its table per class); nothing by default. */
    protected void afterJob(Job job, JobOutcome outcome, PrintStream out) {
    }

    @Override
    public final Options options() {
        Options options = jobOptions().addOption(ConfigOption.option())
                .addOption(Option.builder().longOpt("exclusive").desc("take the whole file system: refused while any"
                        + " other job runs, and no other job starts while this one runs (without it, jobs on paths"
                        + " that do not overlap run side by side)").build());
        if (dryRunnable()) {
            options.addOption(Option.builder().longOpt("dry-run").desc("show what the job would do, with the same"
                    + " counters, and change nothing (no job lock is taken and no job record written, so it may run"
                    + " beside a real job; the first " + DRY_RUN_LISTED + " changes are listed, every one is a WOULD"
                    + " line of the local log it names)").build());
        }
        return options;
    }

    @Override
    public final int run(CommandLine line, PrintStream out, PrintStream err) {
        Optional<CopytoolConfig> loaded = ConfigOption.load(line, name(), err);
        if (loaded.isEmpty()) {
            return ExitCode.CONFIG;
        }
        Job job;
        try {
            job = createJob(line, loaded.get());
        } catch (JobUsageException e) {
            err.println("copytool " + name() + ": " + e.getMessage());
            return ExitCode.USAGE;
        }
        try {
            JobRunner runner = new JobRunner(loaded.get(), runnerSettings(out));
            JobOutcome outcome = dryRunnable() && line.hasOption("dry-run") ? runner.dryRun(job, DRY_RUN_LISTED)
                    : runner.run(job, line.hasOption("exclusive"));
            afterJob(job, outcome, out);
            return switch (outcome.state()) {
                case COMPLETED -> ExitCode.OK;
                case COMPLETED_PARTIAL -> ExitCode.JOB_PARTIAL;
                case CANCELED -> ExitCode.JOB_CANCELED;
                default -> {
                    err.println("copytool " + name() + ": job " + outcome.jobId() + " failed: " + outcome.message());
                    yield ExitCode.FAILURE;
                }
            };
        } catch (JobBusyException e) {
            err.println("copytool " + name() + ": " + e.getMessage());
            return ExitCode.BUSY;
        } catch (IOException e) {
            err.println("copytool " + name() + ": cannot run the job: " + e.getMessage());
            return ExitCode.FAILURE;
        }
    }
}
