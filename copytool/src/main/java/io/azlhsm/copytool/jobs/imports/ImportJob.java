package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendFactory;
import io.azlhsm.copytool.archive.ObjectListing;
import io.azlhsm.copytool.archive.ObjectNames;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.config.ArchiveSettings;
import io.azlhsm.copytool.config.BackendSettingsOf;
import io.azlhsm.copytool.jobs.Job;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobKind;
import io.azlhsm.copytool.jobs.JobLockLostException;
import io.azlhsm.copytool.jobs.JobState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code copytool import}: lists the archive's container under the prefixes and creates the namespace, files as
 * released stubs, as AMLFS's import job does. The next listing page is fetched while the current one is imported,
 * and stubs are created by {@link ImportOptions#threads()} workers. A crashed import resumes from its
 * {@link ListingCheckpoint}, which also records the blobs of partly done pages that are done and the counts up to
 * there, so that a resumed job neither imports nor counts a blob twice.
 *
 * <p>A dry run ({@code --dry-run}) lists, decides and counts as the real run; each change (a stub, a directory, a
 * symlink, a deletion, a release, owner, mode and times) is a WOULD line through
 * {@link io.azlhsm.copytool.jobs.JobChanges}, and what it would import below a directory it would create is decided
 * as absent there ({@link DirectoryMaker#phantom}). It leaves no import marker.
 */
public final class ImportJob implements Job {
    private final ImportOptions options;
    private volatile String stopReason;

    public ImportJob(ImportOptions options) {
        this.options = options;
    }

    @Override
    public JobKind kind() {
        return JobKind.IMPORT;
    }

    @Override
    public Map<String, String> parameters() {
        return options.parameters();
    }

    /**
     * The directories the stubs land in: the target, below it each prefix's directory (a prefix that does not end
     * with '/' also matches names beside it: {@code data/fi} takes {@code data/file1}, so its directory is
     * {@code data}).
     */
    @Override
    public List<String> paths() {
        return stubPaths(options.target(), options.prefixes());
    }

    /** The lock paths of an import (and of auto-import) into {@code target} of blobs under {@code prefixes}. */
    static List<String> stubPaths(String target, List<String> prefixes) {
        List<String> paths = new ArrayList<>();
        for (String prefix : prefixes) {
            int slash = prefix.lastIndexOf('/');
            String directory = slash < 0 ? "" : prefix.substring(0, slash);
            paths.add("/" + (target.isEmpty() ? directory
                    : directory.isEmpty() ? target : target + "/" + directory));
        }
        return paths;
    }

    @Override
    public JobState run(JobContext context) throws Exception {
        ArchiveSettings archive = context.config().archives().get(options.archiveId());
        if (archive == null) {
            throw new IllegalArgumentException("archive " + options.archiveId() + " is not configured");
        }
        ImportCounters.create(context.counters());
        // a dry run leaves no marker: it writes nothing under the mount
        ImportMarker marker = new ImportMarker(context.mount(), context.started(), context.fence(),
                !context.changes().dryRun());
        marker.start(JobState.IN_PROGRESS, context.otherRunningJobs().stream()
                .anyMatch(job -> job.kind() == JobKind.IMPORT), context.resumed());
        try (ArchiveBackend backend = BackendFactory.create(BackendSettingsOf.archive(archive,
                context.config().chunkSize()).toBuilder().createContainer(false).build())) {
            context.log().info("importing from " + backend.describe());
            JobState state = importAll(context, backend, archive, marker);
            if (state == JobState.COMPLETED) {
                marker.remove();
            } else {
                marker.show(state);
            }
            return state;
        } catch (Exception | Error e) {
            try {
                marker.show(context.cancelRequested() ? JobState.CANCELED : JobState.FAILED);
            } catch (IOException | RuntimeException markerFailed) {
                // a job that lost its lock is refused here: the marker is the new holder's
                e.addSuppressed(markerFailed);
            }
            throw e;
        }
    }

    private JobState importAll(JobContext context, ArchiveBackend backend, ArchiveSettings archive,
                               ImportMarker marker) throws Exception {
        Path target = context.mount().resolve(options.target()).normalize();
        if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            context.changes().apply("create directory", target.toString(), null,
                    () -> Files.createDirectories(target));
        }
        // a dry run's target that it would have created: everything goes into directories it would create
        boolean phantomTarget = context.changes().dryRun() && !Files.exists(target, LinkOption.NOFOLLOW_LINKS);
        if (!phantomTarget && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("--target " + target + " is not a directory (symlinks are not followed)");
        }
        try (EntryImporter importer = new EntryImporter(context, options, backend, target, phantomTarget)) {
            ListingCheckpoint position = new ListingCheckpoint(context.checkpoint());
            if (context.resumed()) {
                // The crashed run's live counters also hold blobs it had not finished, which are imported again now.
                position.savedCounts(ImportCounters.COUNTS)
                        .ifPresent(saved -> saved.forEach(context.counters()::set));
            }
            String archivePrefix = new ObjectNames(archive.prefix()).prefix();
            Instant runStart = Instant.now();
            long walkedBefore = context.counters().get(ImportCounters.WALKED);
            long importedBefore = context.counters().get(ImportCounters.IMPORTED);
            ExecutorService workers = Executors.newFixedThreadPool(options.threads(), daemon("import-worker"));
            ExecutorService lister = Executors.newSingleThreadExecutor(daemon("import-lister"));
            Semaphore outstanding = new Semaphore(options.threads() * 64);
            DirectoryScopes scopes = new DirectoryScopes(scope -> finishDirectory(context, importer, scope));
            try {
                for (int i = 0; i < options.prefixes().size() && stopReason == null; i++) {
                    if (position.finished(i)) {
                        continue;
                    }
                    String listPrefix = archivePrefix + options.prefixes().get(i);
                    String token = position.resumeToken(i).orElse(null);
                    Future<ObjectListing> next = lister.submit(
                            () -> backend.list(listPrefix, token, options.pageSize()));
                    while (stopReason == null) {
                        ObjectListing page = await(context, marker, next);
                        String nextToken = page.next().orElse(null);
                        if (nextToken != null) {
                            next = lister.submit(() -> backend.list(listPrefix, nextToken, options.pageSize()));
                        }
                        ListingCheckpoint.Page tracker = position.page(i, nextToken, page.objects().size());
                        for (int index = 0; index < page.objects().size(); index++) {
                            cancelPoint(context, marker);
                            if (stopReason != null) {
                                break;
                            }
                            StoredObject blob = page.objects().get(index);
                            DirectoryScopes.Ticket ticket = scopes.listed(keyOf(backend, blob));
                            if (tracker.alreadyDone(index)) {
                                scopes.done(ticket);
                                continue; // the crashed run finished it, and the restored counts hold it
                            }
                            int item = index;
                            BlobTally tally = new BlobTally();
                            context.counters().counter(ImportCounters.WALKED).increment();
                            tally.add(ImportCounters.WALKED);
                            acquire(context, marker, outstanding);
                            workers.execute(() -> {
                                try {
                                    importOne(context, importer, blob, tally, ticket);
                                } finally {
                                    // a stopped or canceled job skips queued blobs: they are not done
                                    if (stopReason == null && !context.cancelRequested()
                                            && !context.fence().lost()) {
                                        tracker.itemDone(item, tally);
                                    }
                                    scopes.done(ticket); // before the permit: drain() sees finished directories
                                    outstanding.release();
                                }
                            });
                        }
                        updateRates(context, runStart, walkedBefore, importedBefore);
                        if (nextToken == null) {
                            break;
                        }
                    }
                    scopes.closeAll(); // prefixes do not overlap: no other listing reaches these directories
                }
                drain(context, marker, outstanding, options.threads() * 64);
            } finally {
                // Not shutdownNow: interrupting the next page's request in flight makes the Azure SDK print SEVERE
                // InterruptedException lines at every cancel. The request ends on its own on this daemon thread and
                // its page is dropped.
                lister.shutdown();
                // Queued blobs return at once once stopped or canceled; running ones finish their stub.
                workers.shutdown();
                if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                }
                importer.report().report(context.log()); // once per job, however it ends
            }
            updateRates(context, runStart, walkedBefore, importedBefore);
            if (stopReason != null) {
                throw new ImportStop(stopReason);
            }
            return context.counters().get(ImportCounters.ERRORS) > 0 ? JobState.COMPLETED_PARTIAL
                    : JobState.COMPLETED;
        }
    }

    private void importOne(JobContext context, EntryImporter importer, StoredObject blob, BlobTally tally,
                           DirectoryScopes.Ticket scopes) {
        if (stopReason != null || context.cancelRequested()) {
            return;
        }
        try {
            context.fence().check("the stub of blob " + blob.name());
            importer.importBlob(blob, tally, scopes);
        } catch (JobLockLostException lost) {
            // another node runs the job now; the main loop stops at its next cancel point
        } catch (ImportStop stop) {
            stop(stop.getMessage());
        } catch (ItemError e) {
            error(context, importer, blob, e.getMessage(), tally);
        } catch (Exception | LinkageError e) {
            error(context, importer, blob, e.getClass().getSimpleName() + ": " + e.getMessage(), tally);
        }
    }

    /**
     * A blob's key in the listing's {@link DirectoryScopes}: its name below the archive prefix, without the '/' that
     * ends a directory key (null: no path).
     */
    static String keyOf(ArchiveBackend backend, StoredObject blob) {
        String name = blob.name();
        try {
            return backend.relativePath(name.endsWith("/") ? name.substring(0, name.length() - 1) : name);
        } catch (ArchiveException notAPath) {
            return null; // the worker fails the blob, naming why
        }
    }

    /**
     * A directory the listing left, with every blob in it done: its time is set (unless the job is stopping, lost its
     * lock or is canceled: then only an import that goes on sets times, as before) and the importer forgets it. Runs in
     * the lister or a worker; never throws.
     */
    private void finishDirectory(JobContext context, EntryImporter importer, DirectoryScopes.Scope scope) {
        boolean goingOn = stopReason == null && !context.cancelRequested() && !context.fence().lost();
        try {
            if (goingOn && scope.time() != null) {
                context.fence().check("the time of directory " + scope.path());
            }
            importer.finishDirectory(scope, goingOn);
        } catch (JobLockLostException lost) {
            // another node runs the job now: it sets the times
        } catch (IOException | RuntimeException e) {
            context.log().error(String.valueOf(scope.path()), null, "cannot set the directory's time: "
                    + e.getMessage());
            context.counters().counter(ImportCounters.ERRORS).increment();
        }
    }

    private void error(JobContext context, EntryImporter importer, StoredObject blob, String cause,
                       BlobTally tally) {
        String path;
        try {
            path = importer.pathOf(blob, blob.name().endsWith("/") && blob.size() == 0).toString();
        } catch (ItemError unsafe) {
            path = null;
        }
        context.log().error(path, blob.name(), cause);
        context.counters().counter(ImportCounters.ERRORS).increment();
        tally.add(ImportCounters.ERRORS);
        long errors = context.counters().get(ImportCounters.ERRORS);
        if (options.maxErrors() >= 0 && errors > options.maxErrors()) {
            stop(options.maxErrors() == 0 ? "stopped at the first error (--max-errors 0): blob " + blob.name() + ": "
                    + cause : "more than " + options.maxErrors() + " errors (--max-errors " + options.maxErrors() + ")");
        }
    }

    private synchronized void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    /**
     * Cancel requested: show Canceling, let running stubs finish, show Canceled, end. Lock lost to another node: end
     * now (JobLockLostException), writing nothing more.
     */
    private static void cancelPoint(JobContext context, ImportMarker marker) throws IOException {
        if (context.cancelRequested()) {
            marker.show(JobState.CANCELING);
        }
        context.checkCancelled();
    }

    private static ObjectListing await(JobContext context, ImportMarker marker, Future<ObjectListing> page)
            throws Exception {
        while (true) {
            cancelPoint(context, marker);
            try {
                return page.get(200, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException notYet) {
                // look at the cancel flag again
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    private static void acquire(JobContext context, ImportMarker marker, Semaphore outstanding) throws Exception {
        while (!outstanding.tryAcquire(200, TimeUnit.MILLISECONDS)) {
            cancelPoint(context, marker);
        }
    }

    /** Waits for every submitted blob; on cancel waits too (a stub is never left half made) and then ends. */
    private static void drain(JobContext context, ImportMarker marker, Semaphore outstanding, int permits)
            throws Exception {
        while (!outstanding.tryAcquire(permits, 200, TimeUnit.MILLISECONDS)) {
            if (context.cancelRequested()) {
                marker.show(JobState.CANCELING);
            }
        }
        outstanding.release(permits);
        cancelPoint(context, marker);
    }

    private static void updateRates(JobContext context, Instant runStart, long walkedBefore, long importedBefore) {
        double seconds = Math.max(0.001, Duration.between(runStart, Instant.now()).toMillis() / 1000.0);
        context.counters().set(ImportCounters.WALKED_PER_SECOND,
                Math.round((context.counters().get(ImportCounters.WALKED) - walkedBefore) / seconds));
        context.counters().set(ImportCounters.IMPORTED_PER_SECOND,
                Math.round((context.counters().get(ImportCounters.IMPORTED) - importedBefore) / seconds));
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
