package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.imports.ConflictMode;
import io.azlhsm.copytool.jobs.imports.ImportJob;
import io.azlhsm.copytool.jobs.imports.ImportOptions;
import io.azlhsm.copytool.jobs.imports.ImportPrefixes;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code copytool import}: the archive's container as released stubs (AMLFS's import job). */
final class ImportCommand extends JobCliCommand {
    @Override
    public String name() {
        return "import";
    }

    @Override
    public String summary() {
        return "create the namespace of an archive's container as released stubs (content restored on first"
                + " access); one job at a time per file system";
    }

    @Override
    protected boolean dryRunnable() {
        return true;
    }

    @Override
    protected Options jobOptions() {
        return new Options()
                .addOption(Option.builder("a").longOpt("archive").hasArg().argName("ID").required()
                        .desc("archive id (archive.ID.* in the configuration) whose container is imported").build())
                .addOption(Option.builder("p").longOpt("prefix").hasArg().argName("P")
                        .desc("import only blobs whose names (below archive.ID.prefix) start with P; repeat for up"
                                + " to 100 non-overlapping prefixes (default /: everything)").build())
                .addOption(Option.builder().longOpt("conflict").hasArg().argName("MODE")
                        .desc("when a path exists: fail (default; the job stops), skip, overwrite-dirty (archived"
                                + " and clean: attributes only; else delete and re-import), overwrite-always (dirty,"
                                + " never archived or archived to another blob: delete and re-import; clean:"
                                + " release). A released stub whose recorded blob is gone or replaced cannot be"
                                + " read: both overwrite modes re-import it, skip logs and counts it (staleStubs)")
                        .build())
                .addOption(Option.builder().longOpt("max-errors").hasArg().argName("N")
                        .desc("errors tolerated before the job fails: 0 (default) stops at the first, -1 never"
                                + " stops; errors are logged and the job ends CompletedPartial").build())
                .addOption(Option.builder().longOpt("target").hasArg().argName("DIR")
                        .desc("directory below the mount to import into (default: the mount root)").build())
                .addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                        .desc("stubs created in parallel (default " + ImportOptions.DEFAULT_THREADS + ")").build())
                .addOption(Option.builder().longOpt("page-size").hasArg().argName("N")
                        .desc("blobs per listing request, 1..5000 (default " + ImportOptions.DEFAULT_PAGE_SIZE
                                + "); a resumed import redoes at most the unfinished pages").build());
    }

    @Override
    protected Job createJob(CommandLine line, CopytoolConfig config) throws JobUsageException {
        int archive = (int) number(line, "archive", -1);
        if (!config.archives().containsKey(archive)) {
            throw new JobUsageException("archive " + archive + " is not configured (configured: "
                    + config.archives().keySet() + ")");
        }
        String[] given = line.getOptionValues("prefix");
        try {
            List<String> prefixes = ImportPrefixes.normalize(given == null ? List.of() : List.of(given));
            ConflictMode conflict = ConflictMode.parse(line.getOptionValue("conflict", "fail"));
            return new ImportJob(new ImportOptions(archive, prefixes, conflict, number(line, "max-errors", 0),
                    target(line, config), (int) number(line, "threads", ImportOptions.DEFAULT_THREADS),
                    (int) number(line, "page-size", ImportOptions.DEFAULT_PAGE_SIZE)));
        } catch (IllegalArgumentException e) {
            throw new JobUsageException(e.getMessage());
        }
    }

    static long number(CommandLine line, String option, long fallback) throws JobUsageException {
        String text = line.getOptionValue(option);
        if (text == null) {
            return fallback;
        }
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new JobUsageException("--" + option + " must be a number: " + text);
        }
    }

    /** The target relative to the mount; an absolute path must lie inside the mount. */
    static String target(CommandLine line, CopytoolConfig config) throws JobUsageException {
        String text = line.getOptionValue("target", "");
        Path given = Path.of(text);
        if (given.isAbsolute()) {
            if (!given.normalize().startsWith(config.mount())) {
                throw new JobUsageException("--target " + text + " is not inside the mount " + config.mount());
            }
            given = config.mount().relativize(given.normalize());
        }
        String relative = given.toString();
        return relative.endsWith("/") ? relative.substring(0, relative.length() - 1) : relative;
    }
}
