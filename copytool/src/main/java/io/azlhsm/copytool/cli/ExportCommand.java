package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.export.ExportJob;
import io.azlhsm.copytool.jobs.export.ExportOptions;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code copytool export}: archive new and changed files under a path (AMLFS's export job). */
final class ExportCommand extends JobCliCommand {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "archive the new and changed files under a path through the coordinator, and symlinks as ftype=LNK"
                + " blobs holding their target (metadata-only changes, renames and deletions are not exported)";
    }

    @Override
    protected boolean dryRunnable() {
        return true;
    }

    @Override
    protected Options jobOptions() {
        return new Options()
                .addOption(Option.builder().longOpt("path").hasArg().argName("PATH")
                        .desc("tree to export, relative to the mount or absolute under it (default /: everything)")
                        .build())
                .addOption(Option.builder("a").longOpt("archive").hasArg().argName("ID")
                        .desc("archive id to export to (default: the only archive.ID of the configuration)").build())
                .addOption(Option.builder().longOpt("max-outstanding").hasArg().argName("N")
                        .desc("at most N ARCHIVE requests of the job waiting or running at the coordinator"
                                + " (default " + ExportOptions.DEFAULT_MAX_OUTSTANDING + ")").build())
                .addOption(Option.builder().longOpt("no-directory-markers")
                        .desc("put no hdi_isfolder marker blobs for directories (by default each directory gets"
                                + " one, once)").build());
    }

    @Override
    protected Job createJob(CommandLine line, CopytoolConfig config) throws JobUsageException {
        JobOptionValues values = new JobOptionValues(line);
        return new ExportJob(new ExportOptions(line.getOptionValue("path", "/"), values.archive(),
                values.positiveInt("max-outstanding", ExportOptions.DEFAULT_MAX_OUTSTANDING),
                !line.hasOption("no-directory-markers")));
    }
}
