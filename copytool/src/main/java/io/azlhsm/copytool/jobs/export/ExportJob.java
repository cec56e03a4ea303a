package io.azlhsm.copytool.jobs.export;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobKind;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.walk.MountPaths;
import io.azlhsm.copytool.jobs.walk.NamespaceVisitor;
import io.azlhsm.copytool.jobs.walk.NamespaceWalker;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.lustre.LustreFids;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports a tree: every file under the path whose content is new or changed is archived through the coordinator
 * (so all agents share the work), at most {@code maxOutstanding} requests at a time; directories get marker blobs,
 * symlinks {@code ftype=LNK} blobs holding their target.
 * Metadata-only changes, renames and deletions are not propagated (AMLFS). A file that fails (changed while copied,
 * refused, unreadable) is counted and logged and the job goes on; a re-run exports only what is still not clean.
 *
 * <p>Ends Completed when nothing failed, CompletedPartial when some files failed and others were exported, Failed
 * when files failed and none was exported (files already up to date do not count: the job could not do what was
 * left to do).
 */
public final class ExportJob implements Job {
    private final ExportOptions options;

    public ExportJob(ExportOptions options) {
        this.options = options;
    }

    @Override
    public JobKind kind() {
        return JobKind.EXPORT;
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
        parameters.put("max outstanding", Integer.toString(options.maxOutstanding()));
        parameters.put("directory markers", Boolean.toString(options.markers()));
        return parameters;
    }

    @Override
    public JobState run(JobContext context) throws Exception {
        Path mount = context.mount().toAbsolutePath().normalize();
        Path root = MountPaths.resolve(mount, options.path());
        ArchiveSettings archive = ArchiveChoice.settings(context.config(), options.archiveId());
        ExportCounters counters = new ExportCounters(context);
        context.progress().setTotal(0, 0);
        try (ArchiveBackend backend = ArchiveChoice.backend(context.config(), archive)) {
            DirectoryMarkers markers = options.markers() ? new DirectoryMarkers(mount, backend, context.changes(), new LustreFids(context.library()))
                    : null;
            Exporter exporter = new Exporter(mount, context.hsm(), context.changes(), new LustreFids(context.library()), backend,
                    markers, archive.id(), options.maxOutstanding(), context::checkCancelled, counters);
            long started = System.nanoTime();
            try {
                // the directories above the export path too, so that the container's tree imports back whole
                for (Path above = root.getParent(); above != null && above.startsWith(mount) && !above.equals(mount);
                     above = above.getParent()) {
                    exporter.directory(above);
                }
                new NamespaceWalker(mount).walk(root, new NamespaceVisitor() {
                    @Override
                    public void directory(Path directory, BasicFileAttributes attributes) throws Exception {
                        context.checkCancelled();
                        exporter.directory(directory);
                    }

                    @Override
                    public void file(Path file, HeldFile held, BasicFileAttributes attributes) throws Exception {
                        context.checkCancelled();
                        counters.scanned();
                        exporter.file(file, held, attributes.size());
                    }

                    @Override
                    public void other(Path path, BasicFileAttributes attributes) throws Exception {
                        context.checkCancelled();
                        if (attributes.isSymbolicLink()) {
                            exporter.symlink(path);
                        } else {
                            counters.skipped(path, "a socket, device or FIFO (HSM archives regular files only)");
                        }
                    }

                    @Override
                    public void failed(Path path, IOException cause) {
                        counters.failed(path, null, "cannot read it: " + cause);
                    }
                });
                context.log().info("walk of " + root + " done in " + millisSince(started) + " ms; waiting for "
                        + "the last requests");
                exporter.finish();
            } catch (Exception e) {
                if (context.cancelRequested()) {
                    exporter.cancel();
                }
                throw e;
            }
            context.log().info("export of " + root + " done in " + millisSince(started) + " ms; at most "
                    + exporter.peakOutstanding() + " requests were outstanding");
        }
        return outcome(counters);
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static JobState outcome(ExportCounters counters) {
        long failed = counters.get(ExportCounters.FAILED);
        if (failed == 0) {
            return JobState.COMPLETED;
        }
        return counters.get(ExportCounters.EXPORTED) > 0 ? JobState.COMPLETED_PARTIAL : JobState.FAILED;
    }
}
