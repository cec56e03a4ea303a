package io.azlhsm.copytool.jobs.policy;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.config.PolicySettings.ArchiveRule;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.autoexport.ChangelogUsers;
import io.azlhsm.copytool.jobs.autoexport.MdtChangelogs;
import io.azlhsm.copytool.jobs.export.ArchiveChoice;
import io.azlhsm.copytool.jobs.export.ExportDecision;
import io.azlhsm.copytool.jobs.export.ExportListener;
import io.azlhsm.copytool.jobs.export.ExportOptions;
import io.azlhsm.copytool.jobs.export.Exporter;
import io.azlhsm.copytool.jobs.walk.MountPaths;
import io.azlhsm.copytool.jobs.walk.NamespaceVisitor;
import io.azlhsm.copytool.jobs.walk.NamespaceWalker;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The archive rule across passes: files under the rule's paths that match its names and size bounds, new or dirty
 * (as export decides it from the HSM state), are archived once nothing changed them (mtime, ctime) for
 * {@code after}, so a file being written is archived once, after its writer is done, not at every close. Which
 * files to look at comes from the changelog of every MDT (creations, CLOSE after writes, MTIME, TRUNC, renames,
 * dirty HSM records: as auto-export reads it) and from a walk of the paths at the start and every
 * {@code scan_interval}, the safety net. A file not quiet yet waits in memory for a later pass (after a restart, the
 * first walk finds it again); the records that named it are cleared once it is waiting or archived. A file written
 * after its archive is dirty again and goes the same way. The archive requests go through the coordinator as
 * export's do ({@link Exporter}), and the agents' data version check fails an archive of a file written meanwhile,
 * which then waits for its next quiet time.
 */
final class ArchiveRuleRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ArchiveRuleRunner.class.getName());
    private static final long MAX_RECORDS_PER_PASS = 100_000;

    private final JobContext context;
    private final ArchiveRule rule;
    private final PolicyMetrics metrics;
    private final Path mount;
    private final List<Path> roots = new ArrayList<>();
    private final List<PathMatcher> names = new ArrayList<>();
    private final ArchiveSettings archive;
    private final ArchiveBackend backend;
    private final MdtChangelogs changelogs;
    private final LustreFids fids;
    /** Files not quiet yet, or failed; the requests' threads add failures. */
    private final Set<Path> waiting = ConcurrentHashMap.newKeySet();
    private Instant lastScan;

    ArchiveRuleRunner(JobContext context, ArchiveRule rule, PolicyMetrics metrics) throws Exception {
        this.context = context;
        this.rule = rule;
        this.metrics = metrics;
        this.mount = context.mount().toAbsolutePath().normalize();
        for (String given : rule.paths()) {
            roots.add(MountPaths.resolve(mount, given));
        }
        for (String glob : rule.names()) {
            names.add(FileSystems.getDefault().getPathMatcher("glob:" + glob));
        }
        this.archive = ArchiveChoice.settings(context.config(), rule.archiveId());
        ChangelogUsers users;
        try {
            users = ChangelogUsers.parse(rule.changelogUsers());
        } catch (IllegalArgumentException e) {
            throw new IOException("policy.archive.changelog_users: " + e.getMessage(), e);
        }
        this.changelogs = MdtChangelogs.open(context, mount, users);
        this.fids = new LustreFids(context.library());
        this.backend = ArchiveChoice.backend(context.config(), archive);
    }

    void pass(Instant now) throws Exception {
        Set<LuFid> changed = changelogs.read(MAX_RECORDS_PER_PASS, metrics::archiveRecordsRead);
        Exporter exporter = new Exporter(mount, context.hsm(), context.changes(), fids, backend, null, archive.id(),
                ExportOptions.DEFAULT_MAX_OUTSTANDING, context::checkCancelled, new Listener());
        try {
            if (lastScan == null || !now.isBefore(lastScan.plus(rule.scanInterval()))) {
                lastScan = now;
                metrics.archiveScan(now);
                waiting.clear(); // the walk finds every one again
                walk(exporter, now);
            } else {
                Set<Path> candidates = new LinkedHashSet<>(waiting);
                waiting.clear();
                for (LuFid fid : changed) {
                    for (Path root : roots) {
                        MdtChangelogs.pathOf(fids, mount, root, fid).ifPresent(candidates::add);
                    }
                }
                for (Path path : candidates) {
                    context.checkCancelled();
                    BasicFileAttributes attributes;
                    try {
                        attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    } catch (IOException gone) {
                        continue; // deleted or renamed away since the record
                    }
                    if (attributes.isRegularFile()) {
                        consider(exporter, path, attributes, now);
                    }
                }
            }
            exporter.finish();
        } catch (Exception e) {
            if (context.cancelRequested()) {
                exporter.cancel();
            }
            throw e;
        }
        // consumed: every file they name is archived, waiting for its quiet time, or failed and waiting
        changelogs.clearRead();
        metrics.archiveWaiting(waiting.size());
    }

    private void walk(Exporter exporter, Instant now) throws Exception {
        for (Path root : roots) {
            new NamespaceWalker(mount).walk(root, new NamespaceVisitor() {
                @Override
                public void file(Path file, HeldFile held, BasicFileAttributes attributes) throws Exception {
                    context.checkCancelled();
                    consider(exporter, file, attributes, now);
                }

                @Override
                public void failed(Path path, IOException cause) {
                    metrics.archiveFailed();
                    context.log().error(path.toString(), null, "archive rule: cannot read it: " + cause);
                }
            });
        }
    }

    private void consider(Exporter exporter, Path file, BasicFileAttributes attributes, Instant now)
            throws Exception {
        if (!names.isEmpty() && names.stream().noneMatch(m -> m.matches(file.getFileName()))) {
            return;
        }
        long size = attributes.size();
        if (size < rule.minSize() || (rule.maxSize() > 0 && size > rule.maxSize())) {
            LOG.fine(() -> "archive rule: " + file + ": " + size + " bytes, outside the size bounds");
            return;
        }
        HsmUserState state;
        try {
            state = context.hsm().state(file);
        } catch (LustreException e) {
            metrics.archiveFailed();
            context.log().error(file.toString(), null, "archive rule: cannot read its HSM state: " + e.getMessage());
            return;
        }
        ExportDecision decision = ExportDecision.of(state);
        if (!decision.needsExport()) {
            LOG.fine(() -> "archive rule: " + file + ": " + decision);
            return;
        }
        Instant changed = lastChange(file, attributes);
        if (now.isBefore(changed.plus(rule.after()))) {
            waiting.add(file);
            LOG.fine(() -> "archive rule: " + file + ": " + decision + ", changed " + changed + ", waits until "
                    + changed.plus(rule.after()));
            return;
        }
        LOG.fine(() -> "archive rule: " + file + ": " + decision + ", unchanged since " + changed + ": archive");
        exporter.file(file, size);
    }

    /** The later of mtime (data written, truncated) and ctime (any change, a write included). */
    private static Instant lastChange(Path file, BasicFileAttributes attributes) {
        Instant mtime = attributes.lastModifiedTime().toInstant();
        try {
            Instant ctime = ((FileTime) Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS))
                    .toInstant();
            return ctime.isAfter(mtime) ? ctime : mtime;
        } catch (IOException | UnsupportedOperationException e) {
            return mtime;
        }
    }

    @Override
    public void close() throws Exception {
        backend.close();
    }

    /** Counts through the metrics; a failed file waits for the next pass. */
    private final class Listener implements ExportListener {
        @Override
        public void exported(Path file, long size) {
            metrics.archived(size);
            context.progress().advance(1, size);
        }

        @Override
        public void failed(Path path, String blob, String cause) {
            waiting.add(path);
            metrics.archiveFailed();
            context.log().error(path.toString(), blob, "archive rule: " + cause);
        }
    }
}
