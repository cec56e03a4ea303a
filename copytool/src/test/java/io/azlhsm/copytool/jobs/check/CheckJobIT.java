package io.azlhsm.copytool.jobs.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.ListBlobsOptions;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.copytool.jobs.TreeSnapshot;
import io.azlhsm.copytool.jobs.export.ExportJob;
import io.azlhsm.copytool.jobs.export.ExportOptions;
import io.azlhsm.copytool.jobs.imports.ConflictMode;
import io.azlhsm.copytool.jobs.imports.ImportJob;
import io.azlhsm.copytool.jobs.imports.ImportOptions;
import io.azlhsm.copytool.metrics.AgentMetrics;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code copytool check} against the simulated cluster, a running agent and Azurite: each broken state is built
 * behind the archive's back (as a crash, a bug or a hand in the container would leave it) and must get its exact
 * class; --repair must leave nothing repairable for a second check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CheckJobIT {
    private static final Duration SHORT = Duration.ofSeconds(30);

    private FlowTestBed bed;
    private Path reports;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("check", "");
        reports = Files.createTempDirectory("check-reports");
    }

    @AfterAll
    void stop() throws IOException {
        if (bed != null) {
            bed.close();
        }
        if (reports != null) {
            try (var files = Files.list(reports)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Files.delete(file);
                }
            }
            Files.delete(reports);
        }
    }

    private Path archived(String name, int size) throws Exception {
        Path file = bed.agent.write(name, size);
        bed.agent.archive(file);
        bed.agent.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
        return file;
    }

    private void release(Path file) {
        bed.agent.release(file);
        bed.agent.awaitFlags(file, AgentTestBed.RELEASED, SHORT);
    }

    @Test
    void everyBrokenStateGetsItsExactClass() throws Exception {
        bed.container.createIfNotExists();
        archived("chk/ok", 10_000);
        release(archived("chk/ok-released", 20_000));
        bed.agent.write("chk/never", 3_000);
        Path dirty = archived("chk/dirty", 4_000);
        Files.write(dirty, new byte[] {1}, StandardOpenOption.APPEND);
        archived("chk/missing-clean", 5_000);
        release(archived("chk/missing-released", 6_000));
        archived("chk/replaced", 7_000);
        Path orphan = archived("chk/orphan", 8_000);
        Path renamed = archived("chk/renamed-from", 9_000);
        // behind the archive's back: blobs deleted, one replaced, a file deleted (its blob stays), one renamed
        bed.container.getBlobClient("chk/missing-clean").delete();
        bed.container.getBlobClient("chk/missing-released").delete();
        bed.container.getBlobClient("chk/replaced").upload(BinaryData.fromString("someone else's"), true);
        Files.delete(orphan);
        Files.move(renamed, renamed.resolveSibling("renamed-to"));
        // a foreign blob nobody imported, and an imported stub whose container blob changed since
        bed.container.getBlobClient("chk/foreign").upload(BinaryData.fromString("uploaded by hand"), true);
        bed.container.getBlobClient("chk/stub").upload(BinaryData.fromString("version one"), true);
        JobRun imported = bed.run(new ImportJob(new ImportOptions(1, List.of("chk/stub"), ConflictMode.SKIP, 0, "",
                1)));
        assertEquals(JobState.COMPLETED, imported.state(), imported::describe);
        assertEquals(AgentTestBed.RELEASED, bed.cluster.flags(bed.cluster.mount().resolve("chk/stub")));
        bed.container.getBlobClient("chk/stub").upload(BinaryData.fromString("version two!"), true);

        Path report = reports.resolve("broken.json");
        JobRun run = bed.run(new CheckJob(CheckOptions.of("chk", report)));

        assertEquals(JobState.COMPLETED_PARTIAL, run.state(), run::describe);
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("ok", 7L); // files ok, ok-released, renamed-to; blobs ok, ok-released, renamed-from, dirty
        expected.put("not-archived", 2L);
        expected.put("blob-missing", 1L);
        expected.put("lost", 1L);
        expected.put("blob-replaced", 1L);
        expected.put("size-mismatch", 0L);
        expected.put("checksum-mismatch", 0L);
        expected.put("stale-stub", 1L);
        expected.put("orphan-blob", 1L);
        expected.put("foreign-blob", 3L); // replaced, stub, foreign
        CheckReportFile parsed = CheckReportFile.read(report);
        Map<String, Long> counted = new LinkedHashMap<>();
        Map<String, Long> reported = new LinkedHashMap<>();
        for (String c : expected.keySet()) {
            counted.put(c, run.counter(c));
            reported.put(c, parsed.count(c));
        }
        assertEquals(expected, counted, run::describe);
        assertEquals(expected, reported);
        assertEquals(9, run.counter(CheckJob.FILES));
        assertEquals(8, run.counter(CheckJob.BLOBS));
        assertEquals(0, run.counter(CheckJob.ERRORS), run::describe);

        Map<String, String> classes = new LinkedHashMap<>();
        classes.put("file chk/missing-clean", "blob-missing");
        classes.put("file chk/missing-released", "lost");
        classes.put("file chk/replaced", "blob-replaced");
        classes.put("blob chk/replaced", "foreign-blob");
        classes.put("file chk/stub", "stale-stub");
        classes.put("blob chk/stub", "foreign-blob");
        classes.put("blob chk/orphan", "orphan-blob");
        classes.put("blob chk/foreign", "foreign-blob");
        assertEquals(classes, sorted(parsed.classes(), classes));
        assertEquals("lost", parsed.items().get(0).get("class"), "lost files come first");
        assertEquals(bed.cluster.fid(bed.cluster.mount().resolve("chk/missing-released")),
                parsed.item("file", "chk/missing-released").get("fid"));
        assertEquals("chk/missing-released", parsed.item("file", "chk/missing-released").get("blob"));

        List<String> csv = Files.readAllLines(reports.resolve("broken.csv"));
        assertEquals("path,fid,blob,class,detail", csv.get(0));
        assertEquals(classes.size() + 1, csv.size(), csv::toString);
        assertTrue(csv.get(1).startsWith("chk/missing-released,"), csv::toString);
        String log = String.join("\n", run.log());
        assertTrue(log.contains("WARNING path=\"chk/missing-clean\" blob=\"chk/missing-clean\" cause=blob-missing:"),
                log);

        // the agent's metrics show the last check, read from the file system's job records
        AgentMetrics metrics = new AgentMetrics();
        LastCheckGauges.register(metrics, bed.cluster.mount());
        Map<String, Long> gauges = metrics.snapshot().gauges();
        assertEquals(1L, gauges.get("last_check_lost"), gauges::toString);
        assertEquals(3L, gauges.get("last_check_foreign_blob"), gauges::toString);
        assertEquals(7L, gauges.get("last_check_ok"), gauges::toString);
        assertTrue(gauges.get("last_check_end_seconds") > 0, gauges::toString);
    }

    /** Puts the entries of {@code actual} in the order of {@code expected}, so a difference reads well. */
    private static Map<String, String> sorted(Map<String, String> actual, Map<String, String> expected) {
        Map<String, String> out = new LinkedHashMap<>();
        expected.keySet().forEach(k -> {
            if (actual.containsKey(k)) {
                out.put(k, actual.get(k));
            }
        });
        actual.forEach(out::putIfAbsent);
        return out;
    }

    @Test
    void repairArchivesAgainMarksLostAndASecondCheckFindsNothingToRepair() throws Exception {
        bed.container.createIfNotExists();
        Path missing = archived("rep/missing-clean", 300_000);
        Path lost = archived("rep/missing-released", 6_000);
        release(lost);
        Path replaced = archived("rep/replaced", 70_000);
        Path ok = archived("rep/ok", 1_000);
        List<Path> kept = List.of(missing, replaced, ok);
        List<byte[]> contents = new ArrayList<>();
        for (Path p : kept) {
            contents.add(Files.readAllBytes(p));
        }
        bed.container.getBlobClient("rep/missing-clean").delete();
        bed.container.getBlobClient("rep/missing-released").delete();
        bed.container.getBlobClient("rep/replaced").upload(BinaryData.fromString("someone else's"), true);
        bed.container.getBlobClient("rep/stub").upload(BinaryData.fromString("version one"), true);
        JobRun imported = bed.run(new ImportJob(new ImportOptions(1, List.of("rep/stub"), ConflictMode.SKIP, 0, "",
                1)));
        assertEquals(JobState.COMPLETED, imported.state(), imported::describe);
        bed.container.getBlobClient("rep/stub").upload(BinaryData.fromString("version two!"), true);
        Path stub = bed.cluster.mount().resolve("rep/stub");

        // issue 17: check --repair --dry-run changes nothing, counts as the repair that follows, lists each repair
        TreeSnapshot before = TreeSnapshot.take(bed.cluster, bed.cluster.mount().resolve("rep"), bed.container);
        JobRun dry = bed.dryRun(new CheckJob(CheckOptions.of("rep", reports.resolve("dry.json")).withRepair(true)));
        assertEquals(before, TreeSnapshot.take(bed.cluster, bed.cluster.mount().resolve("rep"), bed.container),
                "the dry run changed something");
        List<String> would = dry.outcome().dryRun().orElseThrow().first();
        assertTrue(would.contains("request ARCHIVE " + missing) && would.contains("set hsm dirty " + replaced
                + " (blob rep/replaced)") && would.contains("set hsm lost " + lost + " (blob rep/missing-released)")
                && would.contains("import again from the current blob " + stub + " (blob rep/stub)"), would::toString);

        JobRun repair = bed.run(new CheckJob(CheckOptions.of("rep", reports.resolve("repair.json"))
                .withRepair(true)));
        assertEquals(dry.outcome().counters(), repair.outcome().counters(), repair::describe);
        assertEquals(JobState.COMPLETED_PARTIAL, repair.state(), repair::describe); // the lost file stays lost
        assertEquals(2, repair.counter(CheckJob.ARCHIVED_AGAIN), repair::describe);
        assertEquals(1, repair.counter(CheckJob.MARKED_LOST), repair::describe);
        assertEquals(1, repair.counter(CheckJob.REIMPORTED), repair::describe);
        assertEquals(0, repair.counter(CheckJob.REPAIRS_FAILED), repair::describe);
        assertEquals(1, repair.counter("stale-stub"));
        assertEquals(1, repair.counter("blob-missing"));
        assertEquals(1, repair.counter("blob-replaced"));
        assertEquals(1, repair.counter("lost"));
        CheckReportFile repaired = CheckReportFile.read(reports.resolve("repair.json"));
        assertTrue(((String) repaired.item("file", "rep/missing-clean").get("detail")).endsWith(
                "repair: archived again"), repaired::toString);
        assertTrue(((String) repaired.item("file", "rep/missing-released").get("detail")).endsWith(
                "repair: marked HS_LOST, reads now fail at once"), repaired::toString);
        assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(missing));
        assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(replaced));
        assertEquals(AgentTestBed.RELEASED | 0x40, bed.cluster.flags(lost));

        JobRun second = bed.run(new CheckJob(CheckOptions.of("rep", reports.resolve("second.json"))));
        assertEquals(JobState.COMPLETED_PARTIAL, second.state(), second::describe);
        for (String repairable : List.of("blob-missing", "blob-replaced", "size-mismatch", "stale-stub",
                "orphan-blob", "foreign-blob")) {
            assertEquals(0, second.counter(repairable), () -> repairable + ": " + second.describe());
        }
        assertEquals(1, second.counter("lost"));
        assertEquals(8, second.counter("ok"), second::describe); // four files and their blobs
        CheckReportFile again = CheckReportFile.read(reports.resolve("second.json"));
        assertTrue(((String) again.item("file", "rep/missing-released").get("detail")).startsWith("marked HS_LOST"),
                again::toString);

        // the new copies restore byte for byte; the lost file fails at once instead of waiting for a restore
        release(missing);
        release(replaced);
        for (int i = 0; i < kept.size(); i++) {
            assertArrayEquals(contents.get(i), Files.readAllBytes(kept.get(i)), kept.get(i)::toString);
        }
        assertThrows(IOException.class, () -> Files.readAllBytes(lost));
        assertEquals("version two!", Files.readString(stub), "the stub now restores the container's blob");
    }

    @Test
    void deepReadsEveryRecordedBlobBackAndFindsBytesThatDifferFromTheRecord() throws Exception {
        bed.container.createIfNotExists();
        archived("deep/good", 300_000);
        archived("deep/bad", 200_000);
        JobRun run;
        // the blob's bytes change under the same ETag and size: what a storage-side corruption looks like
        try (HoldingProxy.Corruption corruption = bed.proxy.corrupt("reads of deep/bad",
                r -> r.isDataRead() && r.isFor("check", "deep/bad"), 1234)) {
            run = bed.run(new CheckJob(CheckOptions.of("deep", reports.resolve("deep.json")).withDeep(true)));
            assertTrue(corruption.corrupted() > 0, corruption::toString);
        }
        assertEquals(JobState.COMPLETED_PARTIAL, run.state(), run::describe);
        assertEquals(1, run.counter("checksum-mismatch"), run::describe);
        assertEquals(3, run.counter("ok"), run::describe); // the good file and both blobs (recorded, as recorded)
        assertEquals(500_000, run.counter(CheckJob.BYTES_READ_BACK));
        CheckReportFile report = CheckReportFile.read(reports.resolve("deep.json"));
        assertEquals("checksum-mismatch", report.item("file", "deep/bad").get("class"));
        assertTrue(((String) report.item("file", "deep/bad").get("detail")).startsWith("read back, its MD5 is "),
                report::toString);

        JobRun shallow = bed.run(new CheckJob(CheckOptions.of("deep", reports.resolve("shallow.json"))));
        assertEquals(JobState.COMPLETED, shallow.state(), shallow::describe);
        assertEquals(4, shallow.counter("ok"));
    }

    @Test
    void collectOrphansDeletesExactlyTheOrphansOlderThanTheAge() throws Exception {
        bed.container.createIfNotExists();
        archived("orph/keep", 1_000);
        Files.delete(archived("orph/a", 2_000));
        Files.delete(archived("orph/b", 3_000));
        bed.container.getBlobClient("orph/foreign").upload(BinaryData.fromString("another tool's"), true);
        TreeSnapshot before = TreeSnapshot.take(bed.cluster, bed.cluster.mount().resolve("orph"), bed.container);
        JobRun dry = bed.dryRun(new CheckJob(CheckOptions.of("orph", reports.resolve("dry-collect.json"))
                .withCollectOrphans(Duration.ZERO)));
        assertEquals(before, TreeSnapshot.take(bed.cluster, bed.cluster.mount().resolve("orph"), bed.container),
                "the dry run changed something");
        assertEquals(2, dry.counter(CheckJob.ORPHANS_COLLECTED), dry::describe);
        assertEquals(List.of("delete orphan blob (blob orph/a)", "delete orphan blob (blob orph/b)"),
                dry.outcome().dryRun().orElseThrow().first().stream().sorted().toList());

        JobRun young = bed.run(new CheckJob(CheckOptions.of("orph", reports.resolve("young.json"))
                .withCollectOrphans(Duration.ofDays(7))));
        assertEquals(2, young.counter("orphan-blob"), young::describe);
        assertEquals(0, young.counter(CheckJob.ORPHANS_COLLECTED), young::describe);
        assertTrue(bed.container.getBlobClient("orph/a").exists());

        JobRun collect = bed.run(new CheckJob(CheckOptions.of("orph", reports.resolve("collect.json"))
                .withCollectOrphans(Duration.ZERO)));
        assertEquals(JobState.COMPLETED, collect.state(), collect::describe);
        assertEquals(2, collect.counter(CheckJob.ORPHANS_COLLECTED), collect::describe);
        assertEquals(dry.outcome().counters(), collect.outcome().counters(), collect::describe);
        assertEquals(5_000, collect.counter(CheckJob.ORPHAN_BYTES_COLLECTED));
        assertFalse(bed.container.getBlobClient("orph/a").exists());
        assertFalse(bed.container.getBlobClient("orph/b").exists());
        assertTrue(bed.container.getBlobClient("orph/foreign").exists(), "never a foreign blob");
        assertTrue(bed.container.getBlobClient("orph/keep").exists(), "never a blob a live file records");

        JobRun after = bed.run(new CheckJob(CheckOptions.of("orph", reports.resolve("after.json"))));
        assertEquals(0, after.counter("orphan-blob"), after::describe);
        assertEquals(1, after.counter("foreign-blob"), after::describe);
        assertEquals(2, after.counter("ok"), after::describe);
    }

    @Test
    void repairArchivesMismatchedResidentFilesAgainAndMarksMismatchedReleasedOnesLost() throws Exception {
        bed.container.createIfNotExists();
        Path sizeResident = archived("mm/size-resident", 10_000);
        Path sizeReleased = archived("mm/size-released", 6_000);
        release(sizeReleased);
        Path sum = archived("mm/sum", 200_000);
        byte[] residentBytes = Files.readAllBytes(sizeResident);
        byte[] sumBytes = Files.readAllBytes(sum);
        // a record naming a blob of another size at its very ETag: what a bug (or a hand) writing records leaves
        for (Path file : List.of(sizeResident, sizeReleased)) {
            String name = bed.cluster.mount().relativize(file).toString();
            bed.container.getBlobClient(name).upload(BinaryData.fromString("short"), true);
            String raw = bed.container.getBlobClient(name).getProperties().getETag();
            String etag = raw.startsWith("\"") ? raw : "\"" + raw + "\""; // as the archive records it, quoted
            ArchiveRecordStore records = new ArchiveRecordStore();
            ArchiveRecord was = records.read(file).orElseThrow();
            records.write(file, new ArchiveRecord(was.archiveId(), was.blob(), etag, was.md5(), was.dataVersion(),
                    was.crc32c(), was.layout()));
            assertEquals(etag, records.read(file).orElseThrow().etag(), "the record now names the short blob");
        }

        JobRun repair;
        try (HoldingProxy.Corruption corruption = bed.proxy.corrupt("reads of mm/sum",
                r -> r.isDataRead() && r.isFor("check", "mm/sum"), 777)) {
            repair = bed.run(new CheckJob(CheckOptions.of("mm", reports.resolve("mm-repair.json")).withDeep(true)
                    .withRepair(true)));
            assertTrue(corruption.corrupted() > 0, corruption::toString);
        }
        assertEquals(2, repair.counter("size-mismatch"), () -> repair.describe() + "\n" + read(reports.resolve(
                "mm-repair.json")));
        assertEquals(1, repair.counter("checksum-mismatch"), repair::describe);
        assertEquals(2, repair.counter(CheckJob.ARCHIVED_AGAIN), repair::describe);
        assertEquals(1, repair.counter(CheckJob.MARKED_LOST), repair::describe);
        assertEquals(0, repair.counter(CheckJob.REPAIRS_FAILED), repair::describe);
        CheckReportFile repaired = CheckReportFile.read(reports.resolve("mm-repair.json"));
        assertTrue(((String) repaired.item("file", "mm/sum").get("detail")).endsWith("repair: archived again"),
                repaired::toString);
        assertTrue(((String) repaired.item("file", "mm/size-released").get("detail")).endsWith(
                "repair: marked HS_LOST, reads now fail at once"), repaired::toString);

        JobRun second = bed.run(new CheckJob(CheckOptions.of("mm", reports.resolve("mm-second.json"))
                .withDeep(true)));
        for (String repairable : List.of("blob-missing", "blob-replaced", "size-mismatch", "checksum-mismatch",
                "stale-stub", "orphan-blob")) {
            assertEquals(0, second.counter(repairable), () -> repairable + ": " + second.describe());
        }
        assertEquals(1, second.counter("lost"), second::describe);
        release(sizeResident);
        release(sum);
        assertArrayEquals(residentBytes, Files.readAllBytes(sizeResident));
        assertArrayEquals(sumBytes, Files.readAllBytes(sum));
        assertThrows(IOException.class, () -> Files.readAllBytes(sizeReleased));
    }

    @Test
    void collectOrphansAlsoDeletesThePreservedCopiesNoLiveFileRecordsAndKeepsTheRecordedOnes() throws Exception {
        bed.container.createIfNotExists();
        // x and y are archived, renamed, and a new file archived at each old name: the new archive finds the blob
        // of a live file there and preserves it (a snapshot) before it takes the name (docs/identity.md, rule 2)
        Path x = archived("pres/x", 3_000);
        Path y = archived("pres/y", 5_000);
        byte[] xBytes = Files.readAllBytes(x);
        Path xMoved = Files.move(x, x.resolveSibling("x-moved"));
        Path yMoved = Files.move(y, y.resolveSibling("y-moved"));
        archived("pres/x", 1_000);
        archived("pres/y", 1_000);
        assertEquals(2, snapshots("pres/"), "a snapshot of each taken-over copy");
        // y's old copy is needed no more once y is gone; x still restores from its own
        Files.delete(yMoved);
        release(xMoved);

        JobRun young = bed.run(new CheckJob(CheckOptions.of("pres", reports.resolve("pres-young.json"))
                .withCollectOrphans(Duration.ofDays(7))));
        assertEquals(0, young.counter(CheckJob.PRESERVED_COLLECTED), young::describe);
        assertEquals(2, snapshots("pres/"));

        JobRun collect = bed.run(new CheckJob(CheckOptions.of("pres", reports.resolve("pres-collect.json"))
                .withCollectOrphans(Duration.ZERO)));
        assertEquals(JobState.COMPLETED, collect.state(), collect::describe);
        assertEquals(1, collect.counter(CheckJob.PRESERVED_COLLECTED), collect::describe);
        assertEquals(5_000, collect.counter(CheckJob.PRESERVED_BYTES_COLLECTED), collect::describe);
        assertEquals(0, collect.counter(CheckJob.ORPHANS_COLLECTED), collect::describe);
        assertEquals(1, snapshots("pres/"), () -> "x's snapshot stays: " + snapshotNames("pres/"));
        assertEquals(0, snapshots("pres/y"), () -> "y's snapshot is gone: " + snapshotNames("pres/"));
        CheckReportFile report = CheckReportFile.read(reports.resolve("pres-collect.json"));
        assertEquals(1L, ((Number) ((Map<?, ?>) report.document().get("collected")).get("preserved copies"))
                .longValue(), report::toString);
        assertTrue(String.join("\n", collect.log()).contains("collected pres/y (preserved version "),
                () -> String.join("\n", collect.log()));
        assertArrayEquals(xBytes, Files.readAllBytes(xMoved), "x restores from its preserved copy");
    }

    private long snapshots(String prefix) {
        return snapshotNames(prefix).size();
    }

    private List<String> snapshotNames(String prefix) {
        List<String> names = new ArrayList<>();
        for (BlobItem item : bed.container.listBlobs(new ListBlobsOptions().setPrefix(prefix)
                .setDetails(new BlobListDetails().setRetrieveSnapshots(true)), null)) {
            if (item.getSnapshot() != null) {
                names.add(item.getName() + "@" + item.getSnapshot());
            }
        }
        return names;
    }

    @Test
    void aPathNamingOneFileChecksThatFileAndItsBlobOnly() throws Exception {
        bed.container.createIfNotExists();
        archived("one/file", 1_000);
        Files.delete(archived("one/file2", 1_000)); // an orphan whose name starts with the checked file's
        archived("one/file.d/inner", 1_000);

        JobRun run = bed.run(new CheckJob(CheckOptions.of("one/file", reports.resolve("one.json"))));
        assertEquals(JobState.COMPLETED, run.state(), run::describe);
        assertEquals(1, run.counter(CheckJob.FILES), run::describe);
        assertEquals(1, run.counter(CheckJob.BLOBS), run::describe);
        assertEquals(2, run.counter("ok"), run::describe);
        assertEquals(0, run.counter("orphan-blob"), run::describe);
    }

    @Test
    void symlinkBlobsAndDirectoryMarkersTheExportWritesGetTheirOneClass() throws Exception {
        bed.container.createIfNotExists();
        Path dir = bed.cluster.mount().resolve("exp/kept");
        Files.createDirectories(dir);
        bed.agent.write("exp/kept/file", 2_000);
        Files.createDirectories(bed.cluster.mount().resolve("exp/gone"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("file"));
        Files.createSymbolicLink(dir.resolve("link-gone"), Path.of("file"));
        JobRun exported = bed.run(new ExportJob(new ExportOptions("exp", 0, 10, true)));
        assertEquals(JobState.COMPLETED, exported.state(), exported::describe);
        bed.agent.awaitFlags(dir.resolve("file"), AgentTestBed.ARCHIVED, SHORT);
        assertTrue(bed.container.getBlobClient("exp/kept/link").exists(), "the export wrote a symlink blob");
        assertTrue(bed.container.getBlobClient("exp/gone").exists(), "the export wrote a directory marker");

        JobRun clean = bed.run(new CheckJob(CheckOptions.of("exp", reports.resolve("exp-clean.json"))));
        assertEquals(JobState.COMPLETED, clean.state(), clean::describe);
        assertEquals(0, clean.counter("orphan-blob") + clean.counter("foreign-blob"), clean::describe);
        long okBlobs = clean.counter(CheckJob.BLOBS);

        Files.delete(dir.resolve("link-gone"));
        Files.delete(bed.cluster.mount().resolve("exp/gone"));
        JobRun run = bed.run(new CheckJob(CheckOptions.of("exp", reports.resolve("exp.json"))));
        assertEquals(2, run.counter("orphan-blob"), run::describe);
        assertEquals(0, run.counter("foreign-blob"), run::describe);
        assertEquals(okBlobs, run.counter(CheckJob.BLOBS), "each blob gets one class: " + run.describe());
        CheckReportFile report = CheckReportFile.read(reports.resolve("exp.json"));
        assertEquals("orphan-blob", report.item("blob", "exp/kept/link-gone").get("class"));
        assertEquals("orphan-blob", report.item("blob", "exp/gone").get("class"));
        assertTrue(((String) report.item("blob", "exp/gone").get("detail")).contains("directory marker"),
                report::toString);
    }

    @Test
    void aCrashedCheckSimplyRunsAgainAndReportsTheSameClasses() throws Exception {
        bed.container.createIfNotExists();
        archived("crash/ok", 1_000);
        archived("crash/missing", 2_000);
        Files.delete(archived("crash/orphan", 3_000));
        bed.container.getBlobClient("crash/missing").delete();
        Path config = Files.createTempFile(reports, "crash", ".properties");
        Files.writeString(config, """
                mount = %s
                lustre.library = %s
                archive.1.type = azure
                archive.1.container = check
                archive.1.connection_string = %s
                """.formatted(bed.cluster.mount(), bed.config.lustreLibrary(), bed.proxy.connectionString()));
        Path report = reports.resolve("crash.json");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.azlhsm.copytool.cli.Main", "check",
                "--path", "crash", "--report", report.toString(), "--config", config.toString());
        JobStore store = bed.runner().store();
        Path output = Files.createTempFile(reports, "crash", ".out");
        // the check's listing waits at the proxy: the process is killed mid-check whatever the machine's speed
        try (HoldingProxy.Hold listing = bed.proxy.hold("the crashing check's listing",
                HoldingProxy.Request::isListing)) {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                    .start();
            try {
                listing.awaitHeld(1, Duration.ofSeconds(90), () -> "process alive " + process.isAlive() + ": "
                        + read(output));
            } finally {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        String crashedId = store.lockHolder().orElseThrow(() -> new AssertionError("no lock left")).jobId();
        assertFalse(Files.exists(report), "the killed check wrote no report");

        JobRun again = bed.run(new CheckJob(CheckOptions.of("crash", report)));
        assertEquals(crashedId, again.outcome().jobId(), "the crashed check runs again under its id");
        assertEquals(JobState.COMPLETED_PARTIAL, again.state(), again::describe);
        assertEquals(2, again.counter("ok"), again::describe);
        assertEquals(1, again.counter("blob-missing"), again::describe);
        assertEquals(1, again.counter("orphan-blob"), again::describe);
        assertEquals(2, again.counter(CheckJob.FILES));
        assertEquals(2, again.counter(CheckJob.BLOBS));
        try (var left = Files.list(reports)) {
            List<String> names = left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))
                    .toList();
            assertEquals(List.of(), names, "nothing of the crashed run's scratch is left beside the report");
        }
        Files.delete(config);
        Files.delete(output);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void aCancelledCheckEndsCanceledAndSimplyRunsAgain() throws Exception {
        bed.container.createIfNotExists();
        archived("cancel/a", 1_000);
        JobRunner runner = bed.runner();
        JobStore store = runner.store();
        CompletableFuture<JobRun> job;
        // the check waits on its listing, held at the proxy: it is mid-check whatever the machine's speed
        try (HoldingProxy.Hold listing = bed.proxy.hold("the check's listing", HoldingProxy.Request::isListing)) {
            job = CompletableFuture.supplyAsync(() -> {
                try {
                    return bed.run(runner, new CheckJob(CheckOptions.of("cancel", reports.resolve("cancel.json"))));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            listing.awaitHeld(1, SHORT, () -> "job " + job);
            String id = store.lockHolder().orElseThrow().jobId();
            store.requestCancel(id);
            Cluster.await("the check to see its cancel", SHORT, () -> state(store, id) == JobState.CANCELING,
                    () -> "state " + state(store, id));
        }
        JobRun cancelled = job.get(60, TimeUnit.SECONDS);
        assertEquals(JobState.CANCELED, cancelled.state(), cancelled::describe);
        assertFalse(Files.exists(reports.resolve("cancel.json")), "a cancelled check writes no report");

        JobRun again = bed.run(new CheckJob(CheckOptions.of("cancel", reports.resolve("cancel.json"))));
        assertEquals(JobState.COMPLETED, again.state(), again::describe);
        assertEquals(2, again.counter("ok"), again::describe);
        assertEquals(1, again.counter(CheckJob.FILES));
        assertEquals(1, again.counter(CheckJob.BLOBS));
    }

    private static JobState state(JobStore store, String id) {
        try {
            return store.read(id).map(JobRecord::state).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
