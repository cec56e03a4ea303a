package io.azlhsm.copytool.jobs.check;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ObjectNames;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.jobs.ArchiveBackends;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobCancelledException;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobKind;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.export.ArchiveChoice;
import io.azlhsm.copytool.jobs.walk.MountPaths;
import io.azlhsm.copytool.limits.BandwidthLimiter;
import io.azlhsm.copytool.limits.ThrottledBackend;
import io.azlhsm.copytool.metrics.AgentMetrics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code copytool check}: proves that every archived file under a path has its copy, and finds what does not. Each
 * regular file and each blob under the archive prefix gets exactly one {@link CheckClass}; the JSON report and the
 * CSV beside it list every item that is not ok or not-archived (lost files first), the job log has one WARNING line
 * per such item, and the counters hold the count per class. With {@code --repair}, blob-missing and blob-replaced
 * files (and size- or checksum-mismatched resident ones) are archived again, lost files (and mismatched released
 * ones) marked HS_LOST and stale stubs imported again ({@link Repairs}); with {@code --deep} every recorded blob
 * is read back and its checksum compared ({@link BlobChecksums}); with {@code --collect-orphans AGE} orphan blobs
 * older than AGE are deleted ({@link OrphanCollector}), and so are the preserved copies no live file records any
 * more ({@link PreservedCopies}). The job log ends with a "profile:" line, where the pass's time went
 * ({@link CheckProfile}).
 *
 * <p>Memory stays bounded whatever the number of files and blobs: the walk and the listing are merged in name order
 * ({@link CheckPass}); only blobs the merge cannot pair spill to scratch files. The check changes nothing without
 * {@code --repair}; a cancelled or crashed check is simply run again (a resumed run starts over, counters at zero;
 * its scratch directories have fixed names beside the report, so it clears what the crashed run left there).
 *
 * <p>Ends Completed when no file is at risk ({@link CheckClass#atRisk()}) after the repairs and nothing failed to be
 * judged, CompletedPartial (exit status 3) otherwise: a nightly run's exit status says whether anything needs an
 * operator. Orphan and foreign blobs do not make it partial.
 */
public final class CheckJob implements Job {
    public static final String FILES = "files checked";
    public static final String BLOBS = "blobs checked";
    public static final String ERRORS = "errors";
    public static final String ARCHIVED_AGAIN = Repairs.ARCHIVED_AGAIN;
    public static final String MARKED_LOST = Repairs.MARKED_LOST;
    public static final String REPAIRS_FAILED = Repairs.FAILED;
    public static final String REIMPORTED = Repairs.REIMPORTED;
    public static final String BYTES_READ_BACK = "bytes read back";
    public static final String ORPHANS_COLLECTED = "orphan blobs deleted";
    public static final String ORPHAN_BYTES_COLLECTED = "orphan bytes deleted";
    public static final String PRESERVED_COLLECTED = "preserved copies deleted";
    public static final String PRESERVED_BYTES_COLLECTED = "preserved copy bytes deleted";

    private final CheckOptions options;
    private volatile CheckTally tally;
    private volatile Path reportFile;

    public CheckJob(CheckOptions options) {
        this.options = options;
    }

    @Override
    public JobKind kind() {
        return JobKind.CHECK;
    }

    @Override
    public List<String> paths() {
        return List.of(options.path());
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("path", options.path());
        parameters.put("archive", options.archiveId() == 0 ? "(the only one)" : Integer.toString(options.archiveId()));
        parameters.put("report", options.report() == null ? "(beside the job log)" : options.report().toString());
        parameters.put("repair", Boolean.toString(options.repair()));
        parameters.put("deep", Boolean.toString(options.deep()));
        parameters.put("collect orphans", options.collectOrphans() == null ? "(no)"
                : options.collectOrphans().toString());
        return parameters;
    }

    /** The last run's counts per class (null before a run ended its pass). */
    public CheckTally tally() {
        return tally;
    }

    /** The last run's JSON report (null before a run started). */
    public Path reportFile() {
        return reportFile;
    }

    /** The CSV written beside a JSON report. */
    public static Path csvBeside(Path report) {
        return CheckReport.csvBeside(report);
    }

    /** A scratch directory of the check beside its report: a fixed name, so a run after a crash finds it. */
    private static Path scratch(Path report, String what) {
        return report.resolveSibling("." + report.getFileName() + "." + what);
    }

    /** Where the report goes when {@code --report} is not given: beside the job's log. */
    public static Path defaultReport(Path jobLog, String jobId) {
        return jobLog.resolveSibling(jobId + ".report.json");
    }

    @Override
    public JobState run(JobContext context) throws Exception {
        Path mount = context.mount().toAbsolutePath().normalize();
        Path root = MountPaths.resolve(mount, options.path());
        ArchiveSettings archive = ArchiveChoice.settings(context.config(), options.archiveId());
        // a resumed check starts over: its counters restart with it
        for (String name : new String[] {FILES, BLOBS}) {
            context.counters().set(name, 0);
        }
        for (CheckClass c : CheckClass.values()) {
            context.counters().set(c.label(), 0);
        }
        context.counters().set(ERRORS, 0);
        context.progress().setTotal(0, 0);
        Path report = options.report() != null ? options.report().toAbsolutePath()
                : defaultReport(context.log().file(), context.jobId());
        reportFile = report;
        Instant started = Instant.now();
        CheckProfile profile = new CheckProfile();
        profile.enter(CheckProfile.Phase.SETUP);
        try (ArchiveBackends backends = new ArchiveBackends(context.config());
             CheckReport written = new CheckReport(report);
             UnclaimedBlobs unclaimed = new UnclaimedBlobs(scratch(report, "unclaimed"));
             PreservedCopies preserved = options.collectOrphans() == null ? null
                     : new PreservedCopies(backends.forArchive(archive.id()).orElseThrow(), archive.id(),
                             options.collectOrphans(), started, scratch(report, "preserved"))) {
            ArchiveBackend backend = backends.forArchive(archive.id()).orElseThrow();
            CheckSink toReport = reportingSink(context, written);
            Repairs repairs = options.repair() ? new Repairs(context, options.maxOutstanding(), toReport, backend,
                    archive.id()) : null;
            OrphanCollector collector = options.collectOrphans() == null ? null
                    : new OrphanCollector(backend, context.changes(), options.collectOrphans(), started);
            BlobChecksums checksums = options.deep() ? new BlobChecksums(throttled(context, archive, backend),
                    context.config().chunkSize()) : null;
            CheckSink sink = new CheckSink() {
                @Override
                public void item(CheckItem item, Path file) throws Exception {
                    if (repairs != null && file != null && Repairs.repairable(item)) {
                        repairs.repair(item, file);
                    } else if (collector != null && item.checkClass() == CheckClass.ORPHAN_BLOB) {
                        toReport.item(collector.collect(item), file);
                    } else {
                        toReport.item(item, file);
                    }
                }

                @Override
                public void error(String path, String blob, String cause) {
                    toReport.error(path, blob, cause);
                }
            };
            context.log().info("checking " + root + " against archive " + archive.id() + " (" + backend.describe()
                    + ")");
            profile.exit();
            try {
                new CheckPass(context, mount, root, backend, archive.id(), new ObjectNames(archive.prefix()).prefix(),
                        backends, unclaimed, sink, checksums, preserved, profile).run();
                if (repairs != null) {
                    repairs.finish();
                }
                if (checksums != null) {
                    context.counters().set(BYTES_READ_BACK, checksums.bytesRead());
                }
                if (collector != null) {
                    context.counters().set(ORPHANS_COLLECTED, collector.deleted());
                    context.counters().set(ORPHAN_BYTES_COLLECTED, collector.bytes());
                    context.counters().set(PRESERVED_COLLECTED, preserved.deleted());
                    context.counters().set(PRESERVED_BYTES_COLLECTED, preserved.bytes());
                    context.log().info("collected " + collector.deleted() + " orphan blobs, " + collector.bytes()
                            + " bytes, last modified at least " + options.collectOrphans() + " ago; "
                            + preserved.deleted() + " preserved copies no live file records, " + preserved.bytes()
                            + " bytes, preserved at least " + options.collectOrphans() + " ago ("
                            + preserved.kept() + " kept)");
                    written.collected(collector.deleted(), collector.bytes(), preserved.deleted(), preserved.bytes());
                }
            } catch (JobCancelledException e) {
                if (repairs != null) {
                    repairs.cancel();
                }
                throw e;
            }
            Map<String, String> header = new LinkedHashMap<>();
            header.put("job", context.jobId());
            header.put("path", options.path());
            header.put("archive", Integer.toString(archive.id()));
            header.put("repair", Boolean.toString(options.repair()));
            header.put("deep", Boolean.toString(options.deep()));
            header.put("started", started.toString());
            header.put("ended", Instant.now().toString());
            context.fence().verify("the check report " + report); // the report is the lock holder's to write
            profile.enter(CheckProfile.Phase.REPORT);
            written.finish(header);
            profile.exit();
            tally = written.tally();
            context.log().info("report: " + written.jsonFile() + " and " + written.csvFile() + "; "
                    + summary(written.tally()));
            context.log().info("profile: " + profile.summary());
            return outcome(written.tally(), options.repair()
                    ? context.counters().get(ARCHIVED_AGAIN) + context.counters().get(REIMPORTED) : 0);
        }
    }

    /**
     * The checked archive's backend behind the configured bandwidth limits (the archive's and the whole node's),
     * as the agent's own: a deep check's reads are restore traffic.
     */
    private static ArchiveBackend throttled(JobContext context, ArchiveSettings archive, ArchiveBackend backend) {
        return new ThrottledBackend(backend, List.of(new BandwidthLimiter(archive.bandwidthLimit()),
                new BandwidthLimiter(context.config().operations().bandwidthLimit())), new AgentMetrics());
    }

    private static String summary(CheckTally tally) {
        StringBuilder text = new StringBuilder(tally.files() + " files, " + tally.blobs() + " blobs:");
        for (CheckClass c : CheckClass.values()) {
            text.append(' ').append(c.label()).append('=').append(tally.count(c));
        }
        return text.append(" errors=").append(tally.errors()).toString();
    }

    /** Completed unless a file is still at risk (found so and not repaired) or something was not judged. */
    private static JobState outcome(CheckTally tally, long repaired) {
        long atRisk = 0;
        for (CheckClass c : CheckClass.values()) {
            if (c.atRisk()) {
                atRisk += tally.count(c);
            }
        }
        return atRisk - repaired > 0 || tally.errors() > 0 ? JobState.COMPLETED_PARTIAL : JobState.COMPLETED;
    }

    /** Reports an item (report, counters, one WARNING log line when it is listed) or an error (counter, ERROR line). */
    private static CheckSink reportingSink(JobContext context, CheckReport report) {
        return new CheckSink() {
            @Override
            public void item(CheckItem item, Path file) throws Exception {
                report.add(item);
                context.counters().counter(item.isFile() ? FILES : BLOBS).increment();
                context.counters().counter(item.checkClass().label()).increment();
                if (item.checkClass().listed()) {
                    context.log().warning(item.path(), item.blob(), item.checkClass().label() + ": " + item.detail());
                }
            }

            @Override
            public void error(String path, String blob, String cause) {
                report.error();
                context.counters().counter(ERRORS).increment();
                context.log().error(path, blob, cause);
            }
        };
    }
}
