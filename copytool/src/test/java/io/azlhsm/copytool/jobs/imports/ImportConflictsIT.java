package io.azlhsm.copytool.jobs.imports;

import static io.azlhsm.copytool.jobs.imports.ImportTestBed.gid;
import static io.azlhsm.copytool.jobs.imports.ImportTestBed.mode;
import static io.azlhsm.copytool.jobs.imports.ImportTestBed.options;
import static io.azlhsm.copytool.jobs.imports.ImportTestBed.uid;
import static io.azlhsm.copytool.jobs.imports.ImportTestBed.upload;
import static io.azlhsm.copytool.jobs.imports.ImportTestBed.uploadMany;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.azlhsm.copytool.jobs.JobBusyException;
import io.azlhsm.copytool.jobs.JobCanceller;
import io.azlhsm.copytool.jobs.JobOutcome;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.CommandResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Each conflict mode on each HSM state (never archived, archived clean, archived dirty, released). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120)
class ImportConflictsIT {
    private static final int RELEASED = 0x0d;
    private static final int ARCHIVED = 0x09;
    private ImportTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = ImportTestBed.start("conflicts");
    }

    @AfterAll
    void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    /** Per mode, a directory with a file in each HSM state; the container holds a different blob for each. */
    private void conflictSetup(String dir) throws Exception {
        Path mnt = bed.mount();
        BlobContainerClient blobs = bed.container(1);
        Files.createDirectories(mnt.resolve(dir));
        for (String state : List.of("never", "clean", "dirty", "released")) {
            Files.write(mnt.resolve(dir + "/" + state), ("lustre " + state).getBytes());
        }
        upload(blobs, dir + "/never", "blob never".getBytes(), Map.of("permissions", "0600"));
        bed.cluster.lfs("hsm_archive", "-a", "1", mnt.resolve(dir + "/clean").toString(),
                mnt.resolve(dir + "/dirty").toString(), mnt.resolve(dir + "/released").toString());
        for (String state : List.of("clean", "dirty", "released")) {
            bed.cluster.awaitFlags(mnt.resolve(dir + "/" + state), ARCHIVED);
        }
        Files.write(mnt.resolve(dir + "/dirty"), " appended".getBytes(), StandardOpenOption.APPEND);
        bed.cluster.awaitFlags(mnt.resolve(dir + "/dirty"), 0x0b);
        bed.cluster.lfs("hsm_release", mnt.resolve(dir + "/released").toString());
        bed.cluster.awaitFlags(mnt.resolve(dir + "/released"), RELEASED);
        // The container's copy of the released file is replaced: the stub's recorded ETag no longer matches.
        upload(blobs, dir + "/released", "blob released, newer".getBytes(), Map.of("permissions", "0600"));
        if (dir.equals("cf-od")) {
            // Only attributes differ: overwrite-dirty must take them from the blob and keep the data.
            Files.setAttribute(mnt.resolve(dir + "/clean"), "unix:mode", 0666);
            bed.container(1).getBlobClient(dir + "/clean").setMetadata(Map.of("permissions", "0600"));
        }
    }


    @Test
    void eachConflictModeOnEachHsmState() throws Exception {
        Path mnt = bed.mount();
        for (String dir : List.of("cf-fail", "cf-skip", "cf-od", "cf-oa")) {
            conflictSetup(dir);
        }
        // fail: the job stops at the conflict, whatever the state, and says when the stub it stops at is stale.
        for (String state : List.of("never", "clean", "dirty", "released")) {
            JobOutcome failed = bed.runImport(options(1, ConflictMode.FAIL, -1, "", "/cf-fail/" + state));
            assertEquals(JobState.FAILED, failed.state(), state);
            assertTrue(failed.message().contains("cf-fail/" + state) && failed.message().contains("--conflict is fail"),
                    failed.message());
            assertEquals(1, failed.counters().get("totalConflicts"));
            assertTrue(bed.marker().orElseThrow().startsWith("IMPORT_Failed."));
            assertTrue(bed.log(failed.jobId()).contains("CONFLICT path=\"cf-fail/" + state + "\""));
        }
        assertEquals(List.of(0x00, ARCHIVED, 0x0b, RELEASED), flags(mnt, "cf-fail"));
        assertReads(mnt, "cf-fail/never", "lustre never");
        assertReads(mnt, "cf-fail/clean", "lustre clean");
        assertReads(mnt, "cf-fail/dirty", "lustre dirty appended");
        assertUnreadable(mnt, "cf-fail/released");

        // skip: nothing changes; the released file, whose blob was replaced, is a stale stub and said to be one.
        JobOutcome skip = bed.runImport(options(1, ConflictMode.SKIP, -1, "", "/cf-skip/"));
        assertEquals(JobState.COMPLETED, skip.state(), skip.message());
        assertEquals(4, skip.counters().get("totalConflicts"));
        assertEquals(1, skip.counters().get("staleStubs"));
        assertEquals(List.of(0x00, ARCHIVED, 0x0b, RELEASED), flags(mnt, "cf-skip"));
        String skipLog = bed.log(skip.jobId());
        assertTrue(skipLog.contains("path=\"cf-skip/released\" blob=\"cf-skip/released\" resolution=skipped, left a"
                + " stale stub that cannot be read (released, stale stub: its record names blob cf-skip/released:"
                + " ETag differs"), skipLog);
        assertReads(mnt, "cf-skip/never", "lustre never");
        assertReads(mnt, "cf-skip/clean", "lustre clean");
        assertReads(mnt, "cf-skip/dirty", "lustre dirty appended");
        assertUnreadable(mnt, "cf-skip/released");

        // overwrite-dirty: clean keeps its data and gets the blob's attributes; the stale stub and the others
        // re-import, so each reads as the container holds it now.
        JobOutcome od = bed.runImport(options(1, ConflictMode.OVERWRITE_DIRTY, -1, "", "/cf-od/"));
        assertEquals(JobState.COMPLETED, od.state(), od.message());
        assertEquals(4, od.counters().get("totalConflicts"));
        assertEquals(0, od.counters().get("staleStubs"));
        // clean: its blob's metadata changed, so its recorded copy is stale and its data only in Lustre: it is
        // marked dirty (0x0b), so that the MDT refuses to release it and the next export archives it again
        assertEquals(List.of(RELEASED, 0x0b, RELEASED, RELEASED), flags(mnt, "cf-od"));
        assertEquals(0600, mode(mnt.resolve("cf-od/clean")));
        assertEquals(0600, mode(mnt.resolve("cf-od/released")), "the stub has the blob's attributes");
        String odLog = bed.log(od.jobId());
        assertTrue(odLog.contains("path=\"cf-od/clean\" blob=\"cf-od/clean\" resolution=attributes updated"), odLog);
        assertTrue(odLog.contains("its data is only in Lustre now, marked dirty to be archived again"), odLog);
        CommandResult release = bed.cluster.lfs("hsm_release", mnt.resolve("cf-od/clean").toString());
        assertFalse(release.ok(), "the release of a file whose only copy is in Lustre was accepted: " + release);
        assertTrue(odLog.contains("path=\"cf-od/dirty\" blob=\"cf-od/dirty\" resolution=deleted and re-imported"),
                odLog);
        assertTrue(odLog.contains("path=\"cf-od/released\" blob=\"cf-od/released\" resolution=deleted and re-imported"
                + " (released, stale stub: its record names blob cf-od/released: ETag differs"), odLog);
        assertReads(mnt, "cf-od/never", "blob never");
        assertReads(mnt, "cf-od/clean", "lustre clean");
        assertReads(mnt, "cf-od/dirty", "lustre dirty"); // the archived copy
        assertReads(mnt, "cf-od/released", "blob released, newer");

        // overwrite-always: clean is released; dirty, never archived and a released file whose blob changed re-import.
        JobOutcome oa = bed.runImport(options(1, ConflictMode.OVERWRITE_ALWAYS, -1, "", "/cf-oa/"));
        assertEquals(JobState.COMPLETED, oa.state(), oa.message());
        assertEquals(4, oa.counters().get("totalConflicts"));
        assertEquals(0, oa.counters().get("staleStubs"));
        assertEquals(List.of(RELEASED, RELEASED, RELEASED, RELEASED), flags(mnt, "cf-oa"));
        String oaLog = bed.log(oa.jobId());
        assertTrue(oaLog.contains("path=\"cf-oa/clean\" blob=\"cf-oa/clean\" resolution=released"), oaLog);
        assertTrue(oaLog.contains("path=\"cf-oa/released\" blob=\"cf-oa/released\" resolution=deleted and"
                + " re-imported (released, stale stub"), oaLog);
        assertReads(mnt, "cf-oa/never", "blob never");
        assertReads(mnt, "cf-oa/clean", "lustre clean"); // restored from its archive
        assertReads(mnt, "cf-oa/dirty", "lustre dirty");
        assertReads(mnt, "cf-oa/released", "blob released, newer");
    }

    /**
     * A released file renamed onto a blob's path keeps recording the blob it was archived to; once that blob is
     * deleted, the stub is stale although the blob at its new path is fine: skip says so, overwrite-dirty imports it.
     */
    @Test
    void aRenamedStubWhoseRecordedBlobIsGoneIsStaleEvenWhereItsPathHasABlob() throws Exception {
        Path mnt = bed.mount();
        BlobContainerClient blobs = bed.container(1);
        for (String dir : List.of("rn-skip", "rn-od")) {
            Path original = mnt.resolve(dir + "/original");
            Files.createDirectories(original.getParent());
            Files.write(original, "lustre original".getBytes());
            bed.cluster.lfs("hsm_archive", "-a", "1", original.toString());
            bed.cluster.awaitFlags(original, ARCHIVED);
            bed.cluster.lfs("hsm_release", original.toString());
            bed.cluster.awaitFlags(original, RELEASED);
            Files.move(original, mnt.resolve(dir + "/moved"));
            blobs.getBlobClient(dir + "/original").delete();
            upload(blobs, dir + "/moved", "blob at the new path".getBytes(), Map.of());
        }
        JobOutcome skip = bed.runImport(options(1, ConflictMode.SKIP, -1, "", "/rn-skip/"));
        assertEquals(JobState.COMPLETED, skip.state(), skip.message());
        assertEquals(1, skip.counters().get("staleStubs"));
        String skipLog = bed.log(skip.jobId());
        assertTrue(skipLog.contains("path=\"rn-skip/moved\" blob=\"rn-skip/moved\" resolution=skipped, left a stale"
                + " stub that cannot be read (released, stale stub: its record names blob rn-skip/original: blob"
                + " missing"), skipLog);
        assertUnreadable(mnt, "rn-skip/moved");

        JobOutcome od = bed.runImport(options(1, ConflictMode.OVERWRITE_DIRTY, -1, "", "/rn-od/"));
        assertEquals(JobState.COMPLETED, od.state(), od.message());
        assertEquals(0, od.counters().get("staleStubs"));
        assertEquals(RELEASED, bed.cluster.flags(mnt.resolve("rn-od/moved")));
        assertReads(mnt, "rn-od/moved", "blob at the new path");
    }

    /**
     * llapi_hsm_import follows a symlink and reopens a directory (it opens without O_EXCL): the importer looks itself.
     * In each mode's tree under the target "in-<mode>", "dangling" is a symlink to a path outside the target that does
     * not exist, "to-file" a symlink to a file outside it, "a-dir" a directory; the container has a file blob for each.
     * Nothing may ever be created or changed outside the target; a symlink is a conflict (replaced by the stub when
     * overwriting), a directory is a directory conflict (never deleted).
     */
    @Test
    void aSymlinkOrADirectoryInTheWayIsAConflictAndNeverFollowed() throws Exception {
        Path mnt = bed.mount();
        BlobContainerClient blobs = bed.container(1);
        Path outside = mnt.resolve("outside-the-target");
        Files.createDirectories(outside);
        for (String mode : List.of("fail", "skip", "od", "oa")) {
            Path tree = mnt.resolve("in-" + mode + "/way-" + mode);
            Files.createDirectories(tree);
            Files.createSymbolicLink(tree.resolve("dangling"), outside.resolve("not-there-" + mode));
            Files.writeString(outside.resolve("file-" + mode), "outside " + mode);
            Files.createSymbolicLink(tree.resolve("to-file"), outside.resolve("file-" + mode));
            Files.createDirectory(tree.resolve("a-dir"));
            for (String name : List.of("dangling", "to-file", "a-dir")) {
                upload(blobs, "way-" + mode + "/" + name, ("blob " + name).getBytes(), Map.of());
            }
        }

        JobOutcome failed = bed.runImport(options(1, ConflictMode.FAIL, -1, "in-fail", "/way-fail/dangling"));
        assertEquals(JobState.FAILED, failed.state(), failed.message());
        assertTrue(failed.message().contains("a symlink exists") && failed.message().contains("--conflict is fail"),
                failed.message());

        JobOutcome skip = bed.runImport(options(1, ConflictMode.SKIP, -1, "in-skip", "/way-skip/"));
        assertEquals(JobState.COMPLETED, skip.state(), skip.message());
        assertEquals(3, skip.counters().get("totalConflicts"));
        assertEquals(0, skip.counters().get("totalErrors"));
        String skipLog = bed.log(skip.jobId());
        assertTrue(skipLog.contains("path=\"way-skip/a-dir\" blob=\"way-skip/a-dir\" resolution=skipped (a directory"
                + " exists)"), skipLog);
        assertTrue(Files.isSymbolicLink(mnt.resolve("in-skip/way-skip/dangling")));
        assertTrue(Files.isSymbolicLink(mnt.resolve("in-skip/way-skip/to-file")));

        for (ConflictMode overwrite : List.of(ConflictMode.OVERWRITE_DIRTY, ConflictMode.OVERWRITE_ALWAYS)) {
            String mode = overwrite == ConflictMode.OVERWRITE_DIRTY ? "od" : "oa";
            JobOutcome run = bed.runImport(options(1, overwrite, -1, "in-" + mode, "/way-" + mode + "/"));
            assertEquals(JobState.COMPLETED_PARTIAL, run.state(), run.message());
            assertEquals(3, run.counters().get("totalConflicts"), mode);
            assertEquals(1, run.counters().get("totalErrors"), mode + ": the directory, never deleted");
            String log = bed.log(run.jobId());
            assertTrue(log.contains("a directory is in the way of the file"), log);
            Path tree = mnt.resolve("in-" + mode + "/way-" + mode);
            for (String name : List.of("dangling", "to-file")) {
                assertEquals(RELEASED, bed.cluster.flags(tree.resolve(name)), mode + " " + name + " is a stub now");
                assertReads(mnt, "in-" + mode + "/way-" + mode + "/" + name, "blob " + name);
            }
            assertTrue(Files.isDirectory(tree.resolve("a-dir"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        }
        for (String mode : List.of("fail", "skip", "od", "oa")) {
            assertFalse(Files.exists(outside.resolve("not-there-" + mode), java.nio.file.LinkOption.NOFOLLOW_LINKS),
                    mode + ": a stub was created at a symlink's target outside the target directory");
            assertReads(mnt, "outside-the-target/file-" + mode, "outside " + mode);
            assertEquals(0, bed.cluster.flags(outside.resolve("file-" + mode)), mode);
        }
    }

    /**
     * The importer creates directories 0777 (AMLFS's default), so any user may replace one it has already made and
     * used by a symlink, mid-import. Then nothing may be created through it: neither a stub, nor a directory, nor a
     * symlink, wherever the symlink leads (off Lustre, or on Lustre outside the target), and each blob below it fails
     * with an error naming the symlink. Deterministic: the listing is one blob a page and the second page is held until
     * the first page's blob ("swapped/d/0", which makes and uses "swapped/d") is imported and the test has swapped
     * "swapped/d" for the symlink; the blobs below it come after.
     */
    @Test
    void aDirectorySwappedForASymlinkMidImportLeadsNothingOutsideTheTarget() throws Exception {
        Path mnt = bed.mount();
        BlobContainerClient blobs = bed.container(1);
        upload(blobs, "swapped/d/0", "first".getBytes(), Map.of());
        upload(blobs, "swapped/d/f-file", "a file".getBytes(), Map.of());
        upload(blobs, "swapped/d/g-dir/", new byte[0], Map.of());
        upload(blobs, "swapped/d/h-link", "/somewhere".getBytes(), Map.of("ftype", "LNK"));
        upload(blobs, "swapped/d/i-sub/file", "deeper".getBytes(), Map.of());
        List<String> below = List.of("swapped/d/f-file", "swapped/d/g-dir/", "swapped/d/h-link",
                "swapped/d/i-sub/file");

        Path offLustre = Files.createTempDirectory("import-swap-off-lustre");
        Path onLustre = Files.createDirectories(mnt.resolve("swap-outside-the-target"));
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            for (Path outside : List.of(offLustre, onLustre)) {
                String target = "in-swap-" + (outside == offLustre ? "off" : "on");
                JobStore store = new JobStore(mnt);
                ImportOptions onePerPage = new ImportOptions(1, ImportPrefixes.normalize(List.of("/swapped/")),
                        ConflictMode.SKIP, -1, target, 1, 1);
                JobOutcome outcome;
                try (var secondPage = bed.holdListingOfPage(2)) {
                    Future<JobOutcome> running = runner.submit(() -> bed.runImport(onePerPage));
                    secondPage.awaitHeld(1, Duration.ofSeconds(60), () -> target + ": " + running);
                    Cluster.await(target + ": the first page imported", Duration.ofSeconds(60),
                            () -> importedSoFar(store) == 1, () -> target + ": " + running);
                    Path d = mnt.resolve(target + "/swapped/d");
                    assertEquals(RELEASED, bed.cluster.flags(d.resolve("0")));
                    // a user moves the directory away and puts a symlink in its place
                    Files.move(d, mnt.resolve(target + "-moved-away"));
                    Files.createSymbolicLink(d, outside);
                    secondPage.release();
                    outcome = running.get(60, TimeUnit.SECONDS);
                }
                try (Stream<Path> entries = Files.list(outside)) {
                    assertEquals(List.of(), entries.toList(), target + ": created outside the target through the"
                            + " symlink; log:\n" + bed.log(outcome.jobId()));
                }
                assertEquals(JobState.COMPLETED_PARTIAL, outcome.state(), outcome.message());
                assertEquals(below.size(), outcome.counters().get("totalErrors"), outcome.counters().toString());
                assertTrue(Files.isSymbolicLink(mnt.resolve(target + "/swapped/d")), target);
                String log = bed.log(outcome.jobId());
                for (String blob : below) {
                    assertTrue(log.contains("blob=\"" + blob + "\" cause=cannot create the parent directory: swapped/d"
                            + " exists and is not a directory (a symlink, never followed)"), blob + ":\n" + log);
                }
            }
        } finally {
            runner.shutdownNow();
            try (Stream<Path> entries = Files.walk(offLustre)) {
                entries.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** totalBlobsImported of the job holding the lock, as last saved; 0 when none holds it. */
    private static long importedSoFar(JobStore store) {
        try {
            Optional<String> id = store.lockHolder().map(h -> h.jobId());
            if (id.isEmpty()) {
                return 0;
            }
            return store.read(id.get()).map(r -> r.counters().getOrDefault("totalBlobsImported", 0L)).orElse(0L);
        } catch (Exception e) {
            return 0;
        }
    }

    /** Reads the file through the mount (a released one blocks on the agent's restore) and compares every byte. */
    private static void assertReads(Path mnt, String file, String content) throws Exception {
        assertArrayEquals(content.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(mnt.resolve(file)), file);
    }

    /** Reading the file fails with EIO: its restore failed. */
    private static void assertUnreadable(Path mnt, String file) {
        IOException failed = assertThrows(IOException.class, () -> Files.readAllBytes(mnt.resolve(file)), file);
        assertTrue(String.valueOf(failed.getMessage()).contains("Input/output error"), failed.toString());
    }

    private List<Integer> flags(Path mnt, String dir) {
        List<Integer> flags = new ArrayList<>();
        for (String state : List.of("never", "clean", "dirty", "released")) {
            flags.add(bed.cluster.flags(mnt.resolve(dir + "/" + state)));
        }
        return flags;
    }
}
