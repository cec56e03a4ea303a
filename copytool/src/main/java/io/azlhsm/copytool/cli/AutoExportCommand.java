package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.autoexport.AutoExportJob;
import io.azlhsm.copytool.jobs.autoexport.AutoExportOptions;
import io.azlhsm.copytool.jobs.autoexport.ChangelogUsers;
import io.azlhsm.copytool.jobs.autoexport.Propagation;
import io.azlhsm.copytool.jobs.export.ExportOptions;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code copytool auto-export}: continuous export of one path, driven by the changelog, until cancelled. */
final class AutoExportCommand extends JobCliCommand {
    @Override
    public String name() {
        return "auto-export";
    }

    @Override
    public String summary() {
        return "export new and changed files under a path continuously (changelog-driven iterations, periodic full"
                + " scan) until cancelled";
    }

    @Override
    protected Options jobOptions() {
        return new Options()
                .addOption(Option.builder().longOpt("path").hasArg().argName("PATH")
                        .desc("tree to keep exported, relative to the mount or absolute under it (default /)").build())
                .addOption(Option.builder("a").longOpt("archive").hasArg().argName("ID")
                        .desc("archive id to export to (default: the only archive.ID of the configuration)").build())
                .addOption(Option.builder().longOpt("max-outstanding").hasArg().argName("N")
                        .desc("at most N ARCHIVE requests of the job at the coordinator (default "
                                + ExportOptions.DEFAULT_MAX_OUTSTANDING + ")").build())
                .addOption(Option.builder().longOpt("interval").hasArg().argName("DURATION")
                        .desc("pause between iterations (default 30s)").build())
                .addOption(Option.builder().longOpt("full-scan-interval").hasArg().argName("DURATION")
                        .desc("walk the whole tree this often instead of reading the changelog (default 24h; the"
                                + " first iteration always walks)").build())
                .addOption(Option.builder().longOpt("changelog-user").hasArg().argName("ID|MDT=ID")
                        .desc("required, repeatable: the changelog user to read and clear on each MDT, which an"
                                + " administrator registered on the MDS (lctl --device FSNAME-MDTxxxx"
                                + " changelog_register, once per MDT; it prints the id, e.g. cl1; a data mover cannot"
                                + " register one). ID alone: that user on every MDT; FSNAME-MDTxxxx=ID: the user of"
                                + " one MDT (DNE file systems whose MDTs gave different ids). Every MDT of the file"
                                + " system needs one. The job never deregisters them.").build())
                .addOption(Option.builder().longOpt("propagate").hasArg().argName("KINDS")
                        .desc("also carry these changes to the archive, comma-separated (default: none, as AMLFS):"
                                + " renames (a renamed file or directory renames the blobs of its archived files:"
                                + " copy and delete on a flat account, the atomic rename on a hierarchical one),"
                                + " metadata (owner, group, mode and time changes of archived clean files update"
                                + " the blob's metadata, and a hierarchical path's access control, without sending"
                                + " the data), deletions (a file whose last name is removed has the blobs written"
                                + " for it deleted: only blobs whose azlhsm_fid is that file's). See README,"
                                + " \"Propagation\"").build());
    }

    @Override
    protected Job createJob(CommandLine line, CopytoolConfig config) throws JobUsageException {
        JobOptionValues values = new JobOptionValues(line);
        try {
            return new AutoExportJob(new AutoExportOptions(line.getOptionValue("path", "/"), values.archive(),
                    values.positiveInt("max-outstanding", ExportOptions.DEFAULT_MAX_OUTSTANDING),
                    values.duration("interval", AutoExportOptions.DEFAULT_INTERVAL),
                    values.duration("full-scan-interval", AutoExportOptions.DEFAULT_FULL_SCAN_INTERVAL),
                    ChangelogUsers.parse(line.hasOption("changelog-user")
                            ? List.of(line.getOptionValues("changelog-user")) : List.of()),
                    Propagation.parse(line.getOptionValue("propagate"))));
        } catch (IllegalArgumentException e) {
            throw new JobUsageException(e.getMessage());
        }
    }
}
