package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobOutcome;
import io.azlhsm.copytool.jobs.check.CheckJob;
import io.azlhsm.copytool.jobs.check.CheckOptions;
import io.azlhsm.copytool.jobs.check.CheckSummary;
import io.azlhsm.copytool.jobs.check.CheckTally;
import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code copytool check}: prove that every archived file has its copy, find what does not, repair what can be. */
final class CheckCommand extends JobCliCommand {
    @Override
    public String name() {
        return "check";
    }

    @Override
    public String summary() {
        return "cross-check every file under a path with its record and blob, and every blob under the archive"
                + " prefix with the files: one class each (ok, not-archived, blob-missing, lost, blob-replaced,"
                + " size-mismatch, checksum-mismatch with --deep, stale-stub, orphan-blob, foreign-blob); JSON report"
                + " and CSV of the items at risk or unowned; --repair archives again or marks HS_LOST;"
                + " --collect-orphans deletes old orphans; exit 3 when a file is at risk";
    }

    @Override
    protected boolean dryRunnable() {
        return true;
    }

    @Override
    protected Options jobOptions() {
        return new Options()
                .addOption(Option.builder().longOpt("path").hasArg().argName("PATH")
                        .desc("tree to check, relative to the mount or absolute under it (default /: everything);"
                                + " the blobs under the same path of the archive prefix are checked with it").build())
                .addOption(Option.builder("a").longOpt("archive").hasArg().argName("ID")
                        .desc("archive id whose blobs are listed (default: the only archive.ID of the"
                                + " configuration); files recording another archive are checked against theirs")
                        .build())
                .addOption(Option.builder().longOpt("report").hasArg().argName("FILE")
                        .desc("write the JSON report to FILE and the CSV beside it (FILE without .json, plus .csv);"
                                + " default <mount>/.azlhsm/logs/<job id>.report.json").build())
                .addOption(Option.builder().longOpt("repair")
                        .desc("archive blob-missing and blob-replaced files (and size- or checksum-mismatched"
                                + " resident ones) again through the coordinator (an agent must run), mark lost files"
                                + " (and mismatched released ones) HS_LOST so reads fail at once, import stale stubs"
                                + " again").build())
                .addOption(Option.builder().longOpt("deep")
                        .desc("also read every recorded blob back (within the bandwidth limits) and compare its"
                                + " checksum with the file's record: checksum-mismatch").build())
                .addOption(Option.builder().longOpt("collect-orphans").hasArg().argName("AGE")
                        .desc("delete orphan blobs last modified at least AGE ago (e.g. 7d), on the ETag judged,"
                                + " and the preserved copies (snapshots) no live file records, preserved at least AGE"
                                + " ago; never a foreign blob, never a blob or copy a live file records").build())
                .addOption(Option.builder().longOpt("max-outstanding").hasArg().argName("N")
                        .desc("with --repair: at most N ARCHIVE requests waiting or running at the coordinator"
                                + " (default " + CheckOptions.DEFAULT_MAX_OUTSTANDING + ")").build());
    }

    @Override
    protected Job createJob(CommandLine line, CopytoolConfig config) throws JobUsageException {
        JobOptionValues values = new JobOptionValues(line);
        String report = line.getOptionValue("report");
        return new CheckJob(new CheckOptions(line.getOptionValue("path", "/"), values.archive(),
                report == null ? null : Path.of(report), line.hasOption("repair"),
                values.positiveInt("max-outstanding", CheckOptions.DEFAULT_MAX_OUTSTANDING), line.hasOption("deep"),
                line.hasOption("collect-orphans") ? values.duration("collect-orphans", null) : null));
    }

    /** The summary table: items and bytes per class, what repair and collection did, and where the report is. */
    @Override
    protected void afterJob(Job job, JobOutcome outcome, PrintStream out) {
        CheckTally tally = ((CheckJob) job).tally();
        if (tally != null) {
            CheckSummary.print(tally, outcome.counters(), ((CheckJob) job).reportFile(), out);
        }
    }
}
