package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.release.ReleaseJob;
import io.azlhsm.copytool.jobs.release.ReleaseOptions;
import java.time.Duration;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code copytool release}: free Lustre capacity held by archived, clean files whose archive copy is there. */
final class ReleaseCommand extends JobCliCommand {
    @Override
    public String name() {
        return "release";
    }

    @Override
    public String summary() {
        return "release archived, clean files under a path (optionally by last access and size) whose recorded"
                + " blob still exists with its recorded ETag (checked per file); never a dirty or unarchived file,"
                + " nor one without such a copy (counted and logged with path, blob and reason)";
    }

    @Override
    protected boolean dryRunnable() {
        return true;
    }

    @Override
    protected Options jobOptions() {
        return new Options()
                .addOption(Option.builder().longOpt("path").hasArg().argName("PATH")
                        .desc("tree to release, relative to the mount or absolute under it (default /)").build())
                .addOption(Option.builder().longOpt("not-accessed-for").hasArg().argName("DURATION")
                        .desc("only files not accessed for this long (e.g. 30m, 12h, 7d; default: any)").build())
                .addOption(Option.builder().longOpt("min-size").hasArg().argName("SIZE")
                        .desc("only files of at least this size (e.g. 4096, 64KiB, 1GiB; default: any)").build());
    }

    @Override
    protected Job createJob(CommandLine line, CopytoolConfig config) throws JobUsageException {
        JobOptionValues values = new JobOptionValues(line);
        return new ReleaseJob(new ReleaseOptions(line.getOptionValue("path", "/"),
                values.duration("not-accessed-for", Duration.ZERO), values.size("min-size")));
    }
}
