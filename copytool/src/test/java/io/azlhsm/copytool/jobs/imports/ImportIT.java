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

/**
 * Import of a 2,000-blob container with nested directories, every metadata key variant, hdi_isfolder directories,
 * symlinks and unsafe names, against Azurite into the simulated cluster; error tolerance. Prints stubs/s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120)
class ImportIT {
    private static final int RELEASED = 0x0d;
    private static final int ARCHIVED = 0x09;
    private static final int BIG_FILES = 2000;
    /**
     * Names Azure itself never lists (it drops the dots ending a segment), which Azurite and posix archives keep: a
     * file named so would share its blob with another path in Azure.
     */
    private static final List<String> AZURE_REWRITES = List.of("big/trailing.", "big/dots./f", "big/...");
    /** Names Azure accepts and Lustre must not get (control characters are tested in ImportRulesTest: Azurite's
     * listing fails on them), and those above. */
    private static final List<String> ADVERSARIAL = Stream.concat(Stream.of("big/bad/"
            + "x".repeat(300), "big//double", "big/./dot", "big/bad/../../escape", ".azlhsm/evil", "big/bad/dir/"),
            AZURE_REWRITES.stream()).toList();
    private final Map<String, byte[]> files = new HashMap<>();
    private ImportTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = ImportTestBed.start("bigimport", "errors", "setid", "dirtimes");
        seedBigContainer();
    }

    @AfterAll
    void stop() throws Exception {
        if (bed != null) {
            bed.close();
        }
    }

    private void seedBigContainer() throws Exception {
        BlobContainerClient big = bed.container(1);

        for (int i = 0; i < BIG_FILES; i++) {
            String name = String.format("big/d%d/s%d/f%04d", i % 10, i % 7, i);
            files.put(name, content(name, i % 5 == 0 ? 70_000 : 100 + i));
        }
        uploadMany(big, files);
        upload(big, "big/meta/m1", "m1".getBytes(), Map.of("owner", "1001", "group", "1002",
                "permissions", "0640", "modtime", "2020-01-02 03:04:05 +0000"));
        upload(big, "big/meta/m2", "m2".getBytes(), Map.of("Owner", "1003", "GROUP", "1004",
                "Permissions", "rwxr-x---", "ModTime", "2021-05-06 07:08:09 +0200"));
        upload(big, "big/meta/m3", "m3".getBytes(), Map.of("uid", "1005", "gid", "1006", "perm", "0600"));
        upload(big, "big/meta/m4", "m4".getBytes(), Map.of("azlhsm_mode", "0751",
                "azlhsm_mtime_ns", "1600000000123456789", "owner", "1007"));
        upload(big, "big/meta/m5", "m5".getBytes(), Map.of());
        upload(big, "big/meta/m6", "m6".getBytes(), Map.of("permissions", "bogus", "owner", "-3"));
        upload(big, "big/dirs/d1", new byte[0], Map.of("hdi_isfolder", "true", "permissions", "0750",
                "owner", "1001", "group", "1002", "modtime", "2019-01-01 00:00:00 +0000"));
        upload(big, "big/dirs/d1/child", "c".getBytes(), Map.of());
        upload(big, "big/dirs/d2/", new byte[0], Map.of());
        upload(big, "big/dirs/sticky", new byte[0], Map.of("HDI_ISFOLDER", "True", "permissions", "rwxrwxrwxt"));
        upload(big, "big/links/l1", "../meta/m1".getBytes(), Map.of("ftype", "LNK", "owner", "1001"));
        upload(big, "big/links/l2", new byte[0], Map.of("symlink", "/absolute/target"));
        for (String name : ADVERSARIAL) {
            try {
                upload(big, name, "bad".getBytes(), Map.of());
            } catch (RuntimeException refusedByAzurite) {
                // the emulator refused the name: nothing to import then
            }
        }
    }

    private static byte[] content(String name, int size) {
        byte[] bytes = new byte[size];
        new Random(name.hashCode()).nextBytes(bytes);
        return bytes;
    }

    @Test
    void importsATreeWithMetadataVariantsDirectoriesSymlinksAndRefusesUnsafeNames() throws Exception {
        BlobContainerClient big = bed.container(1);
        List<String> badListed = new ArrayList<>();
        for (BlobItem item : big.listBlobs(new ListBlobsOptions(), null)) {
            if (ADVERSARIAL.contains(item.getName())) {
                badListed.add(item.getName());
            }
        }
        assertTrue(badListed.size() >= 3, "Azurite kept only " + badListed);
        assertTrue(badListed.containsAll(AZURE_REWRITES), "Azurite kept only " + badListed);

        JobOutcome outcome = bed.runImport(options(1, ConflictMode.FAIL, -1, ""));

        Path mnt = bed.mount();
        String log = bed.log(outcome.jobId());
        assertEquals(JobState.COMPLETED_PARTIAL, outcome.state(), outcome.message() + "\n" + log);
        Map<String, Long> c = outcome.counters();
        System.out.printf("import of %d blobs: %d stubs/s (blobsImportedPerSecond), %d blobs walked/s%n",
                c.get("totalBlobsWalked"), c.get("blobsImportedPerSecond"), c.get("blobsWalkedPerSecond"));
        assertEquals(BIG_FILES + 7, c.get("importedFiles"), log);
        assertEquals(2, c.get("importedSymlinks"));
        assertEquals(badListed.size(), c.get("totalErrors"), log);
        assertEquals(0, c.get("totalConflicts"));
        for (String bad : badListed) {
            assertTrue(log.contains("blob=\"" + bad + "\""), "no error names " + bad + "\n" + log);
        }
        assertFalse(Files.exists(mnt.getParent().resolve("escape")));
        assertFalse(Files.exists(mnt.resolve(".azlhsm/evil")));
        for (String rewritten : List.of("big/trailing.", "big/dots.", "big/...")) {
            assertFalse(Files.exists(mnt.resolve(rewritten), java.nio.file.LinkOption.NOFOLLOW_LINKS), rewritten);
        }

        // Stubs: released, right size, blob and ETag recorded for restore.
        Path f7 = mnt.resolve("big/d7/s0/f0007");
        assertEquals(RELEASED, bed.cluster.flags(f7));
        assertEquals(files.get("big/d7/s0/f0007").length, Files.size(f7));
        ArchiveRecord record = new ArchiveRecordStore().read(f7).orElseThrow();
        assertEquals("big/d7/s0/f0007", record.blob());
        assertEquals(big.getBlobClient("big/d7/s0/f0007").getProperties().getETag().replace("\"", ""),
                record.etag().replace("\"", ""));

        // Metadata variants.
        Path meta = mnt.resolve("big/meta");
        assertEquals(List.of(1001, 1002, 0640), List.of(uid(meta.resolve("m1")), gid(meta.resolve("m1")),
                mode(meta.resolve("m1"))));
        assertEquals(Instant.parse("2020-01-02T03:04:05Z"), Files.getLastModifiedTime(meta.resolve("m1")).toInstant());
        assertEquals(List.of(1003, 1004, 0750), List.of(uid(meta.resolve("m2")), gid(meta.resolve("m2")),
                mode(meta.resolve("m2"))));
        assertEquals(Instant.parse("2021-05-06T05:08:09Z"), Files.getLastModifiedTime(meta.resolve("m2")).toInstant());
        assertEquals(List.of(1005, 1006, 0600), List.of(uid(meta.resolve("m3")), gid(meta.resolve("m3")),
                mode(meta.resolve("m3"))));
        assertEquals(List.of(1007, 0751), List.of(uid(meta.resolve("m4")), mode(meta.resolve("m4"))));
        assertEquals(Instant.ofEpochSecond(1_600_000_000L, 123_456_789),
                Files.getLastModifiedTime(meta.resolve("m4")).toInstant());
        assertEquals(List.of(0, 0, 0644), List.of(uid(meta.resolve("m5")), gid(meta.resolve("m5")),
                mode(meta.resolve("m5"))));
        assertEquals(List.of(0, 0644), List.of(uid(meta.resolve("m6")), mode(meta.resolve("m6"))));
        // Every blob given a default (2,000 plain uploads, m3 to m6, child, d2/, sticky, l1, l2) is counted, and the
        // log says so once, at WARNING, with the first examples and what was wrong with them.
        assertEquals(BIG_FILES + 9, c.get("attributesDefaulted"), log);
        List<String> warnings = log.lines().filter(l -> l.contains(" WARNING attributesDefaulted=")).toList();
        assertEquals(1, warnings.size(), log);
        assertTrue(warnings.get(0).contains("attributesDefaulted=" + (BIG_FILES + 9) + ": ")
                && warnings.get(0).contains("defaulted: owner, group, mode, mtime"), warnings.get(0));

        // Directories from hdi_isfolder blobs, directory keys and implied prefixes (AMLFS default 0777).
        Path d1 = mnt.resolve("big/dirs/d1");
        assertEquals(List.of(1001, 1002, 0750), List.of(uid(d1), gid(d1), mode(d1)));
        assertEquals(Instant.parse("2019-01-01T00:00:00Z"), Files.getLastModifiedTime(d1).toInstant());
        assertTrue(Files.isDirectory(mnt.resolve("big/dirs/d2")));
        assertEquals(01777, mode(mnt.resolve("big/dirs/sticky")));
        assertEquals(0777, mode(mnt.resolve("big/d3/s3")));

        // Symlinks: target from the body or from the older symlink= key.
        assertEquals("../meta/m1", Files.readSymbolicLink(mnt.resolve("big/links/l1")).toString());
        assertEquals(1001, uid(mnt.resolve("big/links/l1")));
        assertEquals("/absolute/target", Files.readSymbolicLink(mnt.resolve("big/links/l2")).toString());

        // An imported stub read through the mount restores through the running agent, byte for byte.
        for (String name : List.of("big/d0/s0/f0000", "big/d3/s4/f1803")) {
            assertArrayEquals(files.get(name), Files.readAllBytes(mnt.resolve(name)), name);
            assertEquals(ARCHIVED, bed.cluster.flags(mnt.resolve(name)));
        }

        // Marker and logs: CompletedPartial keeps the marker; the log is in the logging container.
        assertTrue(bed.marker().orElseThrow().startsWith("IMPORT_CompletedPartial."));
        String remoteLog = bed.service.getBlobContainerClient("joblogs").getBlobClient(outcome.jobId() + ".log")
                .downloadContent().toString();
        assertTrue(remoteLog.contains("ended CompletedPartial") && remoteLog.contains("ERROR"), remoteLog);

        // A second run finds every stub already imported: nothing is redone, nothing conflicts.
        JobOutcome again = bed.runImport(options(1, ConflictMode.FAIL, -1, "", "/big/d1"));
        assertEquals(JobState.COMPLETED, again.state(), again.message());
        assertEquals(0, again.counters().get("importedFiles"));
        assertEquals(BIG_FILES / 10, again.counters().get("preexistingFiles"));
        assertEquals(0, again.counters().get("attributesDefaulted"), "a preexisting stub is given nothing");
        assertTrue(bed.marker().isEmpty(), "a successful import removes its marker");
    }

    /**
     * Issue 22.6: directory times are set as soon as the listing has left a directory and its blobs are done (not
     * remembered for the whole job), so they must hold whatever sorts between a directory's blob and its children
     * ("t-a" and "t.txt" come after "t" and before "t/") and however the parallel workers finish.
     */
    @Test
    void directoryTimesHoldWhenSetAsTheListingLeavesEachDirectory() throws Exception {
        BlobContainerClient times = bed.container(4);
        Map<String, String> t = Map.of("hdi_isfolder", "true", "modtime", "2018-01-01 00:00:00 +0000");
        Map<String, String> sub = Map.of("hdi_isfolder", "true", "modtime", "2017-01-01 00:00:00 +0000");
        upload(times, "t", new byte[0], t);
        Map<String, byte[]> children = new HashMap<>();
        for (String name : List.of("t-a", "t.txt", "t/c1", "t/sub/c2", "t/sub-z", "t/sub.z", "t/z", "u/v/w")) {
            children.put(name, name.getBytes());
        }
        for (int i = 0; i < 40; i++) {
            children.put(String.format("t/sub/many/%02d/f", i), new byte[] {(byte) i});
            upload(times, String.format("t/sub/many/%02d", i), new byte[0], Map.of("hdi_isfolder", "true",
                    "modtime", String.format("2016-01-%02d 00:00:00 +0000", 1 + i % 28)));
        }
        uploadMany(times, children);
        upload(times, "t/sub", new byte[0], sub);
        upload(times, "t/sub/empty/", new byte[0], Map.of("modtime", "2015-01-01 00:00:00 +0000"));

        JobOutcome outcome = bed.runImport(options(4, ConflictMode.FAIL, 0, "dirtimes"));
        assertEquals(JobState.COMPLETED, outcome.state(), outcome.message() + "\n" + bed.log(outcome.jobId()));
        Path root = bed.mount().resolve("dirtimes");
        assertEquals(Instant.parse("2018-01-01T00:00:00Z"), Files.getLastModifiedTime(root.resolve("t")).toInstant());
        assertEquals(Instant.parse("2017-01-01T00:00:00Z"),
                Files.getLastModifiedTime(root.resolve("t/sub")).toInstant());
        assertEquals(Instant.parse("2015-01-01T00:00:00Z"),
                Files.getLastModifiedTime(root.resolve("t/sub/empty")).toInstant());
        for (int i = 0; i < 40; i++) {
            Path many = root.resolve(String.format("t/sub/many/%02d", i));
            assertEquals(Instant.parse(String.format("2016-01-%02dT00:00:00Z", 1 + i % 28)),
                    Files.getLastModifiedTime(many).toInstant(), many.toString());
            assertTrue(Files.isRegularFile(many.resolve("f")), many.toString());
        }
        for (String name : List.of("t-a", "t.txt", "t/c1", "t/sub/c2", "t/sub-z", "t/sub.z", "t/z", "u/v/w")) {
            assertTrue(Files.isRegularFile(root.resolve(name)), name);
        }
    }

    @Test
    void setidBitsComeBackOnlyUnderRestoreSetid() throws Exception {
        BlobContainerClient setid = bed.container(3);
        // ours (azlhsm_mode beside AMLFS's permissions, which never carry set-id bits), and azcopy's standard style
        upload(setid, "s/suid", "x".getBytes(), Map.of("azlhsm_version", "1", "azlhsm_mode", "4755",
                "permissions", "0755", "owner", "1001", "group", "1002", "modtime", "2020-01-01 00:00:00 +0000"));
        upload(setid, "s/sgid-dir", new byte[0], Map.of("azlhsm_version", "1", "hdi_isfolder", "true",
                "azlhsm_mode", "2775", "permissions", "0775", "owner", "1001", "group", "1002",
                "modtime", "2020-01-01 00:00:00 +0000"));
        upload(setid, "s/azcopy-suid", "y".getBytes(), Map.of("posix_owner", "1003", "posix_group", "1004",
                "permissions", "35309", "modtime", "1600000000123456789")); // st_mode 0104755

        JobOutcome off = bed.runImport(options(3, ConflictMode.FAIL, 0, "setid-off"));
        assertEquals(JobState.COMPLETED, off.state(), off.message());
        Path dropped = bed.mount().resolve("setid-off/s");
        assertEquals(List.of(0755, 0775, 0755), List.of(mode(dropped.resolve("suid")),
                mode(dropped.resolve("sgid-dir")), mode(dropped.resolve("azcopy-suid"))));
        assertEquals(List.of(1003, 1004), List.of(uid(dropped.resolve("azcopy-suid")),
                gid(dropped.resolve("azcopy-suid"))));
        assertTrue(bed.log(off.jobId()).contains("3 blobs carried setuid/setgid bits that were not restored"),
                bed.log(off.jobId()));

        JobOutcome on = bed.runImport(options(3, ConflictMode.FAIL, 0, "setid-on"), "import.restore_setid = true\n");
        assertEquals(JobState.COMPLETED, on.state(), on.message());
        Path kept = bed.mount().resolve("setid-on/s");
        assertEquals(List.of(04755, 02775, 04755), List.of(mode(kept.resolve("suid")),
                mode(kept.resolve("sgid-dir")), mode(kept.resolve("azcopy-suid"))));
        assertEquals(List.of(1001, 1002), List.of(uid(kept.resolve("suid")), gid(kept.resolve("suid"))),
                "owner set before the set-id bits, which a chown would clear");
        assertEquals(RELEASED, bed.cluster.flags(kept.resolve("suid")));
        assertArrayEquals("x".getBytes(), Files.readAllBytes(kept.resolve("suid")), "the stub restores");
    }

    @Test
    void maxErrorsZeroStopsNStopsAfterNAndMinusOneNeverStops() throws Exception {
        BlobContainerClient errors = bed.container(2);
        Map<String, byte[]> good = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            good.put("e/ok" + i, ("ok" + i).getBytes());
        }
        uploadMany(errors, good);
        for (String bad : List.of("e/bad" + "1".repeat(300), "e/bad" + "2".repeat(300), "e/bad" + "3".repeat(300))) {
            upload(errors, bad, "x".getBytes(), Map.of());
        }
        // One worker, so "the first" is well defined (the bad names sort before the good ones).
        JobOutcome zero = bed.runImport(new ImportOptions(2, List.of(""), ConflictMode.SKIP, 0, "t0", 1));
        assertEquals(JobState.FAILED, zero.state());
        assertEquals(1, zero.counters().get("totalErrors"), zero.counters().toString());
        assertEquals(0, zero.counters().get("importedFiles"), zero.counters().toString());
        assertTrue(zero.message().contains("--max-errors 0") && zero.message().contains("e/bad"), zero.message());

        JobOutcome two = bed.runImport(options(2, ConflictMode.SKIP, 2, "t2"));
        assertEquals(JobState.FAILED, two.state());
        assertTrue(two.message().contains("more than 2 errors"), two.message());

        JobOutcome three = bed.runImport(options(2, ConflictMode.SKIP, 3, "t3"));
        assertEquals(JobState.COMPLETED_PARTIAL, three.state(), three.message());
        assertEquals(3, three.counters().get("totalErrors"));
        assertEquals(10, three.counters().get("importedFiles"));

        JobOutcome unlimited = bed.runImport(options(2, ConflictMode.SKIP, -1, "tu"));
        assertEquals(JobState.COMPLETED_PARTIAL, unlimited.state());
        assertEquals(3, unlimited.counters().get("totalErrors"));
        assertEquals(10, unlimited.counters().get("importedFiles"));
    }
}
