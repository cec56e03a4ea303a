package io.azlhsm.copytool.jobs.autoexport;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobKind;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.export.ArchiveChoice;
import io.azlhsm.copytool.jobs.export.DirectoryMarkers;
import io.azlhsm.copytool.jobs.export.ExportListener;
import io.azlhsm.copytool.jobs.export.Exporter;
import io.azlhsm.copytool.jobs.walk.MountPaths;
import io.azlhsm.copytool.jobs.walk.NamespaceVisitor;
import io.azlhsm.copytool.jobs.walk.NamespaceWalker;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreFids;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Auto-export: continuous export iterations under one path until cancelled. Each pass reads the changelog of every
 * MDT (as the changelog user an administrator registered there: see {@link ChangelogUsers}) for files created,
 * written, truncated or renamed, exports those under the path that are new or dirty, and then clears, per MDT, the
 * records it consumed; with {@code --propagate}, the renames, attribute changes and deletions the records report are
 * carried to the archive first ({@link Propagator}). Every {@code fullScanInterval} (and first of all) a pass walks
 * the whole tree instead, the safety net for anything the changelog did not report. Files that failed are tried again
 * on the next pass (or, when more failed than {@link FailedFiles} holds, found again by a walk of the whole tree on
 * the next pass). The
 * users stay registered when the job stops: they are the administrator's, and the MDS keeps their records for the
 * next run.
 */
public final class AutoExportJob implements Job {
    private static final long MAX_RECORDS_PER_PASS = 100_000;
    private static final long PAUSE_STEP_MILLIS = 100;

    private final AutoExportOptions options;

    public AutoExportJob(AutoExportOptions options) {
        this.options = options;
    }

    @Override
    public JobKind kind() {
        return JobKind.AUTO_EXPORT;
    }

    @Override
    public List<String> paths() {
        return List.of(options.path());
    }

    /** Its changelog users: another reader of one of them would clear records this one has not read. */
    @Override
    public Set<String> changelogUsers() {
        return options.changelogUsers().userIds();
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("path", options.path());
        parameters.put("archive", options.archiveId() == 0 ? "(the only one)" : Integer.toString(options.archiveId()));
        parameters.put("max outstanding", Integer.toString(options.maxOutstanding()));
        parameters.put("interval", options.interval().toString());
        parameters.put("full scan interval", options.fullScanInterval().toString());
        parameters.put("changelog users", options.changelogUsers().toString());
        parameters.put("propagate", options.propagate().isEmpty() ? "(nothing but data)"
                : String.join(",", options.propagate().stream().sorted().map(Propagation::optionName).toList()));
        return parameters;
    }

    @Override
    public JobState run(JobContext context) throws Exception {
        Path mount = context.mount().toAbsolutePath().normalize();
        Path root = MountPaths.resolve(mount, options.path());
        ArchiveSettings archive = ArchiveChoice.settings(context.config(), options.archiveId());
        MdtChangelogs changelogs = MdtChangelogs.open(context, mount, options.changelogUsers());
        try (ArchiveBackend backend = ArchiveChoice.backend(context.config(), archive)) {
            new Iterations(context, mount, root, archive.id(), backend, changelogs).run();
            return JobState.COMPLETED; // not reached: only a cancel ends it
        }
    }

    /** The passes of one run. */
    private final class Iterations {
        private final JobContext context;
        private final Path mount;
        private final Path root;
        private final int archiveId;
        private final ArchiveBackend backend;
        private final MdtChangelogs changelogs;
        private final LustreFids fids;
        private final AutoExportMetrics metrics;
        private final DirectoryMarkers markers;
        private final Set<Path> retry = new LinkedHashSet<>();
        private final Propagator propagator;
        private Instant lastFullScan;

        Iterations(JobContext context, Path mount, Path root, int archiveId, ArchiveBackend backend,
                   MdtChangelogs changelogs) {
            this.context = context;
            this.mount = mount;
            this.root = root;
            this.archiveId = archiveId;
            this.backend = backend;
            this.changelogs = changelogs;
            this.fids = new LustreFids(context.library());
            this.metrics = new AutoExportMetrics(context);
            this.markers = new DirectoryMarkers(mount, backend, context.changes(), fids);
            this.propagator = options.propagate().isEmpty() ? null
                    : new Propagator(context, mount, root, archiveId, backend, fids, options.propagate());
        }

        void run() throws Exception {
            while (true) {
                context.checkCancelled();
                pass();
                pause();
            }
        }

        private void pass() throws Exception {
            metrics.passStarted();
            FailedFiles failedThisPass = new FailedFiles(FailedFiles.DEFAULT_LIMIT);
            Exporter exporter = new Exporter(mount, context.hsm(), context.changes(), fids, backend, markers,
                    archiveId, options.maxOutstanding(), context::checkCancelled, new RetryingListener(metrics, failedThisPass));
            Instant started = Instant.now();
            // records up to here are covered by this pass whether it walks or reads them
            PropagationEvents events = propagator == null ? null : propagator.nextEvents();
            Set<LuFid> changed = changelogs.read(MAX_RECORDS_PER_PASS, metrics::recordsRead,
                    events == null ? record -> { } : events::accept);
            try {
                if (events != null) {
                    propagator.apply(events); // before any export: a moved blob is what a new archive overwrites
                }
                if (lastFullScan == null || started.isAfter(lastFullScan.plus(options.fullScanInterval()))) {
                    metrics.fullScan();
                    lastFullScan = started;
                    retry.clear();
                    walk(exporter);
                } else {
                    Set<Path> candidates = new LinkedHashSet<>(retry);
                    retry.clear();
                    for (LuFid fid : changed) {
                        MdtChangelogs.pathOf(fids, mount, root, fid).ifPresent(candidates::add);
                    }
                    for (Path path : candidates) {
                        consider(exporter, path);
                    }
                }
                exporter.finish();
            } catch (Exception e) {
                if (context.cancelRequested()) {
                    exporter.cancel();
                }
                throw e;
            }
            if (failedThisPass.overflowed()) {
                // the records are still cleared below: the walk the next pass makes covers every file they name
                lastFullScan = null;
                context.log().warning("more than " + FailedFiles.DEFAULT_LIMIT + " files failed in this pass; the next"
                        + " pass walks the whole tree instead of trying them one by one");
            } else {
                retry.addAll(failedThisPass.paths());
            }
            // consumed: every file they name is exported, or failed and queued for the next pass (or walked)
            changelogs.clearRead();
            Instant ended = Instant.now();
            if (metrics.passEnded(ended)) {
                context.log().info("iteration ended " + ended + ": " + context.counters().snapshot());
            }
        }

        private void walk(Exporter exporter) throws Exception {
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
                    exporter.file(file, held, attributes.size());
                }

                @Override
                public void other(Path path, BasicFileAttributes attributes) throws Exception {
                    context.checkCancelled();
                    if (attributes.isSymbolicLink()) {
                        exporter.symlink(path);
                    }
                }

                @Override
                public void failed(Path path, IOException cause) {
                    metrics.failed(path, null, "cannot read it: " + cause);
                }
            });
        }

        private void consider(Exporter exporter, Path path) throws Exception {
            context.checkCancelled();
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException gone) {
                return; // deleted or renamed away since the record
            }
            if (attributes.isRegularFile()) {
                exporter.file(path, attributes.size());
            } else if (attributes.isDirectory()) {
                exporter.directory(path);
            } else if (attributes.isSymbolicLink()) {
                exporter.symlink(path);
            }
        }

        private void pause() throws InterruptedException {
            long until = System.nanoTime() + options.interval().toNanos();
            while (System.nanoTime() < until) {
                context.checkCancelled();
                Thread.sleep(Math.min(PAUSE_STEP_MILLIS, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
        }
    }

    /** Counts through the metrics and remembers failed files, to try them again next pass. */
    private record RetryingListener(AutoExportMetrics metrics, FailedFiles failed)
            implements ExportListener {
        @Override
        public void discovered(Path file, long size) {
            metrics.discovered(file, size);
        }

        @Override
        public void exported(Path file, long size) {
            metrics.exported(file, size);
        }

        @Override
        public void failed(Path path, String blob, String cause) {
            failed.add(path);
            metrics.failed(path, blob, cause);
        }

        @Override
        public void upToDate(Path file) {
        }

        @Override
        public void skipped(Path path, String reason) {
        }

        @Override
        public void symlinkExported(Path link) {
            metrics.symlinkExported(link);
        }

        @Override
        public void markerCreated(Path directory) {
            metrics.markerCreated(directory);
        }
    }
}
