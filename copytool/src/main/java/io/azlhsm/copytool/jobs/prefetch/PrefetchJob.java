package io.azlhsm.copytool.jobs.prefetch;

import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobKind;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.requests.BoundedHsmRequests;
import io.azlhsm.copytool.jobs.requests.RequestKind;
import io.azlhsm.copytool.jobs.requests.RequestOutcome;
import io.azlhsm.copytool.jobs.requests.RequestedFile;
import io.azlhsm.copytool.jobs.walk.MountPaths;
import io.azlhsm.copytool.jobs.walk.NamespaceVisitor;
import io.azlhsm.copytool.jobs.walk.NamespaceWalker;
import io.azlhsm.copytool.lustre.HeldFile;
import io.azlhsm.copytool.lustre.HsmStates;
import io.azlhsm.copytool.lustre.HsmUserState;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.lustre.LustreException;
import io.azlhsm.copytool.lustre.LustreFids;
import io.azlhsm.copytool.jobs.LockScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Restores released files under paths (or named by a list) ahead of use, with at most {@code maxOutstanding}
 * RESTORE requests at the coordinator at a time, so the metadata server is never swamped; the agents do the copies.
 * With {@code rehydrateOnly} it restores nothing and only gets the Archive-tier blobs of those files rehydrating
 * ({@link RehydrationStarter}).
 */
public final class PrefetchJob implements Job {
    public static final String SCANNED = "files scanned";
    public static final String PRESENT = "files already present";
    public static final String TO_RESTORE = "files to restore";
    public static final String BYTES_TO_RESTORE = "bytes to restore";
    public static final String RESTORED = "files restored";
    public static final String BYTES_RESTORED = "bytes restored";
    public static final String FAILED = "files failed";
    public static final String PEAK = "peak outstanding requests";

    private final PrefetchOptions options;

    public PrefetchJob(PrefetchOptions options) {
        this.options = options;
    }

    @Override
    public JobKind kind() {
        return JobKind.PREFETCH;
    }

    /** The paths given; with a file list, whose paths are read only as the job runs, the whole file system. */
    @Override
    public List<String> paths() {
        return options.fileList() != null ? LockScope.WHOLE_FILE_SYSTEM : options.paths();
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> parameters = new LinkedHashMap<>();
        parameters.put("paths", String.join(" ", options.paths()));
        if (options.fileList() != null) {
            parameters.put("file list", options.fileList().toString());
        }
        parameters.put("max outstanding", Integer.toString(options.maxOutstanding()));
        if (options.rehydrateOnly()) {
            parameters.put("rehydrate only", "true");
        }
        return parameters;
    }

    @Override
    public JobState run(JobContext context) throws Exception {
        Path mount = context.mount().toAbsolutePath().normalize();
        for (String name : new String[] {SCANNED, PRESENT, TO_RESTORE, BYTES_TO_RESTORE, RESTORED, BYTES_RESTORED,
                FAILED, PEAK}) {
            context.counters().counter(name);
        }
        context.progress().setTotal(0, 0);
        LustreFids fids = new LustreFids(context.library());
        BoundedHsmRequests requests = new BoundedHsmRequests(context.hsm(), context.changes(), mount, RequestKind.RESTORE, 0,
                options.maxOutstanding(), context::checkCancelled, outcome -> ended(context, outcome));
        NamespaceWalker walker = new NamespaceWalker(mount);
        io.azlhsm.copytool.jobs.ArchiveBackends backends = options.rehydrateOnly()
                ? new io.azlhsm.copytool.jobs.ArchiveBackends(context.config()) : null;
        RehydrationStarter rehydrations = backends == null ? null : new RehydrationStarter(backends);
        if (rehydrations != null) {
            context.counters().counter(RehydrationStarter.REQUESTED);
            context.counters().counter(RehydrationStarter.ALREADY);
        }
        // The file list is read a line at a time as the walk goes: a list of millions of paths is never in memory.
        try (BufferedReader list = options.fileList() == null ? null
                : Files.newBufferedReader(options.fileList(), StandardCharsets.UTF_8)) {
            Iterator<String> named = options.paths().iterator();
            for (String given = nextPath(named, list, requests); given != null;
                 given = nextPath(named, list, requests)) {
                Path start;
                try {
                    start = MountPaths.resolve(mount, given);
                } catch (NoSuchFileException | IllegalArgumentException e) {
                    failed(context, Path.of(given), e.getMessage());
                    continue;
                }
                walker.walk(start, new NamespaceVisitor() {
                    @Override
                    public void file(Path file, HeldFile held, BasicFileAttributes attributes) throws Exception {
                        context.checkCancelled();
                        consider(context, fids, requests, rehydrations, file, held, attributes.size());
                    }

                    @Override
                    public void failed(Path path, IOException cause) {
                        PrefetchJob.failed(context, path, "cannot read it: " + cause);
                    }
                });
            }
            requests.finish();
        } catch (Exception e) {
            if (context.cancelRequested()) {
                requests.cancelOutstanding();
            }
            throw e;
        } finally {
            context.counters().set(PEAK, requests.peakOutstanding());
            if (backends != null) {
                backends.close();
            }
        }
        long failed = context.counters().counter(FAILED).sum();
        if (failed == 0) {
            return JobState.COMPLETED;
        }
        if (rehydrations != null) {
            return context.counters().counter(TO_RESTORE).sum() > failed ? JobState.COMPLETED_PARTIAL
                    : JobState.FAILED;
        }
        return context.counters().counter(RESTORED).sum() > 0 ? JobState.COMPLETED_PARTIAL : JobState.FAILED;
    }

    /**
     * The next path to prefetch: the given ones, then the file list's (blank lines and # comments skipped). A list
     * that has no next line ready yet (a pipe from {@code lfs find}, say) gets the restores queued so far sent first.
     */
    private static String nextPath(Iterator<String> named, BufferedReader list, BoundedHsmRequests requests)
            throws Exception {
        if (named.hasNext()) {
            return named.next();
        }
        if (list == null) {
            return null;
        }
        if (!list.ready()) {
            requests.sendQueued();
        }
        for (String line = list.readLine(); line != null; line = list.readLine()) {
            String trimmed = line.strip();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                return trimmed;
            }
        }
        return null;
    }

    private static void consider(JobContext context, LustreFids fids, BoundedHsmRequests requests,
                                 RehydrationStarter rehydrations, Path file, HeldFile held, long size)
            throws Exception {
        context.counters().counter(SCANNED).increment();
        HsmUserState state;
        try {
            state = context.hsm().state(held.path()); // the walk holds the file: no lookup of its name again
        } catch (LustreException e) {
            failed(context, file, "cannot read its HSM state: " + e.getMessage());
            return;
        }
        if (!state.has(HsmStates.RELEASED)) {
            context.counters().counter(PRESENT).increment();
            return;
        }
        if (state.has(HsmStates.LOST)) {
            failed(context, file, "its archive copy is lost (lost_from_hsm): hsm state " + state.lfsDescription());
            return;
        }
        context.counters().counter(TO_RESTORE).increment();
        context.counters().counter(BYTES_TO_RESTORE).add(size);
        if (rehydrations != null) {
            String failure = rehydrations.consider(context, file, state);
            if (failure != null) {
                failed(context, file, failure);
            } else {
                context.progress().advance(1, 0);
            }
            return;
        }
        LuFid fid;
        try {
            fid = fids.fd2fid(held.fd()); // only for a file to restore: a file already present needs none
        } catch (LustreException e) {
            failed(context, file, "cannot read its FID: " + e.getMessage());
            return;
        }
        requests.submit(new RequestedFile(file, fid, size));
    }

    private static void ended(JobContext context, RequestOutcome outcome) {
        if (outcome.succeeded()) {
            context.counters().counter(RESTORED).increment();
            context.counters().counter(BYTES_RESTORED).add(outcome.file().size());
            context.progress().advance(1, outcome.file().size());
        } else {
            failed(context, outcome.file().path(), outcome.failure().orElseThrow());
        }
    }

    private static void failed(JobContext context, Path path, String cause) {
        context.counters().counter(FAILED).increment();
        context.log().error(path.toString(), null, cause);
        context.progress().advance(1, 0);
    }
}
