package io.azlhsm.copytool.jobs.export;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.models.BlobProperties;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.imports.ConflictMode;
import io.azlhsm.copytool.jobs.imports.ImportJob;
import io.azlhsm.copytool.jobs.imports.ImportOptions;
import io.azlhsm.testcluster.harness.Cluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Export jobs against the simulated cluster, a running agent and Azurite. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExportJobIT {
    private static final Duration SHORT = Duration.ofSeconds(20);

    private FlowTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("export", "");
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    private static ExportJob export(String path, int maxOutstanding) {
        return new ExportJob(new ExportOptions(path, 0, maxOutstanding, true));
    }

    @Test
    void exportsNewAndChangedContentOnlyAndAReRunExportsWhatIsLeft() throws Exception {
        AgentTestBed agent = bed.agent;
        Path newA = agent.write("tree/new/a.bin", 10_000);
        Path newB = agent.write("tree/new/sub/b.bin", 3 << 20);
        Path modified = agent.write("tree/modified.bin", 5_000);
        Path untouched = agent.write("tree/untouched.bin", 7_000);
        Path chmodded = agent.write("tree/chmodded.bin", 2_000);
        Path released = agent.write("tree/released.bin", 4_000);
        Path refused = agent.write("tree/refused.bin", 1_000);
        agent.archive(modified, untouched, chmodded, released);
        for (Path p : List.of(modified, untouched, chmodded, released)) {
            agent.awaitFlags(p, AgentTestBed.ARCHIVED, SHORT);
        }
        agent.release(released);
        Files.write(modified, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
        Files.setPosixFilePermissions(chmodded, PosixFilePermissions.fromString("rw-------"));
        // exists in archive 2: the coordinator refuses an ARCHIVE to archive 1 for it (EPERM)
        bed.cluster.lfs("hsm_set", "--exists", "--archive-id", "2", refused.toString()).out();
        String untouchedEtag = blob("tree/untouched.bin").getETag();
        String chmoddedEtag = blob("tree/chmodded.bin").getETag();

        JobRun first = bed.run(export("tree", 100));
        assertEquals(JobState.COMPLETED_PARTIAL, first.state(), first::describe);
        assertEquals(7, first.counter(ExportCounters.SCANNED));
        assertEquals(3, first.counter(ExportCounters.EXPORTED), first::describe);
        assertEquals(10_000 + (3 << 20) + 5_003, first.counter(ExportCounters.BYTES_EXPORTED));
        assertEquals(3, first.counter(ExportCounters.UP_TO_DATE));
        assertEquals(1, first.counter(ExportCounters.FAILED));
        assertEquals(1, first.errors().size());
        assertTrue(first.errors().get(0).contains("refused.bin") && first.errors().get(0).contains("EPERM"),
                first::describe);
        assertEquals(3, first.counter(ExportCounters.MARKERS)); // tree, tree/new, tree/new/sub

        for (Path p : List.of(newA, newB, modified)) {
            assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(p), p::toString);
            String name = bed.cluster.mount().relativize(p).toString();
            assertArrayEquals(AgentTestBed.md5(p), blob(name).getContentMd5(), name);
        }
        // metadata-only changes and untouched files are not copied again
        assertEquals(untouchedEtag, blob("tree/untouched.bin").getETag());
        assertEquals(chmoddedEtag, blob("tree/chmodded.bin").getETag());
        assertEquals("0644", blob("tree/chmodded.bin").getMetadata().get("permissions"));
        for (String directory : List.of("tree", "tree/new", "tree/new/sub")) {
            BlobProperties marker = blob(directory);
            assertEquals(0, marker.getBlobSize());
            assertEquals("true", marker.getMetadata().get("hdi_isfolder"), directory);
        }

        JobRun second = bed.run(export("tree", 100));
        assertEquals(JobState.FAILED, second.state(), second::describe);
        assertEquals(0, second.counter(ExportCounters.EXPORTED));
        assertEquals(1, second.counter(ExportCounters.FAILED));
        assertEquals(6, second.counter(ExportCounters.UP_TO_DATE));
        assertEquals(0, second.counter(ExportCounters.MARKERS), "markers are put once");

        bed.cluster.lfs("hsm_clear", "--exists", refused.toString()).out();
        JobRun third = bed.run(export("/tree", 100));
        assertEquals(JobState.COMPLETED, third.state(), third::describe);
        assertEquals(1, third.counter(ExportCounters.EXPORTED));
        assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(refused));
    }

    @Test
    void cancelWithdrawsTheRequestsStillAtTheCoordinator() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            files.add(bed.agent.write("cancel/f" + i, 100));
        }
        JobRunner runner = bed.runner();
        JobRun run;
        bed.cluster.setParam("hsm_control", "disabled"); // requests are recorded, none is dispatched
        try {
            CompletableFuture<JobRun> job = CompletableFuture.supplyAsync(() -> {
                try {
                    return bed.run(runner, export("cancel", 20));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Cluster.await("20 waiting archive requests", SHORT, () -> waiting() == 20);
            assertTrue(bed.cancel(runner).ok());
            run = job.get(20, TimeUnit.SECONDS);
            assertEquals(JobState.CANCELED, run.state(), run::describe);
            assertEquals(0, waiting(), bed.cluster.getParam("actions"));
        } finally {
            bed.cluster.setParam("hsm_control", "enabled");
        }
        Thread.sleep(500);
        for (Path file : files) {
            assertFalse((bed.cluster.flags(file) & 0x8) != 0, file + " was archived after the cancel");
        }
        assertEquals(0, run.counter(ExportCounters.EXPORTED));
    }

    @Test
    void aFileWhoseArchiveEndsWithoutACopyFailsAloneAndTheJobEndsPartial() throws Exception {
        Path good = bed.agent.write("partial/good", 1_000);
        Path bad = bed.agent.write("partial/bad", 1_000);
        JobRunner runner = bed.runner();
        JobRun run;
        bed.cluster.setParam("hsm_control", "disabled");
        try {
            CompletableFuture<JobRun> job = CompletableFuture.supplyAsync(() -> {
                try {
                    return bed.run(runner, export("partial", 10));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Cluster.await("2 waiting archive requests", SHORT, () -> waiting() == 2);
            // the request ends without a copy, as when the agent fails it or the file changes under it
            bed.cluster.lfs("hsm_cancel", bad.toString()).out();
            bed.cluster.setParam("hsm_control", "enabled");
            run = job.get(60, TimeUnit.SECONDS);
        } finally {
            bed.cluster.setParam("hsm_control", "enabled");
        }
        assertEquals(JobState.COMPLETED_PARTIAL, run.state(), run::describe);
        assertEquals(1, run.counter(ExportCounters.EXPORTED));
        assertEquals(1, run.counter(ExportCounters.FAILED));
        assertTrue(run.errors().get(0).contains("partial/bad") && run.errors().get(0).contains("not archived"),
                run::describe);
        assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(good));
        JobRun again = bed.run(export("partial", 10));
        assertEquals(JobState.COMPLETED, again.state(), again::describe);
        assertEquals(1, again.counter(ExportCounters.EXPORTED));
        assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(bad));
    }

    @Test
    void symlinksBecomeLnkBlobsPutOnceAndImportBackAsSymlinks() throws Exception {
        Path file = bed.agent.write("links/data.bin", 2_000);
        Path dir = file.getParent();
        Files.createSymbolicLink(dir.resolve("relative"), Path.of("data.bin"));
        Files.createSymbolicLink(dir.resolve("absolute"), Path.of("/nowhere/at/all"));
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("sub/up"), Path.of("../data.bin"));

        JobRun first = bed.run(export("links", 10));
        assertEquals(JobState.COMPLETED, first.state(), first::describe);
        assertEquals(3, first.counter(ExportCounters.SYMLINKS));
        assertEquals(0, first.counter(ExportCounters.SKIPPED));
        assertEquals(1, first.counter(ExportCounters.EXPORTED));
        BlobProperties relative = blob("links/relative");
        assertEquals("LNK", relative.getMetadata().get("ftype"));
        assertEquals("true", relative.getMetadata().get("is_symlink"), "azcopy's marker beside AMLFS's");
        assertEquals("data.bin", bed.container.getBlobClient("links/relative").downloadContent().toString());
        assertEquals("/nowhere/at/all",
                bed.container.getBlobClient("links/absolute").downloadContent().toString());

        JobRun second = bed.run(export("links", 10));
        assertEquals(0, second.counter(ExportCounters.SYMLINKS), "an unchanged symlink is not put again");
        assertEquals(relative.getETag(), blob("links/relative").getETag());

        Files.delete(dir.resolve("absolute"));
        Files.createSymbolicLink(dir.resolve("absolute"), Path.of("sub"));
        JobRun third = bed.run(export("links", 10));
        assertEquals(1, third.counter(ExportCounters.SYMLINKS), "a changed target is put again");
        assertEquals("sub", bed.container.getBlobClient("links/absolute").downloadContent().toString());
        assertEquals(relative.getETag(), blob("links/relative").getETag());

        JobRun imported = bed.run(new ImportJob(new ImportOptions(1, List.of("links/"), ConflictMode.FAIL, 0,
                "restored", 4)));
        assertEquals(JobState.COMPLETED, imported.state(), imported::describe);
        assertEquals(3, imported.counter("importedSymlinks"), imported::describe);
        Path back = bed.cluster.mount().resolve("restored/links");
        assertEquals(Path.of("data.bin"), Files.readSymbolicLink(back.resolve("relative")));
        assertEquals(Path.of("sub"), Files.readSymbolicLink(back.resolve("absolute")));
        assertEquals(Path.of("../data.bin"), Files.readSymbolicLink(back.resolve("sub/up")));
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(back.resolve("sub/up")),
                "the imported link leads to the restored data");

        // A symlink blob an older version wrote (no is_symlink) is put once more, with azcopy's marker.
        java.util.Map<String, String> older = new java.util.HashMap<>(blob("links/relative").getMetadata());
        older.remove("is_symlink");
        bed.container.getBlobClient("links/relative").setMetadata(older);
        JobRun upgraded = bed.run(export("links", 10));
        assertEquals(1, upgraded.counter(ExportCounters.SYMLINKS), upgraded::describe);
        assertEquals("true", blob("links/relative").getMetadata().get("is_symlink"));
        assertEquals(0, bed.run(export("links", 10)).counter(ExportCounters.SYMLINKS));
    }

    /**
     * Azure drops the dots ending a path segment and turns '\\' into '/': "a." and "a", "d./f" and "d/f", "x\\y" and
     * "x/y" would each share one blob. Such a file (or directory) is refused with an error naming it and never sent
     * to the agent; the rest of the tree exports.
     */
    @Test
    void namesTheBlobServiceWouldRewriteAreRefusedNamingTheFile() throws Exception {
        Path plain = bed.agent.write("dots/a", 1_000);
        List<Path> refused = List.of(bed.agent.write("dots/a.", 2_000), bed.agent.write("dots/d./f", 3_000),
                bed.agent.write("dots/.../g", 4_000), bed.agent.write("dots/x\\y", 5_000));

        JobRun run = bed.run(export("dots", 10));
        assertEquals(JobState.COMPLETED_PARTIAL, run.state(), run::describe);
        assertEquals(1, run.counter(ExportCounters.EXPORTED), run::describe);
        assertArrayEquals(AgentTestBed.md5(plain), blob("dots/a").getContentMd5(), "dots/a holds another file");
        for (Path file : refused) {
            String name = bed.cluster.mount().relativize(file).toString();
            assertTrue(run.errors().stream().anyMatch(e -> e.contains(name) && e.contains("cannot name a blob")
                    && e.contains("Azure")), name + ": " + run.describe());
            assertEquals(0, bed.cluster.flags(file), name + " was archived");
            assertFalse(bed.container.getBlobClient(name).exists(), name);
        }
        assertFalse(bed.container.getBlobClient("dots/x/y").exists(), "x\\y exported as x/y");
    }

    /** Not a test of speed (nothing is asserted about it): prints the export rate for the record. */
    @Test
    void exportsManySmallFiles() throws Exception {
        int count = 500;
        for (int i = 0; i < count; i++) {
            bed.agent.write("many/d" + (i % 10) + "/f" + i, 4096);
        }
        bed.cluster.setParam("max_requests", "64");
        try {
            long start = System.nanoTime();
            JobRun run = bed.run(export("many", 1000));
            double seconds = (System.nanoTime() - start) / 1e9;
            assertEquals(JobState.COMPLETED, run.state(), run::describe);
            assertEquals(count, run.counter(ExportCounters.EXPORTED));
            System.out.printf("export: %d files of 4 KiB in %.1f s = %.0f files/s (max_requests 64)%n", count,
                    seconds, count / seconds);
        } finally {
            bed.cluster.setParam("max_requests", "3");
        }
    }

    private long waiting() {
        return bed.cluster.getParam("actions").lines()
                .filter(l -> l.contains("status=WAITING") || l.contains("status=STARTED")).count();
    }

    private BlobProperties blob(String name) {
        return bed.container.getBlobClient(name).getProperties();
    }
}
