package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.prefetch.PrefetchJob;
import io.azlhsm.copytool.jobs.prefetch.PrefetchOptions;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code copytool prefetch}: restore released files ahead of use, with bounded outstanding requests. */
final class PrefetchCommand extends JobCliCommand {
    @Override
    public String name() {
        return "prefetch";
    }

    @Override
    public String summary() {
        return "restore the released files under paths (or named in a list) with a bounded number of requests"
                + " at the coordinator";
    }

    @Override
    protected boolean dryRunnable() {
        return true;
    }

    @Override
    protected Options jobOptions() {
        return new Options()
                .addOption(Option.builder().longOpt("path").hasArg().argName("PATH")
                        .desc("tree or file to restore, relative to the mount or absolute under it; repeatable")
                        .build())
                .addOption(Option.builder().longOpt("file-list").hasArg().argName("FILE")
                        .desc("a file naming more paths, one per line (# comments and blank lines ignored)").build())
                .addOption(Option.builder().longOpt("max-outstanding").hasArg().argName("N")
                        .desc("at most N RESTORE requests of the job waiting or running at the coordinator"
                                + " (default " + PrefetchOptions.DEFAULT_MAX_OUTSTANDING
                                + "; AMLFS advises 1,000-5,000)").build())
                .addOption(Option.builder().longOpt("rehydrate-only")
                        .desc("restore nothing: ask for the rehydration of the files' Archive-tier blobs (to"
                                + " archive.N.rehydrate_tier, with archive.N.rehydrate_priority) without waiting, and"
                                + " count the blobs by tier; restores later find them online").build());
    }

    @Override
    protected Job createJob(CommandLine line, CopytoolConfig config) throws JobUsageException {
        String[] paths = line.getOptionValues("path");
        String list = line.getOptionValue("file-list");
        try {
            return new PrefetchJob(new PrefetchOptions(paths == null ? List.of() : List.of(paths),
                    list == null ? null : Path.of(list).toAbsolutePath(),
                    new JobOptionValues(line).positiveInt("max-outstanding",
                            PrefetchOptions.DEFAULT_MAX_OUTSTANDING), line.hasOption("rehydrate-only")));
        } catch (IllegalArgumentException e) {
            throw new JobUsageException(e.getMessage() + " (--path PATH or --file-list FILE)");
        }
    }
}
