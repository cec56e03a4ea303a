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
import io.azlhsm.copytool.jobs.JobStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code copytool auto-import}: keeps the namespace in step with the container, pass after pass, until cancelled.
 * Each pass lists the container under the prefixes (the Blob API's only way to learn of changes without the change
 * feed) and streams the listing beside the {@link ImportedState} the last pass left, in the same name order: a blob
 * the state lacks is new, one whose ETag differs changed, a state entry the listing passed by was deleted. Only new
 * and changed blobs (and those that failed in the pass before) go to the import's {@link EntryImporter}, which decides
 * each one exactly as {@code copytool import} does under the conflict mode (a changed blob's released stub is a stale
 * stub there); an unchanged blob costs no Lustre call at all. Every {@code fullScanInterval}, and first when there is
 * no state yet, a full pass hands every listed blob to the importer, so that what happened to the entries themselves
 * (a stub deleted or replaced by hand) is seen too. With {@code --deletions} a deleted blob's entry is removed by
 * {@link EntryImporter#removeStubOf} when it is still a released stub recording that blob; otherwise it stays, logged.
 *
 * <p>Memory: two listing pages, {@code threads} x 64 blobs in work, the directories the listing is in, and at most
 * {@link #RETRY_LIMIT} names of blobs that failed (more, and the next pass is a full one instead).
 */
public final class AutoImportJob implements Job {
    /** Blobs that failed in a pass and are tried again in the next; past it, the next pass is a full one. */
    static final int RETRY_LIMIT = 10_000;
    private static final long PAUSE_STEP_MILLIS = 100;
    /**
     * The listing's name order: Azure lists by the names' UTF-8 bytes, which is code point order. Should an archive
     * list otherwise, nothing goes wrong: a blob seen deleted is looked up (Get Blob Properties) before anything is
     * counted or removed, and a blob seen new that is not is found preexisting by the import.
     */
    static final Comparator<String> LISTING_ORDER = AutoImportJob::compareCodePoints;

    private final AutoImportOptions options;
    private volatile String stopReason;

    public AutoImportJob(AutoImportOptions options) {
        this.options = options;
    }

    @Override
    public JobKind kind() {
        return JobKind.AUTO_IMPORT;
    }

    @Override
    public Map<String, String> parameters() {
        return options.parameters();
    }

    /** The directories its stubs land in, as for an import: auto-import runs beside jobs on other paths. */
    @Override
    public List<String> paths() {
        return ImportJob.stubPaths(options.target(), options.prefixes());
    }

    @Override
    public JobState run(JobContext context) throws Exception {
        ArchiveSettings archive = context.config().archives().get(options.archiveId());
        if (archive == null) {
            throw new IllegalArgumentException("archive " + options.archiveId() + " is not configured");
        }
        AutoImportMetrics metrics = new AutoImportMetrics(context);
        try (ArchiveBackend backend = BackendFactory.create(BackendSettingsOf.archive(archive,
                context.config().chunkSize()).toBuilder().createContainer(false).build())) {
            context.log().info("auto-importing from " + backend.describe());
            Path target = context.mount().resolve(options.target()).normalize();
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                context.changes().apply("create directory", target.toString(), null,
                        () -> Files.createDirectories(target));
            }
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("--target " + target + " is not a directory (symlinks are not followed)");
            }
            ImportedState state = new ImportedState(new JobStore(context.mount()).directory(), options.archiveId(),
                    options.target(), options.prefixes());
            context.log().info("state of what was imported: " + state.file());
            try (EntryImporter importer = new EntryImporter(context, options.importOptions(), backend, target)) {
                new Passes(context, backend, new ObjectNames(archive.prefix()).prefix(), importer, state, metrics)
                        .run();
            }
        }
        return JobState.COMPLETED; // not reached: a cancel, a conflict under fail or a lost lock ends it
    }

    /** The passes of one run. */
    private final class Passes {
        private final JobContext context;
        private final ArchiveBackend backend;
        private final List<String> listPrefixes;
        private final EntryImporter importer;
        private final ImportedState state;
        private final AutoImportMetrics metrics;
        private final int permits = options.threads() * 64;
        private final Semaphore outstanding = new Semaphore(permits);
        private Set<String> retry = new HashSet<>();
        private final Set<String> failed = new LinkedHashSet<>();
        private boolean failedOverflow;
        /** Set when a deletion could not be confirmed: the pass then leaves the last state in place. */
        private volatile boolean keepLastState;
        private Instant lastFull;
        private ExecutorService workers;
        private ExecutorService lister;

        Passes(JobContext context, ArchiveBackend backend, String archivePrefix, EntryImporter importer,
               ImportedState state, AutoImportMetrics metrics) {
            this.context = context;
            this.backend = backend;
            this.listPrefixes = options.prefixes().stream().map(p -> archivePrefix + p).toList();
            this.importer = importer;
            this.state = state;
            this.metrics = metrics;
        }

        void run() throws Exception {
            workers = Executors.newFixedThreadPool(options.threads(), ImportJob.daemon("auto-import-worker"));
            lister = Executors.newSingleThreadExecutor(ImportJob.daemon("auto-import-lister"));
            try {
                while (true) {
                    context.checkCancelled();
                    Instant started = Instant.now();
                    boolean full;
                    if (lastFull == null) {
                        // without a state every blob is new anyway; with one, the interval runs from the job's start
                        full = !state.exists();
                        lastFull = started;
                    } else {
                        full = failedOverflow || !started.isBefore(lastFull.plus(options.fullScanInterval()));
                        if (full) {
                            lastFull = started;
                        }
                    }
                    try {
                        pass(full);
                    } catch (ArchiveException | IOException e) {
                        // an outage or a failed listing ends this pass, not the job: the next pass lists again
                        context.counters().counter(ImportCounters.ERRORS).increment();
                        context.log().error(null, null, "the pass failed, the next one starts over: " + e);
                    }
                    if (stopReason != null) {
                        throw new ImportStop(stopReason);
                    }
                    pause();
                }
            } finally {
                lister.shutdownNow();
                // queued blobs return at once once canceled or stopped; running ones finish their stub
                workers.shutdown();
                if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
                    workers.shutdownNow();
                }
                importer.report().report(context.log());
            }
        }

        private void pass(boolean full) throws Exception {
            metrics.passStarted(full);
            keepLastState = false;
            Set<String> retrying = retry;
            retry = new HashSet<>();
            synchronized (failed) {
                failed.clear();
                failedOverflow = false;
            }
            DirectoryScopes scopes = new DirectoryScopes(this::finishDirectory);
            try (ImportedState.Reader last = state.read();
                 ImportedState.Writer next = state.write(context.fence()::verify)) {
                for (int i = 0; i < listPrefixes.size(); i++) {
                    String listPrefix = listPrefixes.get(i);
                    while (last.peek() != null && !ownedFrom(last.peek().name(), i)) {
                        last.advance(); // of no prefix of this job's (a state always is this job's: not expected)
                    }
                    listPrefix(full, listPrefix, last, next, scopes, retrying);
                    scopes.closeAll(); // prefixes do not overlap: no other listing reaches these directories
                }
                drain();
                if (stopReason == null && !keepLastState) {
                    next.commit();
                } else if (keepLastState) {
                    context.log().warning("the state of the last pass is kept: a deletion could not be confirmed,"
                            + " and the next pass decides again");
                }
            } catch (Exception | Error e) {
                waitForWorkers(); // a stub is never left half made, and the next pass starts with no blob in work
                synchronized (failed) {
                    retrying.addAll(failed);
                }
                retry = retrying; // a pass cut short: what failed before it, and in it, is tried in the next
                throw e;
            }
            synchronized (failed) {
                if (failedOverflow) {
                    context.log().warning("more than " + RETRY_LIMIT + " blobs failed in this pass; the next pass"
                            + " is a full one instead of trying them one by one");
                } else {
                    retry = new HashSet<>(failed);
                }
            }
            context.log().info(metrics.passEnded(full));
        }

        /** True when the name is under the prefix {@code from} or one listed after it. */
        private boolean ownedFrom(String name, int from) {
            for (int j = from; j < listPrefixes.size(); j++) {
                if (name.startsWith(listPrefixes.get(j))) {
                    return true;
                }
            }
            return false;
        }

        private void listPrefix(boolean full, String listPrefix, ImportedState.Reader last,
                                ImportedState.Writer next, DirectoryScopes scopes, Set<String> retrying)
                throws Exception {
            Future<ObjectListing> nextPage = lister.submit(() -> backend.list(listPrefix, null, options.pageSize()));
            while (true) {
                ObjectListing page = await(nextPage);
                String token = page.next().orElse(null);
                if (token != null) {
                    nextPage = lister.submit(() -> backend.list(listPrefix, token, options.pageSize()));
                }
                for (StoredObject blob : page.objects()) {
                    cancelPoint();
                    metrics.walked();
                    // state entries that sort before this blob were not listed: deleted since the last pass
                    while (last.peek() != null && last.peek().name().startsWith(listPrefix)
                            && LISTING_ORDER.compare(last.peek().name(), blob.name()) < 0) {
                        gone(last.peek());
                        last.advance();
                    }
                    String known = null;
                    if (last.peek() != null && last.peek().name().equals(blob.name())) {
                        known = last.peek().etag();
                        last.advance();
                    }
                    String found = known == null ? AutoImportMetrics.NEW
                            : !known.equals(blob.etag()) ? AutoImportMetrics.CHANGED
                            : retrying.contains(blob.name()) ? AutoImportMetrics.RETRIED : null;
                    if (found != null) {
                        metrics.found(found);
                    }
                    if (found != null || full) {
                        submit(blob, scopes, AutoImportMetrics.RETRIED.equals(found));
                    }
                    next.add(blob.name(), blob.etag());
                }
                metrics.update();
                if (token == null) {
                    break;
                }
            }
            while (last.peek() != null && last.peek().name().startsWith(listPrefix)) {
                cancelPoint();
                gone(last.peek());
                last.advance();
            }
        }

        private void submit(StoredObject blob, DirectoryScopes scopes, boolean retried) throws Exception {
            DirectoryScopes.Ticket ticket = scopes.listed(ImportJob.keyOf(backend, blob));
            while (!outstanding.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                cancelPoint();
            }
            try {
                workers.execute(() -> {
                    try {
                        importOne(blob, ticket, retried);
                    } finally {
                        scopes.done(ticket); // before the permit: drain() sees finished directories
                        outstanding.release();
                    }
                });
            } catch (RuntimeException rejected) {
                scopes.done(ticket);
                outstanding.release();
                throw rejected;
            }
        }

        private void importOne(StoredObject blob, DirectoryScopes.Ticket ticket, boolean retried) {
            if (stopReason != null || context.cancelRequested()) {
                return;
            }
            try {
                context.fence().check("the stub of blob " + blob.name());
                importer.importBlob(blob, new BlobTally(), ticket);
            } catch (JobLockLostException lost) {
                // another node runs the job now; the main loop stops at its next cancel point
            } catch (ImportStop stop) {
                stop(stop.getMessage());
            } catch (ItemError e) {
                failed(blob, e.getMessage(), retried);
            } catch (Exception | LinkageError e) {
                failed(blob, e.getClass().getSimpleName() + ": " + e.getMessage(), retried);
            }
        }

        /**
         * Logged and counted; tried again in the next pass once. A blob that fails again waits for the next full pass
         * or a change of its ETag: a blob that can never be imported (an unsafe name) is not logged every pass.
         */
        private void failed(StoredObject blob, String cause, boolean retried) {
            String path;
            try {
                path = importer.pathOf(blob, blob.name().endsWith("/") && blob.size() == 0).toString();
            } catch (ItemError unsafe) {
                path = null;
            }
            context.counters().counter(ImportCounters.ERRORS).increment();
            if (retried) {
                context.log().error(path, blob.name(), cause + " (failed again: tried at the next full pass, or"
                        + " when the blob changes)");
                return;
            }
            context.log().error(path, blob.name(), cause + " (tried again in the next pass)");
            synchronized (failed) {
                if (failed.size() < RETRY_LIMIT) {
                    failed.add(blob.name());
                } else {
                    failedOverflow = true;
                }
            }
        }

        /**
         * A blob of the last state that the listing passed by: looked at by a worker (deletions are independent of the
         * blobs being imported: those are listed, this one is not).
         */
        private void gone(ImportedState.Entry entry) throws Exception {
            while (!outstanding.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                cancelPoint();
            }
            try {
                workers.execute(() -> {
                    try {
                        removeDeleted(entry.name());
                    } finally {
                        outstanding.release();
                    }
                });
            } catch (RuntimeException rejected) {
                outstanding.release();
                throw rejected;
            }
        }

        /**
         * Looked up first (one request per deleted blob): only a blob the container really lacks counts as deleted,
         * whatever order the archive lists in. When the lookup fails the pass keeps the last state, so that the next
         * pass sees the deletion again (the new state would no longer name the blob).
         */
        private void removeDeleted(String name) {
            if (stopReason != null || context.cancelRequested()) {
                return;
            }
            try {
                if (backend.stat(name).isPresent()) {
                    return; // listed elsewhere than this pass expected it: written to the state when it is listed
                }
            } catch (ArchiveException | RuntimeException e) {
                keepLastState = true;
                context.counters().counter(ImportCounters.ERRORS).increment();
                context.log().error(pathOf(name), name, "cannot tell whether the blob was deleted (the next pass"
                        + " looks again): " + e.getMessage());
                return;
            }
            metrics.found(AutoImportMetrics.DELETED);
            if (!options.deletions()) {
                context.log().info("blob " + name + " was deleted from the container; its entry stays (no"
                        + " --deletions)");
                return;
            }
            EntryImporter.Removal removal;
            try {
                removal = importer.removeStubOf(name);
            } catch (JobLockLostException lost) {
                return; // another node runs the job now; the main loop stops at its next cancel point
            } catch (ItemError | IOException | RuntimeException e) {
                context.counters().counter(ImportCounters.ERRORS).increment();
                context.log().error(pathOf(name), name, "its blob was deleted; cannot remove its stub: "
                        + e.getMessage());
                return;
            }
            if (removal.removed()) {
                context.counters().counter(AutoImportMetrics.STUBS_DELETED).increment();
                context.log().info("blob " + name + " was deleted from the container: its released stub is"
                        + " deleted");
            } else if (removal.kept() != null) {
                context.counters().counter(AutoImportMetrics.STUBS_KEPT).increment();
                context.log().warning(pathOf(name), name, "its blob was deleted; the entry is kept: "
                        + removal.kept());
            }
        }

        private String pathOf(String blobName) {
            try {
                return importer.relative(importer.pathOf(new StoredObject(blobName, 0, "", null, Map.of(), null),
                        blobName.endsWith("/")));
            } catch (ItemError unsafe) {
                return null;
            }
        }

        /** As the import: a directory the pass left, with every blob in it done, gets its time. */
        private void finishDirectory(DirectoryScopes.Scope scope) {
            boolean goingOn = stopReason == null && !context.cancelRequested() && !context.fence().lost();
            try {
                if (goingOn && scope.time() != null) {
                    context.fence().check("the time of directory " + scope.path());
                }
                importer.finishDirectory(scope, goingOn);
            } catch (JobLockLostException lost) {
                // another node runs the job now
            } catch (IOException | RuntimeException e) {
                context.log().error(String.valueOf(scope.path()), null, "cannot set the directory's time: "
                        + e.getMessage());
                context.counters().counter(ImportCounters.ERRORS).increment();
            }
        }

        private void cancelPoint() {
            context.checkCancelled();
            if (stopReason != null) {
                throw new ImportStop(stopReason);
            }
        }

        private ObjectListing await(Future<ObjectListing> page) throws Exception {
            while (true) {
                cancelPoint();
                try {
                    return page.get(200, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    // look at the cancel flag again
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        }

        /** Waits for every blob in work; a cancel is looked at only after (a stub is never left half made). */
        private void drain() throws Exception {
            waitForWorkers();
            cancelPoint();
        }

        private void waitForWorkers() throws InterruptedException {
            outstanding.acquire(permits);
            outstanding.release(permits);
        }

        private void pause() throws InterruptedException {
            long until = System.nanoTime() + options.interval().toNanos();
            while (System.nanoTime() < until) {
                context.checkCancelled();
                Thread.sleep(Math.min(PAUSE_STEP_MILLIS, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            }
        }
    }

    private synchronized void stop(String reason) {
        if (stopReason == null) {
            stopReason = reason;
        }
    }

    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }
}
