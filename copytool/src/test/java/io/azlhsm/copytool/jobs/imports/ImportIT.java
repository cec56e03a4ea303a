package io.azlhsm.copytool.jobs.imports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.azlhsm.copytool.agent.Agent;
import io.azlhsm.copytool.agent.AgentLauncher;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.JobBusyException;
import io.azlhsm.copytool.jobs.JobCanceller;
import io.azlhsm.copytool.jobs.JobOutcome;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
import java.util.Properties;
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
 * Import against Azurite into the simulated cluster, with an agent running so imported stubs restore on read.
 * Archives: 1 = the big container (2,000 files and every metadata variant; also imported by the cancel and resume
 * tests into their own targets), 2 = conflicts, 3 = errors; each test works under its own top directory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180)
class ImportIT {
    private static final int RELEASED = 0x0d;
    private static final int ARCHIVED = 0x09;
    private static final int BIG_FILES = 2000;
    /** Names Azure accepts and Lustre must not get (control characters are tested in BlobPathsTest: Azurite's
     * listing fails on them). */
    private static final List<String> ADVERSARIAL = List.of("big/bad/" + "x".repeat(300), "big//double",
            "big/./dot", "big/bad/../../escape", ".azlhsm/evil", "big/bad/dir/");

    private AzuriteServer azurite;
    private Cluster cluster;
    private Agent agent;
    private CopytoolConfig config;
    private final Map<String, byte[]> files = new HashMap<>();
    private Path configFile;
    private BlobServiceClient service;
    private final ExecutorService background = Executors.newCachedThreadPool();

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        cluster = Cluster.start();
        service = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient();
        StringBuilder keys = new StringBuilder();
        keys.append("mount = ").append(cluster.mount()).append('\n');
        keys.append("lustre.library = ").append(TestClusterHome.nativeDirectory().resolve("libhsmsim.so")).append('\n');
        keys.append("pipeline.chunk_size = 1MiB\npipeline.ring_size = 16\npipeline.progress_interval = 1s\n");
        String[] containers = {"bigimport", "conflicts", "errors"};
        for (int i = 0; i < containers.length; i++) {
            int id = i + 1;
            service.createBlobContainerIfNotExists(containers[i]);
            keys.append("archive.").append(id).append(".type = azure\n");
            keys.append("archive.").append(id).append(".container = ").append(containers[i]).append('\n');
            keys.append("archive.").append(id).append(".logging_container = joblogs\n");
            keys.append("archive.").append(id).append(".connection_string = ").append(azurite.connectionString())
                    .append('\n');
        }
        configFile = Files.createTempFile("import-it", ".properties");
        Files.setPosixFilePermissions(configFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(configFile, keys);
        config = CopytoolConfig.load(configFile);
        agent = AgentLauncher.launch(config);
        seedBigContainer();
    }

    /** 2,000 files in nested directories, every metadata variant, directories, symlinks and unsafe names. */
    private void seedBigContainer() throws Exception {
        BlobContainerClient big = container(1);

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

    @AfterAll
    void stop() throws Exception {
        background.shutdownNow();
        if (agent != null) {
            agent.stop(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
        if (azurite != null) {
            azurite.close();
        }
        Files.deleteIfExists(configFile);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private JobOutcome runImport(ImportOptions options) throws Exception {
        return new JobRunner(config, JobRunner.Settings.quiet()).run(new ImportJob(options));
    }

    private static ImportOptions options(int archive, ConflictMode mode, long maxErrors, String target,
                                         String... prefixes) {
        return new ImportOptions(archive, ImportPrefixes.normalize(List.of(prefixes)), mode, maxErrors, target, 8);
    }

    private BlobContainerClient container(int archive) {
        return service.getBlobContainerClient(config.archives().get(archive).container().orElseThrow());
    }

    private static void upload(BlobContainerClient container, String name, byte[] body, Map<String, String> metadata) {
        container.getBlobClient(name).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(body))
                .setMetadata(metadata.isEmpty() ? null : metadata), null, null);
    }

    private void uploadMany(BlobContainerClient container, Map<String, byte[]> blobs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            blobs.forEach((name, body) -> done.add(pool.submit(() -> upload(container, name, body, Map.of()))));
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] content(String name, int size) {
        byte[] bytes = new byte[size];
        new Random(name.hashCode()).nextBytes(bytes);
        return bytes;
    }

    private String log(String jobId) throws Exception {
        return Files.readString(new JobStore(cluster.mount()).logFile(jobId));
    }

    private Optional<Path> marker() throws Exception {
        try (Stream<Path> files = Files.list(cluster.mount())) {
            return files.filter(p -> p.getFileName().toString().startsWith("IMPORT_")).findFirst();
        }
    }

    private static int mode(Path path) throws Exception {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    private static int uid(Path path) throws Exception {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    private static int gid(Path path) throws Exception {
        return (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void importsATreeWithMetadataVariantsDirectoriesSymlinksAndRefusesUnsafeNames() throws Exception {
        BlobContainerClient big = container(1);
        List<String> badListed = new ArrayList<>();
        for (BlobItem item : big.listBlobs(new ListBlobsOptions(), null)) {
            if (ADVERSARIAL.contains(item.getName())) {
                badListed.add(item.getName());
            }
        }
        assertTrue(badListed.size() >= 3, "Azurite kept only " + badListed);

        JobOutcome outcome = runImport(options(1, ConflictMode.FAIL, -1, ""));

        Path mnt = cluster.mount();
        String log = log(outcome.jobId());
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

        // Stubs: released, right size, blob and ETag recorded for restore.
        Path f7 = mnt.resolve("big/d7/s0/f0007");
        assertEquals(RELEASED, cluster.flags(f7));
        assertEquals(files.get("big/d7/s0/f0007").length, Files.size(f7));
        ArchiveRecord record = new ArchiveRecordStore().read(f7).orElseThrow();
        assertEquals("big/d7/s0/f0007", record.blob());
        assertEquals(big.getBlobClient("big/d7/s0/f0007").getProperties().getETag(), record.etag());

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
        assertTrue(log.contains("blob big/meta/m6: defaults used for"), log);

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
            assertEquals(ARCHIVED, cluster.flags(mnt.resolve(name)));
        }

        // Marker and logs: CompletedPartial keeps the marker; the log is in the logging container.
        assertTrue(marker().orElseThrow().getFileName().toString().startsWith("IMPORT_CompletedPartial."));
        String remoteLog = service.getBlobContainerClient("joblogs").getBlobClient(outcome.jobId() + ".log")
                .downloadContent().toString();
        assertTrue(remoteLog.contains("ended CompletedPartial") && remoteLog.contains("ERROR"), remoteLog);

        // A second run finds every stub already imported: nothing is redone, nothing conflicts.
        JobOutcome again = runImport(options(1, ConflictMode.FAIL, -1, "", "/big/d1"));
        assertEquals(JobState.COMPLETED, again.state(), again.message());
        assertEquals(0, again.counters().get("importedFiles"));
        assertEquals(BIG_FILES / 10, again.counters().get("preexistingFiles"));
        assertTrue(marker().isEmpty(), "a successful import removes its marker");
    }

    /** Per mode, a directory with a file in each HSM state; the container holds a different blob for each. */
    private void conflictSetup(String dir) throws Exception {
        Path mnt = cluster.mount();
        BlobContainerClient blobs = container(2);
        Files.createDirectories(mnt.resolve(dir));
        for (String state : List.of("never", "clean", "dirty", "released")) {
            Files.write(mnt.resolve(dir + "/" + state), ("lustre " + state).getBytes());
        }
        upload(blobs, dir + "/never", "blob never".getBytes(), Map.of("permissions", "0600"));
        cluster.lfs("hsm_archive", "-a", "2", mnt.resolve(dir + "/clean").toString(),
                mnt.resolve(dir + "/dirty").toString(), mnt.resolve(dir + "/released").toString());
        for (String state : List.of("clean", "dirty", "released")) {
            cluster.awaitFlags(mnt.resolve(dir + "/" + state), ARCHIVED);
        }
        Files.write(mnt.resolve(dir + "/dirty"), " appended".getBytes(), StandardOpenOption.APPEND);
        cluster.awaitFlags(mnt.resolve(dir + "/dirty"), 0x0b);
        cluster.lfs("hsm_release", mnt.resolve(dir + "/released").toString());
        cluster.awaitFlags(mnt.resolve(dir + "/released"), RELEASED);
        // The container's copy of the released file is replaced: the stub's recorded ETag no longer matches.
        upload(blobs, dir + "/released", "blob released, newer".getBytes(), Map.of("permissions", "0600"));
        if (dir.equals("cf-od")) {
            // Only attributes differ: overwrite-dirty must take them from the blob and keep the data.
            Files.setAttribute(mnt.resolve(dir + "/clean"), "unix:mode", 0666);
            container(2).getBlobClient(dir + "/clean").setMetadata(Map.of("permissions", "0600"));
        }
    }

    @Test
    void eachConflictModeOnEachHsmState() throws Exception {
        Path mnt = cluster.mount();
        for (String dir : List.of("cf-fail", "cf-skip", "cf-od", "cf-oa")) {
            conflictSetup(dir);
        }
        // fail: the job stops at the conflict, whatever the state.
        for (String state : List.of("never", "clean", "dirty", "released")) {
            JobOutcome failed = runImport(options(2, ConflictMode.FAIL, -1, "", "/cf-fail/" + state));
            assertEquals(JobState.FAILED, failed.state(), state);
            assertTrue(failed.message().contains("cf-fail/" + state) && failed.message().contains("--conflict is fail"),
                    failed.message());
            assertEquals(1, failed.counters().get("totalConflicts"));
            assertTrue(marker().orElseThrow().getFileName().toString().startsWith("IMPORT_Failed."));
            assertTrue(log(failed.jobId()).contains("CONFLICT path=\"cf-fail/" + state + "\""));
        }
        assertEquals("lustre never", Files.readString(mnt.resolve("cf-fail/never")));

        // skip: nothing changes.
        JobOutcome skip = runImport(options(2, ConflictMode.SKIP, -1, "", "/cf-skip/"));
        assertEquals(JobState.COMPLETED, skip.state(), skip.message());
        assertEquals(4, skip.counters().get("totalConflicts"));
        assertEquals(List.of(0x00, ARCHIVED, 0x0b, RELEASED), flags(mnt, "cf-skip"));
        assertEquals("lustre never", Files.readString(mnt.resolve("cf-skip/never")));

        // overwrite-dirty: clean and released keep their data and get the blob's attributes; the others re-import.
        JobOutcome od = runImport(options(2, ConflictMode.OVERWRITE_DIRTY, -1, "", "/cf-od/"));
        assertEquals(JobState.COMPLETED, od.state(), od.message());
        assertEquals(4, od.counters().get("totalConflicts"));
        assertEquals(List.of(RELEASED, ARCHIVED, RELEASED, RELEASED), flags(mnt, "cf-od"));
        assertEquals(0600, mode(mnt.resolve("cf-od/clean")));
        assertEquals("lustre clean", Files.readString(mnt.resolve("cf-od/clean")));
        assertEquals("blob never", Files.readString(mnt.resolve("cf-od/never")));
        assertEquals("lustre dirty", Files.readString(mnt.resolve("cf-od/dirty")), "the archived copy");
        String odLog = log(od.jobId());
        assertTrue(odLog.contains("path=\"cf-od/clean\" blob=\"cf-od/clean\" resolution=attributes updated"), odLog);
        assertTrue(odLog.contains("path=\"cf-od/dirty\" blob=\"cf-od/dirty\" resolution=deleted and re-imported"),
                odLog);

        // overwrite-always: clean is released; dirty, never archived and a released file whose blob changed re-import.
        JobOutcome oa = runImport(options(2, ConflictMode.OVERWRITE_ALWAYS, -1, "", "/cf-oa/"));
        assertEquals(JobState.COMPLETED, oa.state(), oa.message());
        assertEquals(4, oa.counters().get("totalConflicts"));
        assertEquals(List.of(RELEASED, RELEASED, RELEASED, RELEASED), flags(mnt, "cf-oa"));
        assertEquals("lustre clean", Files.readString(mnt.resolve("cf-oa/clean")), "restored from its archive");
        assertEquals("blob released, newer", Files.readString(mnt.resolve("cf-oa/released")));
        assertEquals("blob never", Files.readString(mnt.resolve("cf-oa/never")));
        assertTrue(log(oa.jobId()).contains("path=\"cf-oa/clean\" blob=\"cf-oa/clean\" resolution=released"));
    }

    private List<Integer> flags(Path mnt, String dir) {
        List<Integer> flags = new ArrayList<>();
        for (String state : List.of("never", "clean", "dirty", "released")) {
            flags.add(cluster.flags(mnt.resolve(dir + "/" + state)));
        }
        return flags;
    }

    @Test
    void maxErrorsZeroStopsNStopsAfterNAndMinusOneNeverStops() throws Exception {
        BlobContainerClient errors = container(3);
        Map<String, byte[]> good = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            good.put("e/ok" + i, ("ok" + i).getBytes());
        }
        uploadMany(errors, good);
        for (String bad : List.of("e/bad" + "1".repeat(300), "e/bad" + "2".repeat(300), "e/bad" + "3".repeat(300))) {
            upload(errors, bad, "x".getBytes(), Map.of());
        }
        JobOutcome zero = runImport(options(3, ConflictMode.SKIP, 0, "t0"));
        assertEquals(JobState.FAILED, zero.state());
        assertEquals(1, zero.counters().get("totalErrors"));
        assertTrue(zero.message().contains("--max-errors 0") && zero.message().contains("e/bad"), zero.message());

        JobOutcome two = runImport(options(3, ConflictMode.SKIP, 2, "t2"));
        assertEquals(JobState.FAILED, two.state());
        assertTrue(two.message().contains("more than 2 errors"), two.message());

        JobOutcome three = runImport(options(3, ConflictMode.SKIP, 3, "t3"));
        assertEquals(JobState.COMPLETED_PARTIAL, three.state(), three.message());
        assertEquals(3, three.counters().get("totalErrors"));
        assertEquals(10, three.counters().get("importedFiles"));

        JobOutcome unlimited = runImport(options(3, ConflictMode.SKIP, -1, "tu"));
        assertEquals(JobState.COMPLETED_PARTIAL, unlimited.state());
        assertEquals(3, unlimited.counters().get("totalErrors"));
        assertEquals(10, unlimited.counters().get("importedFiles"));
    }

    @Test
    void cancelMidJobAndASecondJobIsRefusedWhileItRuns() throws Exception {
        ImportOptions slow = new ImportOptions(1, List.of("big/d"), ConflictMode.FAIL, 0, "cancel", 1);
        Future<JobOutcome> running = background.submit(() -> runImport(slow));
        JobStore store = new JobStore(cluster.mount());
        Cluster.await("import under way", Duration.ofSeconds(60), () -> imported(store) >= 50);
        String id = store.lockHolder().orElseThrow().jobId();
        assertTrue(marker().orElseThrow().getFileName().toString().startsWith("IMPORT_InProgress."));

        JobBusyException busy = assertThrows(JobBusyException.class,
                () -> runImport(options(3, ConflictMode.SKIP, -1, "tu")));
        assertTrue(busy.getMessage().contains(id), busy.getMessage());

        JobCanceller.Result result = new JobCanceller(store, Duration.ofMinutes(2), Clock.systemUTC())
                .cancel(Optional.of(id), Duration.ofSeconds(30));
        assertEquals("job " + id + " ended Canceled", result.message());
        JobOutcome outcome = running.get(30, TimeUnit.SECONDS);
        assertEquals(JobState.CANCELED, outcome.state());
        assertTrue(outcome.counters().get("totalBlobsImported") < BIG_FILES);
        assertTrue(marker().orElseThrow().getFileName().toString().startsWith("IMPORT_Canceled."));
    }

    private static long imported(JobStore store) {
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

    @Test
    void aCrashedImportResumesWithoutRedoingFinishedPages() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.azlhsm.copytool.cli.Main", "import",
                "--archive", "1", "--prefix", "/big/d", "--target", "resume", "--threads", "1", "--config", configFile.toString());
        Path output = Files.createTempFile("import-crash", ".txt");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                .start();
        JobStore store = new JobStore(cluster.mount());
        try {
            Cluster.await("first page done", Duration.ofSeconds(90), () -> checkpointed(store));
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(output);
        }
        String crashedId = store.lockHolder().orElseThrow().jobId();

        JobOutcome resumed = runImport(new ImportOptions(1, List.of("big/d"), ConflictMode.FAIL, 0, "resume", 1));

        assertEquals(crashedId, resumed.jobId(), "the crashed job continues under its id");
        assertEquals(JobState.COMPLETED, resumed.state(), resumed.message());
        try (Stream<Path> stubs = Files.walk(cluster.mount().resolve("resume/big"))) {
            assertEquals(BIG_FILES + 1, stubs.filter(Files::isRegularFile).count(), "with big/dirs/d1/child");
        }
        // Only the unfinished page is walked again: blobs of finished pages are neither re-walked nor seen as
        // preexisting.
        assertTrue(resumed.counters().get("preexistingFiles") < ImportJob.PAGE_SIZE, resumed.counters().toString());
        assertTrue(resumed.counters().get("totalBlobsWalked") <= BIG_FILES + ImportJob.PAGE_SIZE,
                resumed.counters().toString());
        assertTrue(log(crashedId).contains("resuming import job " + crashedId));
        assertTrue(marker().isEmpty());
    }

    private static boolean checkpointed(JobStore store) {
        try {
            Optional<String> id = store.lockHolder().map(h -> h.jobId());
            if (id.isEmpty()) {
                return false;
            }
            Optional<JobRecord> record = store.read(id.get());
            return record.isPresent() && record.get().checkpoint().containsKey("prefix.0")
                    && record.get().counters().getOrDefault("totalBlobsImported", 0L) > ImportJob.PAGE_SIZE + 100;
        } catch (Exception e) {
            return false;
        }
    }
}
