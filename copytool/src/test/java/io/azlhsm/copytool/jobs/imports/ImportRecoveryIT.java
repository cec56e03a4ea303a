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
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.LockHolder;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.lustre.ExtendedAttributes;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
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

/** Cancel mid-job, a second job refused while one runs, and a killed import resumed without redoing its pages. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120)
class ImportRecoveryIT {
    private static final int RELEASED = 0x0d;
    private static final int ARCHIVED = 0x09;
    private static final int BLOBS = 600;
    private static final int PAGE = 100;
    private static final int DIRECTORIES = 60;
    private final ExecutorService background = Executors.newCachedThreadPool();
    private ImportTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = ImportTestBed.start("resume");
        seed();
    }

    @AfterAll
    void stop() throws Exception {
        background.shutdownNow();
        if (bed != null) {
            bed.close();
        }
    }

    private void seed() throws Exception {
        Map<String, byte[]> blobs = new HashMap<>();
        for (int i = 0; i < BLOBS; i++) {
            // 60 directories of 10 blobs, so that the crash test's unfinished pages create directories too
            blobs.put(String.format("r/d%02d/%04d", i % DIRECTORIES, i), new byte[] {(byte) i});
        }
        uploadMany(bed.container(1), blobs);
    }

    @Test
    void cancelMidJobAndASecondJobIsRefusedWhileItRuns() throws Exception {
        ImportOptions slow = new ImportOptions(1, List.of(""), ConflictMode.FAIL, 0, "cancel", 1, PAGE);
        JobStore store = new JobStore(bed.mount());
        try (HoldingProxy.Hold secondPage = bed.holdListingOfPage(2)) {
            Future<JobOutcome> running = background.submit(() -> bed.runImport(slow));
            // the first page is imported and the job waits for the second: it is mid-job whatever the speed
            secondPage.awaitHeld(1, Duration.ofSeconds(60), () -> describe(store, running));
            Cluster.await("the first page imported", Duration.ofSeconds(60), () -> imported(store) == PAGE,
                    () -> describe(store, running));
            String id = store.lockHolder().orElseThrow().jobId();
            assertTrue(bed.marker().orElseThrow().startsWith("IMPORT_InProgress."));

            // an import into a directory inside the running one's target overlaps it (one into another would run)
            JobBusyException busy = assertThrows(JobBusyException.class,
                    () -> bed.runImport(options(1, ConflictMode.SKIP, -1, "cancel/inner")));
            assertTrue(busy.getMessage().contains(id) && busy.getMessage().contains("on /cancel:"),
                    busy.getMessage());

            JobCanceller.Result result = new JobCanceller(store, Duration.ofMinutes(2), Clock.systemUTC())
                    .cancel(Optional.of(id), Duration.ofSeconds(30));
            assertEquals("job " + id + " ended Canceled", result.message());
            JobOutcome outcome = running.get(30, TimeUnit.SECONDS);
            assertEquals(JobState.CANCELED, outcome.state());
            assertEquals(PAGE, outcome.counters().get("totalBlobsImported"), outcome.counters().toString());
            assertTrue(bed.marker().orElseThrow().startsWith("IMPORT_Canceled."));
        }
    }

    @Test
    void sigintOrSigtermCancelsTheCommandLineJob() throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.azlhsm.copytool.cli.Main", "import",
                "--archive", "1", "--target", "signal", "--threads", "1", "--page-size", Integer.toString(PAGE),
                "--config", bed.configFile.toString());
        Path output = Files.createTempFile("import-signal", ".txt");
        try (HoldingProxy.Hold secondPage = bed.holdListingOfPage(2)) {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            JobStore store = new JobStore(bed.mount());
            secondPage.awaitHeld(1, Duration.ofSeconds(60), () -> describe(store, process, output));
            Cluster.await("the first page imported", Duration.ofSeconds(60), () -> imported(store) == PAGE,
                    () -> describe(store, process, output));
            String id = store.lockHolder().orElseThrow().jobId();
            process.destroy(); // SIGTERM; Ctrl-C's SIGINT has the same handler
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), describe(store, process, output));
            String printed = Files.readString(output);
            assertEquals(4, process.exitValue(), "exit status of a Canceled job: " + printed);
            assertEquals(JobState.CANCELED, store.read(id).orElseThrow().state());
            assertTrue(printed.contains(id + " Canceled"), printed);
            // the second page's listing is held in flight: ending the job must not interrupt it into the SDK's log
            assertFalse(printed.contains("InterruptedException"), printed);
            assertTrue(store.lockHolder().isEmpty(), "lock released");
            assertTrue(bed.marker().orElseThrow().startsWith("IMPORT_Canceled."));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** What a waiting test saw: the running job's last record and, for a job in a process, its state and output. */
    private static String describe(JobStore store, Process process, Path output) {
        String printed;
        try {
            printed = Files.readString(output);
        } catch (IOException e) {
            printed = "(output unreadable: " + e.getMessage() + ")";
        }
        return describe(store) + "\nprocess " + (process.isAlive() ? "running" : "exited " + process.exitValue())
                + ", output:\n" + printed;
    }

    private static String describe(JobStore store, Future<JobOutcome> job) {
        String state = job.isDone() ? "ended" : "running";
        if (job.isDone()) {
            try {
                state = "ended " + job.get().state() + ": " + job.get().message();
            } catch (Exception e) {
                state = "ended with " + e;
            }
        }
        return describe(store) + "\njob " + state;
    }

    private static String describe(JobStore store) {
        try {
            Optional<String> id = store.lockHolder().map(h -> h.jobId());
            if (id.isEmpty()) {
                return "no job holds the lock";
            }
            return "lock held by " + id.get() + "; its record: " + store.read(id.get()).map(Object::toString)
                    .orElse("(none)");
        } catch (Exception e) {
            return "job store unreadable: " + e;
        }
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
                "--archive", "1", "--target", "resume", "--threads", "2", "--page-size", Integer.toString(PAGE),
                "--config", bed.configFile.toString());
        Path output = Files.createTempFile("import-crash", ".txt");
        JobStore store = new JobStore(bed.mount());
        // The fourth page's listing waits at the proxy: the process is killed after its first checkpointed page and
        // before its end whatever the machine's speed, with pages 2 and 3 done, partly done or checkpointed by then.
        try (HoldingProxy.Hold fourthPage = bed.holdListingOfPage(4)) {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            try {
                Cluster.await("a checkpoint of the first page", Duration.ofSeconds(90), () -> checkpointed(store),
                        () -> describe(store, process, output));
                assertTrue(process.isAlive(), describe(store, process, output));
            } finally {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                Files.deleteIfExists(output);
            }
        }
        String crashedId = store.lockHolder().orElseThrow().jobId();
        JobRecord crashed = store.read(crashedId).orElseThrow();
        long countedBeforeCrash = Long.parseLong(crashed.checkpoint().get("counted.totalBlobsWalked"));
        assertTrue(countedBeforeCrash >= PAGE && countedBeforeCrash <= 3 * PAGE, crashed.checkpoint().toString());
        // What a run killed inside llapi_hsm_import leaves (it creates the file, then imports it: liblustreapi_hsm.c
        // 1434-1497): an empty file without HSM state, here for the last blob of a page the run never reached, in the
        // directory the run would have made for that directory's first blob. Whether the kill itself lands there is
        // chance; this makes it certain.
        Path halfImported = bed.mount().resolve("resume/r/d59/0599");
        Files.createDirectories(halfImported.getParent());
        ExtendedAttributes.set(halfImported.getParent(), DirectoryMaker.CREATOR_XATTR,
                (crashedId + " r/d59/0059").getBytes(StandardCharsets.UTF_8));
        Files.createFile(halfImported);

        JobOutcome resumed = bed.runImport(new ImportOptions(1, List.of(""), ConflictMode.FAIL, 0, "resume", 4, PAGE));

        assertEquals(crashedId, resumed.jobId(), "the crashed job continues under its id");
        assertEquals(JobState.COMPLETED, resumed.state(), resumed.message());
        try (Stream<Path> stubs = Files.walk(bed.mount().resolve("resume/r"))) {
            assertEquals(BLOBS, stubs.filter(Files::isRegularFile).count());
        }
        assertEquals(1, Files.size(halfImported), "the half-imported file is a stub of its blob now");
        // Counted exactly once each, as by an uninterrupted run: the counts restored are those of the blobs the
        // crashed run finished, and those are neither walked nor imported again (nor seen as preexisting).
        Map<String, Long> counters = resumed.counters();
        assertEquals(BLOBS, counters.get("totalBlobsWalked"), counters.toString());
        assertEquals(BLOBS, counters.get("totalBlobsImported"), counters.toString());
        assertEquals(BLOBS, counters.get("importedFiles"), counters.toString());
        // resume/r and its 60: also those the crashed run made after its last checkpoint, found by the creator each
        // names in an xattr; but for one killed between its mkdir and that xattr write, which seems preexisting
        long unnamed = directoriesWithoutCreator(bed.mount().resolve("resume/r"));
        assertTrue(unnamed <= 2, unnamed + " directories do not name their creator"); // one per worker at most
        assertEquals(1 + DIRECTORIES - unnamed, counters.get("importedDirectories"), counters.toString());
        assertEquals(0, counters.get("preexistingFiles"), counters.toString());
        assertEquals(0, counters.get("totalErrors"), counters.toString());
        assertEquals(0, counters.get("totalConflicts"), counters.toString());
        assertTrue(bed.log(crashedId).contains("resuming import job " + crashedId));
        assertTrue(bed.marker().isEmpty());
    }

    /**
     * Issue 22.4: a job whose holder stalls (here: SIGSTOP, in a process that calls its host other-node, as another
     * data mover would) loses its lock to a node that judges it crashed; when it comes back, every write it tries is
     * refused, nothing of it reaches the record, marker, log or log blob the new holder owns, and it stops by itself.
     */
    @Test
    @Timeout(value = 300)
    void aStalledHolderWhoseLockWasTakenWritesNothingAndStopsItself() throws Exception {
        Duration staleAfter = Duration.ofSeconds(8); // the taker's; the stalled one runs the command line's 2 minutes
        ImportOptions same = new ImportOptions(1, List.of(""), ConflictMode.FAIL, 0, "fence", 4, PAGE);
        List<String> command = List.of("unshare", "--uts", "sh", "-c", "hostname other-node && exec \"$@\"", "sh",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.azlhsm.copytool.cli.Main", "import",
                "--archive", "1", "--target", "fence", "--threads", "2", "--page-size", Integer.toString(PAGE),
                "--config", bed.configFile.toString());
        Path output = Files.createTempFile("import-stalled", ".txt");
        JobStore store = new JobStore(bed.mount());
        BlobContainerClient logs = bed.service.getBlobContainerClient("joblogs");
        Process stalled = null;
        // Every listing after the first waits while the stalled run is the only job (the SDK's retries of the held
        // request too), so the run is idle, between pages, when it is stopped. (A run stopped amid a stub completes
        // that one stub when it resumes: see docs/job-lock.md, "What remains".)
        try (HoldingProxy.Hold stalledSecondPage = bed.proxy.hold("every continued listing of the stalled run",
                request -> request.isListing() && request.query("marker") != null)) {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().put("HOSTNAME", "other-node");
            stalled = builder.start();
            Process first = stalled;
            Cluster.await("a checkpoint of the first page", Duration.ofSeconds(90), () -> checkpointed(store),
                    () -> describe(store, first, output));
            stalledSecondPage.awaitHeld(1, Duration.ofSeconds(60), () -> describe(store, first, output));
            LockHolder stalledLock = store.lockHolder().orElseThrow();
            String id = stalledLock.jobId();
            assertEquals("other-node", stalledLock.host(), describe(store, first, output));
            Cluster.await("the stalled run's log copied", Duration.ofSeconds(60),
                    () -> logGeneration(logs, id) == stalledLock.generation(), () -> describe(store, first, output));
            signal("STOP", stalled);
            stalledSecondPage.release(); // its answers wait in the stopped process's sockets

            Cluster.await("no heartbeat from the stalled run for " + staleAfter, Duration.ofSeconds(60),
                    () -> record(store, id).map(r -> Duration.between(r.heartbeat(), Instant.now())
                            .compareTo(staleAfter.plusSeconds(1)) > 0).orElse(false), () -> describe(store));
            Future<JobOutcome> taker;
            try (HoldingProxy.Hold takersNextPage = bed.holdListingOfPage(3)) {
                taker = background.submit(() -> new JobRunner(bed.config, JobRunner.Settings.quiet()
                        .withStaleAfter(staleAfter)).run(new ImportJob(same)));
                // The taker resumed the job and waits mid-job, holding the lock, with its log copy in the container.
                takersNextPage.awaitHeld(1, Duration.ofSeconds(60), () -> describe(store, taker));
                LockHolder takerLock = store.lockHolder().orElseThrow();
                assertEquals(id, takerLock.jobId(), "the taker resumes the job under its id");
                assertEquals(ProcessHandle.current().pid(), takerLock.pid());
                assertTrue(takerLock.generation() > stalledLock.generation(), takerLock + " after " + stalledLock);
                Cluster.await("the taker's log copied", Duration.ofSeconds(60),
                        () -> logGeneration(logs, id) == takerLock.generation(), () -> describe(store, taker));
                Cluster.await("the taker's record", Duration.ofSeconds(60), () -> record(store, id)
                        .map(r -> r.generation() == takerLock.generation()).orElse(false), () -> describe(store));
                String takerLog = bed.log(id);

                signal("CONT", stalled);
                Process resumed = stalled;
                assertTrue(stalled.waitFor(90, TimeUnit.SECONDS),
                        "the stalled run did not stop itself: " + describe(store, resumed, output));
                String printed = Files.readString(output);
                assertEquals(1, stalled.exitValue(), "a run that lost its lock ends Failed: " + printed);
                assertTrue(printed.contains("job " + id + " lost its lock (generation " + stalledLock.generation()
                        + ", host other-node"), printed);
                assertTrue(printed.contains("now held by job " + id + " on host " + takerLock.host() + " pid "
                        + takerLock.pid() + " (lock generation " + takerLock.generation() + ")"), printed);

                // Nothing the stalled run tried after the takeover is visible.
                JobRecord record = store.read(id).orElseThrow();
                assertEquals(takerLock.generation(), record.generation(), record.toString());
                assertEquals(ProcessHandle.current().pid(), record.pid(), record.toString());
                assertEquals(JobState.IN_PROGRESS, record.state(), record.toString());
                assertEquals(takerLock.generation(), store.lockHolder().orElseThrow().generation(), "the taker's lock");
                assertTrue(bed.marker().orElseThrow().startsWith("IMPORT_InProgress."), bed.marker().toString());
                assertEquals(takerLog, bed.log(id).substring(0, takerLog.length()));
                assertFalse(bed.log(id).contains("ended Failed"), bed.log(id));
                assertEquals(takerLock.generation(), logGeneration(logs, id));
                assertFalse(logs.getBlobClient(id + ".log").downloadContent().toString().contains("ended Failed"));
            }
            JobOutcome outcome = taker.get(120, TimeUnit.SECONDS);
            assertEquals(JobState.COMPLETED, outcome.state(), outcome.message());
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < BLOBS; i++) {
                Path stub = bed.mount().resolve(String.format("fence/r/d%02d/%04d", i % DIRECTORIES, i));
                if (!Files.isRegularFile(stub)) {
                    missing.add(bed.mount().relativize(stub).toString());
                }
            }
            assertEquals(List.of(), missing, "stubs missing; counters " + outcome.counters()
                    + "; stalled run's output:\n" + Files.readString(output) + "\njob log:\n" + bed.log(id));
            assertEquals(BLOBS, outcome.counters().get("totalBlobsWalked"), outcome.counters().toString());
            assertEquals(BLOBS, outcome.counters().get("totalBlobsImported"), outcome.counters().toString());
            assertEquals(0, outcome.counters().get("totalErrors"), outcome.counters().toString());
            assertTrue(bed.marker().isEmpty(), bed.marker().toString());
            assertTrue(store.lockHolder().isEmpty(), "lock released");
            assertFalse(bed.log(id).contains("lost its lock"), bed.log(id));
        } finally {
            if (stalled != null) {
                signal("CONT", stalled);
                stalled.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(output);
        }
    }

    private static Optional<JobRecord> record(JobStore store, String id) {
        try {
            return store.read(id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void signal(String name, Process process) throws Exception {
        if (!process.isAlive()) {
            return;
        }
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertTrue(kill.waitFor(30, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name + " failed");
    }

    /** The lock generation in the metadata of the job's log blob, 0 without one (or without the blob). */
    private static long logGeneration(BlobContainerClient logs, String id) {
        try {
            return Long.parseLong(logs.getBlobClient(id + ".log").getProperties().getMetadata()
                    .getOrDefault("azlhsm_lock_generation", "0"));
        } catch (RuntimeException absent) {
            return 0;
        }
    }

    private static long directoriesWithoutCreator(Path parent) throws Exception {
        try (Stream<Path> directories = Files.list(parent)) {
            return directories.filter(d -> {
                try {
                    return ExtendedAttributes.get(d, DirectoryMaker.CREATOR_XATTR).isEmpty();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).count();
        }
    }

    /** The running job's record holds a checkpoint with at least the first page's blobs counted. */
    private static boolean checkpointed(JobStore store) {
        try {
            Optional<String> id = store.lockHolder().map(h -> h.jobId());
            if (id.isEmpty()) {
                return false;
            }
            Optional<JobRecord> record = store.read(id.get());
            return record.isPresent() && record.get().checkpoint().containsKey("prefix.0")
                    && Long.parseLong(record.get().checkpoint().getOrDefault("counted.totalBlobsWalked", "0")) >= PAGE;
        } catch (Exception e) {
            return false;
        }
    }
}
