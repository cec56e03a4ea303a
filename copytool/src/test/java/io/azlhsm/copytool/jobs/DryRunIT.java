package io.azlhsm.copytool.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.archive.StorageTier;
import io.azlhsm.copytool.jobs.export.ExportJob;
import io.azlhsm.copytool.jobs.export.ExportOptions;
import io.azlhsm.copytool.jobs.imports.ConflictMode;
import io.azlhsm.copytool.jobs.imports.ImportJob;
import io.azlhsm.copytool.jobs.imports.ImportOptions;
import io.azlhsm.copytool.jobs.prefetch.PrefetchJob;
import io.azlhsm.copytool.jobs.prefetch.PrefetchOptions;
import io.azlhsm.copytool.jobs.release.ReleaseJob;
import io.azlhsm.copytool.jobs.release.ReleaseOptions;
import io.azlhsm.copytool.jobs.tier.TierJob;
import io.azlhsm.copytool.jobs.tier.TierOptions;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code --dry-run} of release, prefetch, export, tier and import (every conflict mode, and directories it would
 * create): the namespace (paths, sizes, mtimes, HSM flags, every xattr),
 * the job store and the container (names, ETags, tiers, metadata) are the same after a dry run as before it; the dry
 * run's counters are those of the real run that follows it; and its WOULD lines name what the real run then changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DryRunIT {
    private static final Duration SHORT = Duration.ofSeconds(30);
    /** Import counters that depend on timing, not on what was done: the rates, and (after a stop) blobs listed. */
    private static final String WALKED = "totalBlobsWalked";
    private static final String WALKED_RATE = "blobsWalkedPerSecond";
    private static final String IMPORTED_RATE = "blobsImportedPerSecond";

    private FlowTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("dryrun", "");
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void releaseDryRunChangesNothingTakesNoLockAndCountsAsTheRealRun() throws Exception {
        AgentTestBed agent = bed.agent;
        Path good = agent.write("dryrel/good", 50_000);
        Path small = agent.write("dryrel/small", 100);
        Path blobGone = agent.write("dryrel/blob-gone", 60_000);
        Path unrecorded = agent.write("dryrel/unrecorded", 70_000);
        agent.write("dryrel/never-archived", 80_000);
        archived(good, small, blobGone, unrecorded);
        bed.container.getBlobClient("dryrel/blob-gone").delete();
        new ArchiveRecordStore().clear(unrecorded);
        ReleaseJob job = new ReleaseJob(new ReleaseOptions("dryrel", Duration.ZERO, 1_000));
        Path tree = bed.cluster.mount().resolve("dryrel");

        // Another job holds the lock: a dry run neither waits for it nor touches it.
        JobStore store = bed.runner().store();
        store.open();
        JobLock lock = new JobLock(store, Duration.ofMinutes(2), Clock.systemUTC());
        LockHolder other = lock.acquire("export-held-by-another-node").holder();
        JobRun dry;
        TreeSnapshot before;
        try {
            LockHolder held = store.lockHolder().orElseThrow();
            before = TreeSnapshot.take(bed.cluster, tree, bed.container);
            dry = bed.dryRun(job);
            assertEquals(before, TreeSnapshot.take(bed.cluster, tree, bed.container), "the dry run changed something");
            assertEquals(held, store.lockHolder().orElseThrow(), "the dry run touched the lock");
        } finally {
            lock.release(other);
        }
        assertEquals(JobState.COMPLETED, dry.state(), dry::describe);
        assertEquals(1, dry.counter(ReleaseJob.RELEASED), dry::describe);
        assertEquals(List.of("release " + good), dry.outcome().dryRun().orElseThrow().first());
        assertTrue(String.join("\n", dry.log()).contains("holds the job lock"), () -> String.join("\n", dry.log()));
        assertTrue(store.list().stream().noneMatch(r -> r.id().equals(dry.outcome().jobId())),
                "a dry run writes no job record");

        JobRun real = bed.run(job);
        assertEquals(dry.outcome().counters(), real.outcome().counters(), real::describe);
        assertEquals(AgentTestBed.RELEASED, bed.cluster.flags(good));
    }

    @Test
    void prefetchDryRunChangesNothingAndCountsAsTheRealRun() throws Exception {
        Path a = bed.agent.write("drypre/a", 1000);
        Path b = bed.agent.write("drypre/sub/b", 2000);
        Path present = bed.agent.write("drypre/present", 3000);
        archived(a, b, present);
        bed.agent.release(a, b);
        bed.agent.awaitFlags(a, AgentTestBed.RELEASED, SHORT);
        bed.agent.awaitFlags(b, AgentTestBed.RELEASED, SHORT);
        PrefetchJob job = new PrefetchJob(new PrefetchOptions(List.of("drypre"), null, 10));
        Path tree = bed.cluster.mount().resolve("drypre");

        TreeSnapshot before = TreeSnapshot.take(bed.cluster, tree, bed.container);
        JobRun dry = bed.dryRun(job);
        assertEquals(before, TreeSnapshot.take(bed.cluster, tree, bed.container), "the dry run changed something");
        assertEquals(JobState.COMPLETED, dry.state(), dry::describe);
        assertEquals(2, dry.counter(PrefetchJob.RESTORED), dry::describe);
        assertEquals(List.of("request RESTORE " + a, "request RESTORE " + b).stream().sorted().toList(),
                dry.outcome().dryRun().orElseThrow().first().stream().sorted().toList());

        JobRun real = bed.run(job);
        assertEquals(JobState.COMPLETED, real.state(), real::describe);
        // nothing is ever outstanding in a dry run: that one counter says how the real run met the coordinator
        assertEquals(without(dry, PrefetchJob.PEAK), without(real, PrefetchJob.PEAK), real::describe);
        assertEquals(AgentTestBed.ARCHIVED, bed.cluster.flags(a));
    }

    @Test
    void exportDryRunChangesNothingAndCountsAsTheRealRun() throws Exception {
        Path done = bed.agent.write("dryexp/done", 1000);
        archived(done);
        Path fresh = bed.agent.write("dryexp/sub/fresh", 2000);
        Path link = bed.cluster.mount().resolve("dryexp/sub/link");
        Files.createSymbolicLink(link, Path.of("fresh"));
        bed.container.getBlobClient("unrelated").upload(BinaryData.fromString("x"), true);
        ExportJob job = new ExportJob(new ExportOptions("dryexp", 0, 10, true));
        Path tree = bed.cluster.mount().resolve("dryexp");

        TreeSnapshot before = TreeSnapshot.take(bed.cluster, tree, bed.container);
        JobRun dry = bed.dryRun(job);
        assertEquals(before, TreeSnapshot.take(bed.cluster, tree, bed.container), "the dry run changed something");
        assertEquals(JobState.COMPLETED, dry.state(), dry::describe);
        assertEquals(1, dry.counter("files exported"), dry::describe);
        List<String> would = dry.outcome().dryRun().orElseThrow().first();
        assertTrue(would.contains("request ARCHIVE " + fresh), would::toString);
        assertTrue(would.contains("put directory marker " + tree.resolve("sub") + " (blob dryexp/sub)"),
                would::toString);
        assertTrue(would.contains("put symlink blob " + link + " (blob dryexp/sub/link)"), would::toString);

        JobRun real = bed.run(job);
        assertEquals(JobState.COMPLETED, real.state(), real::describe);
        assertEquals(dry.outcome().counters(), real.outcome().counters(), real::describe);
        bed.agent.awaitFlags(fresh, AgentTestBed.ARCHIVED, SHORT);
    }

    @Test
    void tierDryRunSetsNoTierAndCountsAndPricesAsTheRealRun() throws Exception {
        Path released = bed.agent.write("drytier/released", 200_000);
        Path resident = bed.agent.write("drytier/sub/resident", 250_000);
        Path small = bed.agent.write("drytier/small", 1_000);
        Path dirty = bed.agent.write("drytier/dirty", 300_000);
        Path cool = bed.agent.write("drytier/cool", 150_000);
        Path gone = bed.agent.write("drytier/gone", 120_000);
        bed.agent.write("drytier/never-archived", 110_000);
        archived(released, resident, small, dirty, cool, gone);
        Files.write(dirty, new byte[] {9}, java.nio.file.StandardOpenOption.APPEND);
        bed.agent.release(released);
        bed.agent.awaitFlags(released, AgentTestBed.RELEASED, SHORT);
        bed.container.getBlobClient("drytier/cool").setAccessTier(com.azure.storage.blob.models.AccessTier.COOL);
        bed.container.getBlobClient("drytier/gone").delete();
        TierJob dryJob = new TierJob(new TierOptions("drytier", StorageTier.COOL, Duration.ZERO, 100_000));
        Path tree = bed.cluster.mount().resolve("drytier");

        TreeSnapshot before = TreeSnapshot.take(bed.cluster, tree, bed.container);
        JobRun dry = bed.dryRun(dryJob);
        assertEquals(before, TreeSnapshot.take(bed.cluster, tree, bed.container), "the dry run changed something");
        assertEquals(JobState.COMPLETED, dry.state(), dry::describe);
        assertEquals(2, dry.counter(TierJob.MOVED), dry::describe);
        assertEquals(450_000, dry.counter(TierJob.BYTES_MOVED), dry::describe);
        assertEquals(1, dry.counter(TierJob.ALREADY_THERE), dry::describe);
        assertEquals(1, dry.counter(TierJob.NO_VERIFIED_COPY), dry::describe);
        assertEquals(List.of("set blob tier Cool " + released + " (blob drytier/released)",
                        "set blob tier Cool " + resident + " (blob drytier/sub/resident)"),
                dry.outcome().dryRun().orElseThrow().first().stream().sorted().toList());
        assertTrue(dry.log().stream().anyMatch(l -> l.contains(dryJob.cost().describe())), dry::describe);
        assertTrue(bed.runner().store().list().stream().noneMatch(r -> r.id().equals(dry.outcome().jobId())),
                "a dry run writes no job record");

        TierJob realJob = new TierJob(dryJob.options());
        JobRun real = bed.run(realJob);
        assertEquals(JobState.COMPLETED, real.state(), real::describe);
        assertEquals(dry.outcome().counters(), real.outcome().counters(), real::describe);
        assertEquals(dryJob.cost(), realJob.cost(), "the dry run's price estimate is the real run's");
        assertEquals(com.azure.storage.blob.models.AccessTier.COOL,
                bed.container.getBlobClient("drytier/sub/resident").getProperties().getAccessTier());
    }

    /**
     * Each conflict mode: a never-archived file and an archived clean one where blobs land (conflicts), a blob into an
     * existing directory, and blobs below directories that do not exist yet (the dry run's phantom directories: what
     * lies below them would be created, never an error or a conflict). The dry run changes nothing and leaves no
     * import marker; its counters are the real run's.
     */
    @Test
    void importDryRunInEveryConflictModeChangesNothingAndCountsAsTheRealRun() throws Exception {
        for (ConflictMode mode : ConflictMode.values()) {
            String top = "dryimp-" + mode.optionName();
            Path dirty = bed.agent.write(top + "/old/dirty", 3000);
            Path clean = bed.agent.write(top + "/old/clean", 4000);
            archived(clean); // its blob, top/old/clean, is listed with the ETag its record names: a clean conflict
            for (String name : List.of("old/dirty", "old/fresh", "new/a", "new/deep/b")) {
                bed.container.getBlobClient(top + "/" + name).upload(BinaryData.fromString(name), true);
            }
            // a directory blob for an existing directory and for one below a phantom, and a symlink below a phantom
            upload(top + "/old", "", Map.of("hdi_isfolder", "true", "permissions", "0750"));
            upload(top + "/new/dir", "", Map.of("hdi_isfolder", "true", "modtime", "2019-01-01 00:00:00 +0000"));
            upload(top + "/new/link", "a", Map.of("ftype", "LNK"));
            Path tree = bed.cluster.mount().resolve(top);
            ImportOptions options = new ImportOptions(1, List.of(top + "/"), mode, -1, "", 1);

            JobRun dry = dryRunChangingNothing(new ImportJob(options), tree);
            JobRun real = bed.run(new ImportJob(options)); // a job object runs once (it keeps why it stopped)
            assertEquals(real.state(), dry.state(), mode + ": " + dry.describe() + "\n" + real.describe());
            if (mode == ConflictMode.FAIL) {
                assertEquals(JobState.FAILED, real.state(), real::describe);
                // the blobs the listing handed out before the stop was seen may differ; not what was done
                assertEquals(without(dry, WALKED, WALKED_RATE, IMPORTED_RATE),
                        without(real, WALKED, WALKED_RATE, IMPORTED_RATE), mode + ": " + real.describe());
            } else {
                assertEquals(without(dry, WALKED_RATE, IMPORTED_RATE), without(real, WALKED_RATE, IMPORTED_RATE),
                        mode + ": " + real.describe());
            }
            assertEquals(3, real.counter("importedDirectories"), real::describe); // new, new/deep, new/dir
            assertEquals(1, real.counter("importedSymlinks"), real::describe);
            assertEquals(1, real.counter("preexistingDirectories"), real::describe); // old
            List<String> would = dry.outcome().dryRun().orElseThrow().first();
            assertTrue(would.contains("create directory " + tree.resolve("new") + " (blob " + top + "/new/a)"),
                    mode + ": " + would);
            assertTrue(would.contains("import stub " + tree.resolve("new/deep/b") + " (blob " + top + "/new/deep/b)"),
                    mode + ": " + would);
            assertTrue(would.contains("create symlink " + tree.resolve("new/link") + " (blob " + top + "/new/link)"),
                    mode + ": " + would);
            assertTrue(would.contains("set time of directory " + tree.resolve("new/dir")), mode + ": " + would);
            assertTrue(Files.exists(tree.resolve("new/deep/b")), "the real run imported it: " + real.describe());
            if (mode == ConflictMode.OVERWRITE_DIRTY || mode == ConflictMode.OVERWRITE_ALWAYS) {
                assertTrue(would.contains("delete file " + dirty + " (blob " + top + "/old/dirty)"), would::toString);
            }
        }
    }

    /** An import into a --target that does not exist yet: the target and all below it are the dry run's phantoms. */
    @Test
    void importDryRunIntoAMissingTargetChangesNothingAndCountsAsTheRealRun() throws Exception {
        bed.container.createIfNotExists(); // made by the first archive otherwise
        for (String name : List.of("t/one", "t/sub/two", "t/sub/deeper/three")) {
            bed.container.getBlobClient("dryimpt/" + name).upload(BinaryData.fromString(name), true);
        }
        Path tree = Files.createDirectories(bed.cluster.mount().resolve("dryimp-target")); // its nested/ is not there
        ImportOptions options = new ImportOptions(1, List.of("dryimpt/t/"), ConflictMode.SKIP, 0,
                "dryimp-target/nested", 1);

        JobRun dry = dryRunChangingNothing(new ImportJob(options), tree);
        assertEquals(JobState.COMPLETED, dry.state(), dry::describe);
        assertEquals(3, dry.counter("importedFiles"), dry::describe);
        assertTrue(dry.outcome().dryRun().orElseThrow().first().contains("create directory "
                + tree.resolve("nested")), dry::describe);

        JobRun real = bed.run(new ImportJob(options));
        assertEquals(JobState.COMPLETED, real.state(), real::describe);
        assertEquals(without(dry, WALKED_RATE, IMPORTED_RATE), without(real, WALKED_RATE, IMPORTED_RATE),
                real::describe);
        assertTrue(Files.exists(tree.resolve("nested/dryimpt/t/sub/deeper/three")), real::describe);
    }

    /** A dry run of the job, checked to have changed nothing under the tree, in the container and the mount root. */
    private JobRun dryRunChangingNothing(Job job, Path tree) throws Exception {
        TreeSnapshot before = TreeSnapshot.take(bed.cluster, tree, bed.container);
        List<String> markers = importMarkers();
        JobRun dry = bed.dryRun(job);
        assertEquals(before, TreeSnapshot.take(bed.cluster, tree, bed.container), "the dry run changed something: "
                + dry.describe());
        assertEquals(markers, importMarkers(), "the dry run left an import marker");
        assertTrue(bed.runner().store().list().stream().noneMatch(r -> r.id().equals(dry.outcome().jobId())),
                "a dry run writes no job record");
        return dry;
    }

    private void upload(String name, String body, Map<String, String> metadata) {
        bed.container.getBlobClient(name).uploadWithResponse(new com.azure.storage.blob.options
                .BlobParallelUploadOptions(BinaryData.fromString(body)).setMetadata(metadata), null, null);
    }

    private List<String> importMarkers() throws Exception {
        try (java.util.stream.Stream<Path> root = Files.list(bed.cluster.mount())) {
            return root.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("IMPORT_")).sorted().toList();
        }
    }

    private void archived(Path... files) {
        bed.agent.archive(files);
        for (Path file : files) {
            bed.agent.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
            bed.agent.awaitIdle(file, SHORT);
        }
    }

    private static Map<String, Long> without(JobRun run, String... counters) {
        Map<String, Long> kept = new TreeMap<>(run.outcome().counters());
        for (String counter : counters) {
            kept.remove(counter);
        }
        return kept;
    }
}
