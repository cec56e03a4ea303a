package io.azlhsm.copytool.jobs.imports;

import static io.azlhsm.copytool.jobs.imports.ImportTestBed.upload;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import io.azlhsm.copytool.jobs.JobCanceller;
import io.azlhsm.copytool.jobs.JobOutcome;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.Cluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Auto-import against Azurite, the simulated cluster and a running agent (stubs restore when read): blobs added,
 * replaced and deleted while the job runs are picked up by its incremental passes, under two conflict modes, with and
 * without {@code --deletions}; a deleted blob's stub that holds local data (restored, dirty) is kept. Every wait is
 * on a state (a stub, a log line), never on time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300)
class AutoImportIT {
    private static final Duration PATIENCE = Duration.ofSeconds(150);
    private static final int RELEASED = 0x0d;
    private static final int ARCHIVED = 0x09;
    private static final int DIRTY = 0x0b;
    private final ArchiveRecordStore records = new ArchiveRecordStore();
    private ImportTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = ImportTestBed.start("autoimport");
    }

    @AfterAll
    void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    private static AutoImportOptions options(ConflictMode conflict, boolean deletions, String prefix) {
        return new AutoImportOptions(1, ImportPrefixes.normalize(List.of(prefix)), conflict, "", deletions,
                Duration.ofMillis(200), Duration.ofHours(1), 4, 1000);
    }

    private CompletableFuture<JobOutcome> startJob(JobRunner runner, AutoImportOptions options) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return runner.run(new AutoImportJob(options));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    /** The running job's record; empty while none reads as running. */
    private Optional<JobRecord> running(JobRunner runner) {
        try {
            return runner.store().list().stream().filter(r -> r.state() == JobState.IN_PROGRESS).findFirst();
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    private String runningLog(JobRunner runner) {
        try {
            Optional<JobRecord> record = running(runner);
            return record.isEmpty() ? "" : bed.log(record.get().id());
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    private void awaitLog(JobRunner runner, String what, String text) {
        Cluster.await(what, PATIENCE, () -> runningLog(runner).contains(text));
    }

    /** Waits until the state the job's passes commit names the blob. */
    private void awaitState(String prefix, String blob) {
        Path file = new ImportedState(new JobStore(bed.mount()).directory(), 1, "",
                ImportPrefixes.normalize(List.of(prefix))).file();
        Cluster.await("the state to name " + blob, PATIENCE, () -> {
            try {
                String wanted = blob + "\t" + etag(blob);
                return Files.exists(file)
                        && Files.readAllLines(file).stream().anyMatch(l -> l.replace("\"", "").equals(wanted));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
    }

    private JobOutcome cancel(JobRunner runner, CompletableFuture<JobOutcome> job) throws Exception {
        JobCanceller.Result result = new JobCanceller(runner.store(), Duration.ofMinutes(2), Clock.systemUTC())
                .cancel(Optional.empty(), Duration.ofSeconds(60));
        assertTrue(result.ok(), result.message());
        JobOutcome outcome = job.get(90, TimeUnit.SECONDS);
        assertEquals(JobState.CANCELED, outcome.state(), outcome.message());
        return outcome;
    }

    private boolean isReleasedStubOf(Path path, String blob, String etag) {
        try {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || bed.cluster.flags(path) != RELEASED) {
                return false;
            }
            Optional<ArchiveRecord> record = records.read(path);
            return record.isPresent() && record.get().blob().equals(blob)
                    && record.get().etag().replace("\"", "").equals(etag);
        } catch (Exception e) {
            return false;
        }
    }

    private static long counter(JobOutcome outcome, String name) {
        Long value = outcome.counters().get(name);
        assertTrue(value != null, () -> "no counter " + name + " in " + outcome.counters());
        return value;
    }

    private String etag(String blob) {
        return bed.container(1).getBlobClient(blob).getProperties().getETag().replace("\"", ""); // ours are quoted
    }

    @Test
    void overwriteAlwaysWithDeletionsPicksUpNewChangedAndDeletedBlobsAndKeepsStubsWithLocalData() throws Exception {
        Path mnt = bed.mount();
        BlobContainerClient blobs = bed.container(1);
        for (String name : List.of("a", "b", "c", "d")) {
            upload(blobs, "ai/" + name, ("blob " + name).getBytes(), Map.of("permissions", "0644"));
        }
        JobRunner runner = new JobRunner(bed.config, JobRunner.Settings.quiet());
        CompletableFuture<JobOutcome> job = startJob(runner, options(ConflictMode.OVERWRITE_ALWAYS, true, "/ai"));
        JobOutcome outcome;
        try {
            // the first pass (no state yet: a full one) imports all four
            for (String name : List.of("a", "b", "c", "d")) {
                Cluster.await("the stub of ai/" + name, PATIENCE,
                        () -> isReleasedStubOf(mnt.resolve("ai/" + name), "ai/" + name, etag("ai/" + name)));
            }
            // c restored (resident, clean) and d written (dirty): both hold data that is not only in their blob
            assertArrayEquals("blob c".getBytes(), Files.readAllBytes(mnt.resolve("ai/c")));
            Files.write(mnt.resolve("ai/d"), " local".getBytes(), StandardOpenOption.APPEND);
            bed.cluster.awaitFlags(mnt.resolve("ai/c"), ARCHIVED);
            bed.cluster.awaitFlags(mnt.resolve("ai/d"), DIRTY);

            upload(blobs, "ai/a", "blob a, newer".getBytes(), Map.of("permissions", "0600"));
            String changed = etag("ai/a");
            for (String name : List.of("b", "c", "d")) {
                blobs.getBlobClient("ai/" + name).delete();
            }
            upload(blobs, "ai/e", "blob e".getBytes(), Map.of());

            Cluster.await("the stub of the new blob", PATIENCE,
                    () -> isReleasedStubOf(mnt.resolve("ai/e"), "ai/e", etag("ai/e")));
            Cluster.await("the changed blob's stub re-imported", PATIENCE,
                    () -> isReleasedStubOf(mnt.resolve("ai/a"), "ai/a", changed));
            Cluster.await("the deleted blob's released stub removed", PATIENCE,
                    () -> !Files.exists(mnt.resolve("ai/b"), LinkOption.NOFOLLOW_LINKS));
            awaitLog(runner, "the restored file kept", "path=\"ai/c\" blob=\"ai/c\" cause=its blob was deleted");
            awaitLog(runner, "the dirty file kept", "path=\"ai/d\" blob=\"ai/d\" cause=its blob was deleted");
            // the pass that made e's stub has committed its state (the second run below relies on it)
            awaitState("/ai", "ai/e");
        } finally {
            outcome = cancel(runner, job);
        }
        assertArrayEquals("blob a, newer".getBytes(), Files.readAllBytes(mnt.resolve("ai/a")));
        assertEquals(0600, ImportTestBed.mode(mnt.resolve("ai/a")));
        // e is not read here: restored, it would hold its data in Lustre, and the second run below must find it a
        // released stub to remove
        assertTrue(isReleasedStubOf(mnt.resolve("ai/e"), "ai/e", etag("ai/e")));
        assertArrayEquals("blob c".getBytes(), Files.readAllBytes(mnt.resolve("ai/c")));
        assertArrayEquals("blob d local".getBytes(), Files.readAllBytes(mnt.resolve("ai/d")));
        String log = bed.log(outcome.jobId());
        assertTrue(log.contains("its blob was deleted; the entry is kept: archived clean: its data is in Lustre"),
                log);
        assertTrue(log.contains("its blob was deleted; the entry is kept: archived dirty: its data is in Lustre"),
                log);
        assertTrue(log.contains("blob ai/b was deleted from the container: its released stub is deleted"), log);
        assertTrue(log.contains("path=\"ai/a\" blob=\"ai/a\" resolution=deleted and re-imported (released, stale"
                + " stub"), log);

        assertEquals(1, counter(outcome, AutoImportMetrics.FULL_PASSES), outcome.counters()::toString);
        assertTrue(counter(outcome, AutoImportMetrics.PASSES) >= 2, outcome.counters()::toString);
        assertEquals(5, counter(outcome, AutoImportMetrics.NEW), outcome.counters()::toString);
        assertEquals(1, counter(outcome, AutoImportMetrics.CHANGED), outcome.counters()::toString);
        assertEquals(3, counter(outcome, AutoImportMetrics.DELETED), outcome.counters()::toString);
        assertEquals(1, counter(outcome, AutoImportMetrics.STUBS_DELETED), outcome.counters()::toString);
        assertEquals(2, counter(outcome, AutoImportMetrics.STUBS_KEPT), outcome.counters()::toString);
        assertEquals(6, counter(outcome, "importedFiles"), outcome.counters()::toString); // 4, e, a again
        assertEquals(1, counter(outcome, "totalConflicts"), outcome.counters()::toString);
        assertEquals(0, counter(outcome, "totalErrors"), outcome.counters()::toString);
        // incremental passes never look at the stub of an unchanged blob (a full pass would count it preexisting)
        assertEquals(0, counter(outcome, "preexistingFiles"), outcome.counters()::toString);

        // The state outlives the job: a blob deleted while no auto-import runs is found by the next one's first
        // pass, an incremental one (its full pass comes only after --full-scan-interval).
        blobs.getBlobClient("ai/e").delete();
        JobRunner again = new JobRunner(bed.config, JobRunner.Settings.quiet());
        CompletableFuture<JobOutcome> second = startJob(again, options(ConflictMode.OVERWRITE_ALWAYS, true, "/ai"));
        JobOutcome secondOutcome;
        try {
            Cluster.await("the stub of the blob deleted meanwhile removed", PATIENCE,
                    () -> !Files.exists(mnt.resolve("ai/e"), LinkOption.NOFOLLOW_LINKS));
            awaitLog(again, "the removal logged", "blob ai/e was deleted from the container: its released stub is"
                    + " deleted");
        } finally {
            secondOutcome = cancel(again, second);
        }
        assertEquals(0, counter(secondOutcome, AutoImportMetrics.FULL_PASSES), secondOutcome.counters()::toString);
        assertEquals(0, counter(secondOutcome, AutoImportMetrics.NEW), secondOutcome.counters()::toString);
        assertEquals(1, counter(secondOutcome, AutoImportMetrics.STUBS_DELETED), secondOutcome.counters()::toString);
        assertEquals(0, counter(secondOutcome, "preexistingFiles"), secondOutcome.counters()::toString);
        assertTrue(Files.exists(mnt.resolve("ai/a")));
    }

    @Test
    void skipWithoutDeletionsLeavesStaleStubsAndTheStubsOfDeletedBlobs() throws Exception {
        Path mnt = bed.mount();
        BlobContainerClient blobs = bed.container(1);
        upload(blobs, "sk/x", "blob x".getBytes(), Map.of());
        upload(blobs, "sk/y", "blob y".getBytes(), Map.of());
        String oldX = etag("sk/x");
        String oldY = etag("sk/y");
        JobRunner runner = new JobRunner(bed.config, JobRunner.Settings.quiet());
        CompletableFuture<JobOutcome> job = startJob(runner, options(ConflictMode.SKIP, false, "/sk"));
        JobOutcome outcome;
        try {
            Cluster.await("the stub of sk/x", PATIENCE, () -> isReleasedStubOf(mnt.resolve("sk/x"), "sk/x", oldX));
            Cluster.await("the stub of sk/y", PATIENCE,
                    () -> isReleasedStubOf(mnt.resolve("sk/y"), "sk/y", etag("sk/y")));
            upload(blobs, "sk/x", "blob x, newer".getBytes(), Map.of());
            blobs.getBlobClient("sk/y").delete();
            upload(blobs, "sk/z", "blob z".getBytes(), Map.of());
            Cluster.await("the stub of the new blob", PATIENCE,
                    () -> isReleasedStubOf(mnt.resolve("sk/z"), "sk/z", etag("sk/z")));
            awaitLog(runner, "the stale stub skipped", "path=\"sk/x\" blob=\"sk/x\" resolution=skipped, left a stale"
                    + " stub that cannot be read");
            awaitLog(runner, "the deleted blob's stub left", "blob sk/y was deleted from the container; its entry"
                    + " stays (no --deletions)");
        } finally {
            outcome = cancel(runner, job);
        }
        assertTrue(isReleasedStubOf(mnt.resolve("sk/x"), "sk/x", oldX), "skip changed the stub of sk/x");
        assertTrue(isReleasedStubOf(mnt.resolve("sk/y"), "sk/y", oldY), "sk/y was removed without --deletions");
        assertArrayEquals("blob z".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(mnt.resolve("sk/z")));
        assertEquals(3, counter(outcome, AutoImportMetrics.NEW), outcome.counters()::toString);
        assertEquals(1, counter(outcome, AutoImportMetrics.CHANGED), outcome.counters()::toString);
        assertEquals(1, counter(outcome, AutoImportMetrics.DELETED), outcome.counters()::toString);
        assertEquals(0, counter(outcome, AutoImportMetrics.STUBS_DELETED), outcome.counters()::toString);
        assertEquals(1, counter(outcome, "staleStubs"), outcome.counters()::toString);
        assertEquals(1, counter(outcome, "totalConflicts"), outcome.counters()::toString);
        assertEquals(3, counter(outcome, "importedFiles"), outcome.counters()::toString);
        assertEquals(0, counter(outcome, "preexistingFiles"), outcome.counters()::toString);
        assertFalse(outcome.counters().get("totalBlobsWalked") < 5, outcome.counters()::toString);
    }

    @Test
    void aFullPassEveryFullScanIntervalRemakesAStubDeletedByHandWhichIncrementalPassesDoNotSee() throws Exception {
        Path mnt = bed.mount();
        upload(bed.container(1), "fp/a", "blob a".getBytes(), Map.of());
        String etag = etag("fp/a");
        JobRunner runner = new JobRunner(bed.config, JobRunner.Settings.quiet());
        // incremental passes every 200 ms, a full one every 3 s
        CompletableFuture<JobOutcome> job = startJob(runner, new AutoImportOptions(1,
                ImportPrefixes.normalize(List.of("/fp")), ConflictMode.SKIP, "", false, Duration.ofMillis(200),
                Duration.ofSeconds(3), 4, 1000));
        JobOutcome outcome;
        try {
            Cluster.await("the stub of fp/a", PATIENCE, () -> isReleasedStubOf(mnt.resolve("fp/a"), "fp/a", etag));
            Files.delete(mnt.resolve("fp/a"));
            Cluster.await("the stub made again by a full pass", PATIENCE,
                    () -> isReleasedStubOf(mnt.resolve("fp/a"), "fp/a", etag));
        } finally {
            outcome = cancel(runner, job);
        }
        assertTrue(counter(outcome, AutoImportMetrics.FULL_PASSES) >= 2, outcome.counters()::toString);
        assertEquals(1, counter(outcome, AutoImportMetrics.NEW), outcome.counters()::toString);
        assertEquals(2, counter(outcome, "importedFiles"), outcome.counters()::toString);
        // a later full pass finds the stub again (preexisting); the job may be cancelled inside one, before it looks
        assertTrue(counter(outcome, "preexistingFiles") <= counter(outcome, AutoImportMetrics.FULL_PASSES) - 2,
                outcome.counters()::toString);
    }
}
