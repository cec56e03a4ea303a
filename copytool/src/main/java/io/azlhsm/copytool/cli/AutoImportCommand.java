package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.export.ArchiveChoice;
import io.azlhsm.copytool.jobs.imports.AutoImportJob;
import io.azlhsm.copytool.jobs.imports.AutoImportOptions;
import io.azlhsm.copytool.jobs.imports.ConflictMode;
import io.azlhsm.copytool.jobs.imports.ImportOptions;
import io.azlhsm.copytool.jobs.imports.ImportPrefixes;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code copytool auto-import}: keeps the namespace in step with the container, pass after pass, until cancelled. */
final class AutoImportCommand extends JobCliCommand {
    @Override
    public String name() {
        return "auto-import";
    }

    @Override
    public String summary() {
        return "keep the namespace in step with an archive's container until cancelled: new blobs become released"
                + " stubs, changed blobs update them under the conflict mode, deleted blobs remove them (--deletions)";
    }

    @Override
    protected Options jobOptions() {
        return new Options()
                .addOption(Option.builder("a").longOpt("archive").hasArg().argName("ID")
                        .desc("archive id whose container is kept imported (default: the only archive.ID of the"
                                + " configuration)").build())
                .addOption(Option.builder("p").longOpt("prefix").hasArg().argName("P")
                        .desc("only blobs whose names (below archive.ID.prefix) start with P; repeat for up to 100"
                                + " non-overlapping prefixes (default /: everything)").build())
                .addOption(Option.builder().longOpt("target").hasArg().argName("DIR")
                        .desc("directory below the mount to import into (default: the mount root)").build())
                .addOption(Option.builder().longOpt("conflict").hasArg().argName("MODE")
                        .desc("a new or changed blob whose path exists, decided as copytool import decides it: skip"
                                + " (default here: logged and counted, the job goes on; a released stub of an older"
                                + " ETag of the blob is left as a stale stub), fail (the job stops), overwrite-dirty,"
                                + " overwrite-always (both re-import a released stub of an older ETag)").build())
                .addOption(Option.builder().longOpt("deletions")
                        .desc("a blob deleted from the container removes its entry, only when it is a released stub"
                                + " that still records that blob (never a file with local data, a directory or a"
                                + " symlink: those are kept and logged); default: entries stay").build())
                .addOption(Option.builder().longOpt("interval").hasArg().argName("DURATION")
                        .desc("pause between passes (default 30s); each pass lists the container and imports only"
                                + " what is new or changed since the last").build())
                .addOption(Option.builder().longOpt("full-scan-interval").hasArg().argName("DURATION")
                        .desc("this often a pass looks at the entry of every blob, not only of new and changed ones"
                                + " (default 1h; the first pass of a new state is full)").build())
                .addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                        .desc("entries imported in parallel (default " + ImportOptions.DEFAULT_THREADS + ")").build())
                .addOption(Option.builder().longOpt("page-size").hasArg().argName("N")
                        .desc("blobs per listing request, 1..5000 (default " + ImportOptions.DEFAULT_PAGE_SIZE + ")")
                        .build());
    }

    @Override
    protected Job createJob(CommandLine line, CopytoolConfig config) throws JobUsageException {
        JobOptionValues values = new JobOptionValues(line);
        String[] given = line.getOptionValues("prefix");
        try {
            int archive = ArchiveChoice.settings(config, values.archive()).id();
            List<String> prefixes = ImportPrefixes.normalize(given == null ? List.of() : List.of(given));
            ConflictMode conflict = line.hasOption("conflict") ? ConflictMode.parse(line.getOptionValue("conflict"))
                    : AutoImportOptions.DEFAULT_CONFLICT;
            return new AutoImportJob(new AutoImportOptions(archive, prefixes, conflict,
                    ImportCommand.target(line, config), line.hasOption("deletions"),
                    values.duration("interval", AutoImportOptions.DEFAULT_INTERVAL),
                    values.duration("full-scan-interval", AutoImportOptions.DEFAULT_FULL_SCAN_INTERVAL),
                    values.positiveInt("threads", ImportOptions.DEFAULT_THREADS),
                    values.positiveInt("page-size", ImportOptions.DEFAULT_PAGE_SIZE)));
        } catch (IllegalArgumentException e) {
            throw new JobUsageException(e.getMessage());
        }
    }
}
