package io.azlhsm.copytool.jobs.autoexport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobRecord;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.copytool.lustre.LuFid;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.copytool.operations.LustreFile;
import io.azlhsm.testcluster.harness.Cluster;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code auto-export --propagate} on a flat account (Azurite) and the simulated cluster's changelog: each kind on
 * (the blob follows the rename, takes the new owner and mode, goes with the file) and off (the blob stays as it was).
 * A pass propagates before it exports, so once a file written after the changes is archived, the pass that read the
 * changes has propagated them: the tests wait on that, never on the clock.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PropagationIT {
    private static final Duration SHORT = Duration.ofSeconds(60);
    private FlowTestBed bed;
    private String user;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start("propagation", "");
        user = bed.cluster.registerChangelogUser(bed.cluster.mdt());
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    /** The files of one test, archived (one released) before the job starts. */
    private record Tree(Path renamed, Path inDirectory, Path directory, Path chmodded, Path deleted, byte[] md5) {
    }

    private Tree tree(String top) throws Exception {
        AgentTestBed agent = bed.agent;
        Path renamed = agent.write(top + "/a.bin", 3_000);
        Path inDirectory = agent.write(top + "/dir/b.bin", 4_000);
        Path chmodded = agent.write(top + "/meta.bin", 5_000);
        Path deleted = agent.write(top + "/gone.bin", 6_000);
        Files.createDirectories(inDirectory.resolveSibling("sub")); // its marker moves with its parent's
        Path topDirectory = renamed.getParent();
        Files.createDirectories(topDirectory.resolve("mdir")); // chmodded, and a symlink chowned, under the job
        Files.setPosixFilePermissions(topDirectory.resolve("mdir"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(topDirectory.resolve("link"), Path.of("a.bin"));
        byte[] md5 = AgentTestBed.md5(inDirectory);
        agent.archive(renamed, inDirectory, chmodded, deleted);
        for (Path p : List.of(renamed, inDirectory, chmodded, deleted)) {
            agent.awaitFlags(p, AgentTestBed.ARCHIVED, SHORT);
        }
        agent.release(inDirectory); // its blob is its only copy when its directory is renamed
        agent.awaitFlags(inDirectory, AgentTestBed.RELEASED, SHORT);
        return new Tree(renamed, inDirectory, inDirectory.getParent(), chmodded, deleted, md5);
    }

    private JobRun changeUnderJob(String top, Set<Propagation> propagate, Tree tree) throws Exception {
        return runJob(top, propagate, () -> {
            Files.move(tree.renamed(), tree.renamed().resolveSibling("a2.bin"));
            Files.move(tree.directory(), tree.directory().resolveSibling("dir2"));
            Files.setAttribute(tree.chmodded(), "unix:uid", 1234, LinkOption.NOFOLLOW_LINKS);
            Files.setPosixFilePermissions(tree.chmodded(), PosixFilePermissions.fromString("rw-------"));
            Files.delete(tree.deleted());
            Files.setPosixFilePermissions(tree.directory().resolveSibling("mdir"),
                    PosixFilePermissions.fromString("rwx------"));
            Files.setAttribute(tree.directory().resolveSibling("link"), "unix:uid", 1235, LinkOption.NOFOLLOW_LINKS);
        });
    }

    /** Changes made while the job runs. */
    private interface Changes {
        void make() throws Exception;
    }

    /** Runs the job on {@code top}, makes the changes once its first pass is over, returns when they were read. */
    private JobRun runJob(String top, Set<Propagation> propagate, Changes changes) throws Exception {
        JobRunner runner = bed.runner();
        AutoExportOptions options = new AutoExportOptions(top, 0, 100, Duration.ofMillis(300), Duration.ofHours(1),
                ChangelogUsers.parse(List.of(user)), propagate);
        CompletableFuture<JobRun> job = CompletableFuture.supplyAsync(() -> {
            try {
                return bed.run(runner, new AutoExportJob(options));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        try {
            Path first = bed.agent.write(top + "/first.bin", 100); // exported by the first pass, a full walk
            bed.agent.awaitFlags(first, AgentTestBed.ARCHIVED, SHORT);
            Cluster.await("the first pass to end", SHORT, () -> counter(runner, AutoExportMetrics.LAST_SUCCESS) > 0);

            changes.make();

            // written after the changes: its pass (or an earlier one) read them, and propagates before it exports
            Path after = bed.agent.write(top + "/after.bin", 100);
            bed.agent.awaitFlags(after, AgentTestBed.ARCHIVED, SHORT);
        } finally {
            bed.cancel(runner);
        }
        JobRun run = job.get(60, TimeUnit.SECONDS);
        assertEquals(JobState.CANCELED, run.state(), run::describe);
        return run;
    }

    private static long counter(JobRunner runner, String name) {
        try {
            for (JobRecord record : runner.store().list()) {
                if (record.state() == JobState.IN_PROGRESS) {
                    return record.counters().getOrDefault(name, 0L);
                }
            }
            return -1;
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    /** The SDK gives some ETags quoted and some not; records keep them quoted. */
    static String unquoted(String etag) {
        return etag.replace("\"", "");
    }

    private boolean exists(String blob) {
        return bed.container.getBlobClient(blob).exists();
    }

    private ArchiveRecord record(Path file) throws Exception {
        LuFid fid = LuFid.parse(bed.cluster.fid(file));
        return new ArchiveRecordStore().read(new LustreFile(bed.cluster.mount(), fid).fidPath()).orElseThrow();
    }

    @Test
    void renamesMetadataAndDeletionsReachTheArchiveWhenAskedFor() throws Exception {
        Tree tree = tree("on");
        String deletedEtag = bed.container.getBlobClient("on/gone.bin").getProperties().getETag();
        JobRun run = changeUnderJob("on", Set.of(Propagation.RENAMES, Propagation.METADATA, Propagation.DELETIONS),
                tree);
        Path renamed = tree.renamed().resolveSibling("a2.bin");
        Path inDirectory = tree.directory().resolveSibling("dir2").resolve("b.bin");

        // renames: copied to the new name with its metadata and checksum, the old name gone, the record moved
        assertFalse(exists("on/a.bin"), run::describe);
        BlobProperties a2 = bed.container.getBlobClient("on/a2.bin").getProperties();
        assertEquals("on/a2.bin", record(renamed).blob());
        assertEquals(unquoted(a2.getETag()), unquoted(record(renamed).etag()));
        assertEquals(LuFid.parse(bed.cluster.fid(renamed)), LuFid.parse(a2.getMetadata().get("azlhsm_fid")));
        assertFalse(exists("on/dir/b.bin"), run::describe);
        assertTrue(exists("on/dir2/b.bin"), run::describe);
        assertEquals("on/dir2/b.bin", record(inDirectory).blob());
        // the released file comes back from its new name, byte for byte
        bed.agent.restore(inDirectory);
        bed.agent.awaitFlags(inDirectory, AgentTestBed.ARCHIVED, SHORT);
        assertArrayEquals(tree.md5(), AgentTestBed.md5(inDirectory));
        // the directory and the one under it: their markers at the new names, carrying their FIDs; the old ones gone
        for (String directory : List.of("dir2", "dir2/sub")) {
            Map<String, String> marker = bed.container.getBlobClient("on/" + directory).getProperties().getMetadata();
            assertEquals("true", marker.get("hdi_isfolder"), run::describe);
            assertEquals(LuFid.parse(bed.cluster.fid(bed.cluster.mount().resolve("on/" + directory))),
                    LuFid.parse(marker.get("azlhsm_fid")));
        }
        assertFalse(exists("on/dir"), run::describe);
        assertFalse(exists("on/dir/sub"), run::describe);

        // metadata: owner and mode on the blob without a new upload (same data, same MD5), the record on its ETag
        BlobProperties meta = bed.container.getBlobClient("on/meta.bin").getProperties();
        Map<String, String> metadata = meta.getMetadata();
        assertEquals("1234", metadata.get("owner"), run::describe);
        assertEquals("0600", metadata.get("permissions"));
        assertEquals(unquoted(meta.getETag()), unquoted(record(tree.chmodded()).etag()));
        assertEquals(5_000, meta.getBlobSize());
        // a directory's marker and a symlink's blob take their new mode and owner too
        assertEquals("1235", bed.container.getBlobClient("on/link").getProperties().getMetadata().get("owner"),
                run::describe);
        assertEquals("0700", bed.container.getBlobClient("on/mdir").getProperties().getMetadata().get("permissions"),
                run::describe);

        // deletions: the blob of the deleted file is gone
        assertNotEquals(null, deletedEtag);
        assertFalse(exists("on/gone.bin"), run::describe);

        assertTrue(run.counter(PropagationCounts.RENAMED) >= 2, run::describe);
        assertTrue(run.counter(PropagationCounts.METADATA) >= 1, run::describe);
        assertEquals(1, run.counter(PropagationCounts.DELETED), run::describe);
        assertEquals(0, run.counter(PropagationCounts.FAILED), run::describe);
    }

    @Test
    void nothingButDataReachesTheArchiveByDefault() throws Exception {
        Tree tree = tree("off");
        String metaEtag = bed.container.getBlobClient("off/meta.bin").getProperties().getETag();
        JobRun run = changeUnderJob("off", Set.of(), tree);

        assertTrue(exists("off/a.bin"), run::describe);
        assertFalse(exists("off/a2.bin"), run::describe);
        assertEquals("off/a.bin", record(tree.renamed().resolveSibling("a2.bin")).blob());
        assertTrue(exists("off/dir/b.bin"), run::describe);
        assertFalse(exists("off/dir2/b.bin"), run::describe);
        assertTrue(exists("off/dir"), run::describe);
        assertTrue(exists("off/dir/sub"), run::describe);
        BlobProperties meta = bed.container.getBlobClient("off/meta.bin").getProperties();
        assertEquals(metaEtag, meta.getETag());
        assertEquals("0644", meta.getMetadata().get("permissions"));
        assertEquals("0755", bed.container.getBlobClient("off/mdir").getProperties().getMetadata().get("permissions"));
        assertNotEquals("1235", bed.container.getBlobClient("off/link").getProperties().getMetadata().get("owner"));
        assertTrue(exists("off/gone.bin"), run::describe);
        assertFalse(run.outcome().counters().containsKey(PropagationCounts.RENAMED), run::describe);
    }

    @Test
    void aDeletionLeavesTheNameAnotherFileTookAndFindsNothingAfterARemoveOnLastUnlink() throws Exception {
        AgentTestBed agent = bed.agent;
        Path taken = agent.write("ident/p.bin", 1_000);
        Path removed = agent.write("ident/r.bin", 2_000);
        agent.archive(taken, removed);
        agent.awaitFlags(taken, AgentTestBed.ARCHIVED, SHORT);
        agent.awaitFlags(removed, AgentTestBed.ARCHIVED, SHORT);
        String removedFid = bed.cluster.fid(removed);
        Files.delete(taken); // and another file takes the name, and its blob
        Path successor = agent.write("ident/p.bin", 1_500);
        agent.archive(successor);
        agent.awaitFlags(successor, AgentTestBed.ARCHIVED, SHORT);
        bed.cluster.setParam("remove_archive_on_last_unlink", "1");
        try {
            Files.delete(removed); // the agent's REMOVE deletes the blob before the job sees the unlink
            bed.cluster.awaitActionStatus(removedFid, "REMOVE", "SUCCEED");
        } finally {
            bed.cluster.setParam("remove_archive_on_last_unlink", "0");
        }
        assertFalse(exists("ident/r.bin"));

        // the job's first pass reads both unlinks
        JobRun run = runJob("ident", Set.of(Propagation.DELETIONS), () -> { });
        BlobProperties kept = bed.container.getBlobClient("ident/p.bin").getProperties();
        assertEquals(LuFid.parse(bed.cluster.fid(successor)), LuFid.parse(kept.getMetadata().get("azlhsm_fid")),
                run::describe);
        assertEquals(1_500, kept.getBlobSize());
        assertEquals(0, run.counter(PropagationCounts.DELETED), run::describe);
        assertEquals(0, run.counter(PropagationCounts.FAILED), run::describe);
        assertTrue(run.errors().isEmpty(), run::describe);
    }

    @Test
    void aRenamedSymlinkLeavesNoBlobAtItsOldNameButWhatIsNotItsBlobStays() throws Exception {
        Path top = bed.cluster.mount().resolve("slink");
        Files.createDirectories(top.resolve("d"));
        Path renamed = Files.createSymbolicLink(top.resolve("l1"), Path.of("t1"));
        Files.createSymbolicLink(top.resolve("d/l2"), Path.of("../t2")); // its directory is renamed
        Path foreign = Files.createSymbolicLink(top.resolve("l3"), Path.of("t3"));
        Path retaken = Files.createSymbolicLink(top.resolve("l4"), Path.of("t4"));
        Path deleted = Files.createSymbolicLink(top.resolve("l5"), Path.of("t5"));
        // l3's name holds another tool's symlink blob of the same target (ftype=LNK and azcopy's marker, no
        // azlhsm keys), which the export takes as the link's and leaves: the rename must leave it too
        byte[] t3 = "t3".getBytes(StandardCharsets.UTF_8);
        bed.container.createIfNotExists(); // the agent makes it at its first archive, which may not have come yet
        bed.container.getBlobClient("slink/l3").uploadWithResponse(new BlobParallelUploadOptions(
                        BinaryData.fromBytes(t3)).setHeaders(new BlobHttpHeaders().setContentMd5(
                                MessageDigest.getInstance("MD5").digest(t3)))
                .setMetadata(Map.of("ftype", "LNK", "is_symlink", "true")), null, null);

        JobRun run = runJob("slink", Set.of(Propagation.RENAMES, Propagation.DELETIONS), () -> {
            assertTrue(exists("slink/l1") && exists("slink/d/l2") && exists("slink/l4") && exists("slink/l5"));
            Files.move(renamed, renamed.resolveSibling("l1b"));
            Files.move(top.resolve("d"), top.resolve("d2"));
            Files.move(foreign, foreign.resolveSibling("l3b"));
            Files.move(retaken, retaken.resolveSibling("l4b"));
            Files.createSymbolicLink(retaken, Path.of("t4")); // a link of the same target takes the old name again
            Files.delete(deleted);
        });

        // renamed: the blob under the new name, none under the old
        assertFalse(exists("slink/l1"), run::describe);
        assertEquals("t1", bed.container.getBlobClient("slink/l1b").downloadContent().toString(), run::describe);
        // under a renamed directory: put under the new name by the propagation (an incremental pass's export
        // reaches only the directory), the old one gone
        assertFalse(exists("slink/d/l2"), run::describe);
        assertEquals("../t2", bed.container.getBlobClient("slink/d2/l2").downloadContent().toString(),
                run::describe);
        // another tool's blob stays; the link gets ours under its new name
        Map<String, String> kept = bed.container.getBlobClient("slink/l3").getProperties().getMetadata();
        assertEquals("LNK", kept.get("ftype"), run::describe);
        assertFalse(kept.containsKey("azlhsm_version"), run::describe);
        assertTrue(exists("slink/l3b"), run::describe);
        // the old name taken by a link again: its blob stays
        assertTrue(exists("slink/l4"), run::describe);
        assertTrue(exists("slink/l4b"), run::describe);
        // deleted: a symlink blob names no FID, so which link wrote it cannot be told; it stays
        assertTrue(exists("slink/l5"), run::describe);

        // l1, d/l2 and d's marker; left alone: l3's blob, l4's and l5's
        assertEquals(3, run.counter(PropagationCounts.RENAMED), run::describe);
        assertEquals(3, run.counter(PropagationCounts.LEFT), run::describe);
        assertEquals(0, run.counter(PropagationCounts.DELETED), run::describe);
        assertEquals(0, run.counter(PropagationCounts.FAILED), run::describe);
    }
}
