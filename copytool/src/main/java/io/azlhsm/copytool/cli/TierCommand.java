package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.archive.StorageTier;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobOutcome;
import io.azlhsm.copytool.jobs.tier.TierCost;
import io.azlhsm.copytool.jobs.tier.TierJob;
import io.azlhsm.copytool.jobs.tier.TierOptions;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code copytool tier}: move the blobs of archived, clean files to a cheaper access tier, by age and size. */
final class TierCommand extends JobCliCommand {
    @Override
    public String name() {
        return "tier";
    }

    @Override
    public String summary() {
        return "move the blobs of archived, clean files under a path to the Cool, Cold or Archive tier (optionally"
                + " by last access and size); never the blob of a dirty file or of one being restored, archived or"
                + " removed, nor a blob that is not the recorded one (ETag checked per file); counts blobs and bytes"
                + " by the tier they left and estimates the monthly cost before and after from tier.price.*";
    }

    @Override
    protected Options jobOptions() {
        return new Options()
                .addOption(Option.builder().longOpt("path").hasArg().argName("PATH")
                        .desc("tree whose blobs to move, relative to the mount or absolute under it (default /)")
                        .build())
                .addOption(Option.builder().longOpt("to").hasArg().argName("TIER")
                        .desc("cool, cold or archive (required); a blob already there or colder stays. A file"
                                + " whose blob is in Archive is restored after a rehydration (hours; see"
                                + " archive.N.rehydrate_*)").build())
                .addOption(Option.builder().longOpt("not-accessed-for").hasArg().argName("DURATION")
                        .desc("only files not accessed for this long (e.g. 30m, 12h, 30d; default: any)").build())
                .addOption(Option.builder().longOpt("min-size").hasArg().argName("SIZE")
                        .desc("only files of at least this size (e.g. 4096, 1MiB, 1GiB; default: any)").build());
    }

    @Override
    protected Job createJob(CommandLine line, CopytoolConfig config) throws JobUsageException {
        String toText = line.getOptionValue("to");
        if (toText == null) {
            throw new JobUsageException("--to is required: cool, cold or archive");
        }
        Optional<StorageTier> to = StorageTier.parse(toText).filter(tier -> tier != StorageTier.HOT);
        if (to.isEmpty()) {
            throw new JobUsageException("--to " + toText + ": not a tier to move blobs to (use cool, cold or"
                    + " archive)");
        }
        JobOptionValues values = new JobOptionValues(line);
        return new TierJob(new TierOptions(line.getOptionValue("path", "/"), to.get(),
                values.duration("not-accessed-for", Duration.ZERO), values.size("min-size")));
    }

    @Override
    protected boolean dryRunnable() {
        return true;
    }

    /** The estimated monthly cost of the moved blobs before and after, from the configuration's price table. */
    @Override
    protected void afterJob(Job job, JobOutcome outcome, PrintStream out) {
        TierCost cost = ((TierJob) job).cost();
        if (cost != null) {
            out.println("  " + cost.describe());
        }
    }
}
