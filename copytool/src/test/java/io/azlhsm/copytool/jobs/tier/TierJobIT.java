package io.azlhsm.copytool.jobs.tier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.BlobProperties;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.copytool.archive.StorageTier;
import io.azlhsm.copytool.jobs.FlowTestBed;
import io.azlhsm.copytool.jobs.JobRun;
import io.azlhsm.copytool.jobs.JobState;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code copytool tier} against the simulated cluster, a running agent and Azurite: which blobs change tier (as Get
 * Blob Properties reads it), which stay and why (dirty, being restored, too small, accessed recently), that the move
 * keeps each blob's ETag so the files restore byte-identical by their records, and that a blob moved to Archive
 * restores through a rehydration (the proxy makes Azurite take its time, as Azure does).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TierJobIT {
    private static final String CONTAINER = "tiers";
    private static final Duration WAIT = Duration.ofSeconds(90);

    private FlowTestBed bed;

    @BeforeAll
    void start() throws Exception {
        bed = FlowTestBed.start(CONTAINER, """
                pipeline.progress_interval = 1s
                archive.1.rehydrate_poll_interval = 200ms
                """);
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void movesOnlyTheBlobsOfArchivedCleanIdleFilesAndTheyStillRestoreByteIdentical() throws Exception {
        AgentTestBed agent = bed.agent;
        Path released = agent.write("warm/released", 200_000);
        Path resident = agent.write("warm/resident", 250_000);
        Path dirty = agent.write("warm/dirty", 300_000);
        Path small = agent.write("warm/small", 1_000);
        Path recent = agent.write("warm/recent", 150_000);
        Path restoring = agent.write("warm/restoring", 400_000);
        List<Path> all = List.of(released, resident, dirty, small, recent, restoring);
        Map<Path, byte[]> md5 = new HashMap<>();
        for (Path file : all) {
            md5.put(file, AgentTestBed.md5(file));
        }
        agent.archive(all.toArray(Path[]::new));
        for (Path file : all) {
            agent.awaitFlags(file, AgentTestBed.ARCHIVED, WAIT);
        }
        Files.write(dirty, new byte[] {9}, StandardOpenOption.APPEND);
        FileTime twoDaysAgo = FileTime.from(Instant.now().minus(Duration.ofDays(2)));
        for (Path file : List.of(released, resident, dirty, small, restoring)) {
            Files.setAttribute(file, "lastAccessTime", twoDaysAgo);
        }
        Files.setAttribute(recent, "lastAccessTime", FileTime.from(Instant.now()));
        agent.release(released, restoring);
        agent.awaitFlags(released, AgentTestBed.RELEASED, WAIT);
        agent.awaitFlags(restoring, AgentTestBed.RELEASED, WAIT);
        Map<Path, String> etags = new HashMap<>();
        for (Path file : all) {
            BlobProperties properties = properties(file);
            assertEquals(AccessTier.HOT, properties.getAccessTier(), "uploaded to the account's default: " + file);
            etags.put(file, properties.getETag());
        }

        JobRun first;
        try (HoldingProxy.Hold hold = bed.proxy.hold("the restore of warm/restoring",
                r -> r.isDataRead() && r.isFor(CONTAINER, blob(restoring)))) {
            agent.restore(restoring);
            hold.awaitHeld(1, WAIT, () -> bed.cluster.actionStatuses(bed.cluster.fid(restoring), "RESTORE")
                    .toString());
            TierJob job = new TierJob(new TierOptions("warm", StorageTier.COOL, Duration.ofDays(1), 100_000));
            first = bed.run(job);
            assertEquals(JobState.COMPLETED, first.state(), first::describe);
            assertEquals(6, first.counter(TierJob.SCANNED), first::describe);
            assertEquals(2, first.counter(TierJob.MOVED), first::describe);
            assertEquals(450_000, first.counter(TierJob.BYTES_MOVED), first::describe);
            assertEquals(2, first.counter(TierJob.movedFrom(StorageTier.HOT)), first::describe);
            assertEquals(450_000, first.counter(TierJob.bytesMovedFrom(StorageTier.HOT)), first::describe);
            assertEquals(1, first.counter(TierJob.NOT_ARCHIVED), first::describe); // the dirty one
            assertEquals(1, first.counter(TierJob.BEING_RESTORED), first::describe);
            assertEquals(1, first.counter(TierJob.TOO_SMALL), first::describe);
            assertEquals(1, first.counter(TierJob.RECENTLY_ACCESSED), first::describe);
            for (String none : List.of(TierJob.NO_VERIFIED_COPY, TierJob.ALREADY_THERE, TierJob.OTHER_ACTION,
                    TierJob.REPLACED_MEANWHILE, TierJob.FAILED)) {
                assertEquals(0, first.counter(none), none + ": " + first.describe());
            }
            assertNotNull(job.cost());
            assertTrue(job.cost().before().compareTo(job.cost().after()) > 0, job.cost().toString());
            assertTrue(first.log().stream().anyMatch(l -> l.contains(job.cost().describe())), first::describe);
            assertTrue(first.log().stream().anyMatch(l -> l.contains("not moved, RESTORE")
                    && l.contains(restoring.toString())), first::describe);

            assertEquals(AccessTier.COOL, properties(released).getAccessTier());
            assertEquals(AccessTier.COOL, properties(resident).getAccessTier());
            for (Path stays : List.of(dirty, small, recent, restoring)) {
                assertEquals(AccessTier.HOT, properties(stays).getAccessTier(), "must stay Hot: " + stays);
            }
            assertEquals(AgentTestBed.RELEASED, bed.cluster.flags(restoring), "still being restored");
            hold.release();
        }
        for (Path file : all) {
            assertEquals(etags.get(file), properties(file).getETag(), "a tier change keeps the ETag: " + file);
        }
        agent.awaitFlags(restoring, AgentTestBed.ARCHIVED, WAIT);
        agent.restore(released);
        agent.awaitFlags(released, AgentTestBed.ARCHIVED, WAIT);
        for (Path file : List.of(released, resident, restoring, small, recent)) {
            assertArrayEquals(md5.get(file), AgentTestBed.md5(file), "restored or kept byte-identical: " + file);
        }

        // Once its restore has ended the file's blob moves; those already in Cool stay and are counted.
        JobRun second = bed.run(new TierJob(new TierOptions("/warm", StorageTier.COOL, Duration.ZERO, 100_000)));
        assertEquals(JobState.COMPLETED, second.state(), second::describe);
        assertEquals(2, second.counter(TierJob.MOVED), second::describe); // recent, restoring
        assertEquals(550_000, second.counter(TierJob.BYTES_MOVED), second::describe);
        assertEquals(2, second.counter(TierJob.ALREADY_THERE), second::describe); // released, resident
        assertEquals(1, second.counter(TierJob.NOT_ARCHIVED), second::describe);
        assertEquals(0, second.counter(TierJob.BEING_RESTORED), second::describe);
        assertEquals(AccessTier.COOL, properties(restoring).getAccessTier());
        assertEquals(AccessTier.HOT, properties(dirty).getAccessTier(), "a dirty file's blob is never moved");
    }

    @Test
    void aBlobMovedToArchiveRestoresThroughARehydration() throws Exception {
        Path file = bed.agent.write("frozen/data", 500_000);
        byte[] md5 = AgentTestBed.md5(file);
        bed.agent.archive(file);
        bed.agent.awaitFlags(file, AgentTestBed.ARCHIVED, WAIT);
        bed.agent.release(file);
        bed.agent.awaitFlags(file, AgentTestBed.RELEASED, WAIT);
        String etag = properties(file).getETag();

        JobRun run = bed.run(new TierJob(new TierOptions("frozen", StorageTier.ARCHIVE, Duration.ZERO, 0)));
        assertEquals(JobState.COMPLETED, run.state(), run::describe);
        assertEquals(1, run.counter(TierJob.MOVED), run::describe);
        assertEquals(1, run.counter(TierJob.movedFrom(StorageTier.HOT)), run::describe);
        assertEquals(500_000, run.counter(TierJob.bytesMovedFrom(StorageTier.HOT)), run::describe);
        BlobProperties moved = properties(file);
        assertEquals(AccessTier.ARCHIVE, moved.getAccessTier());
        assertEquals(etag, moved.getETag(), "Set Blob Tier keeps the ETag the record holds");

        try (HoldingProxy.Rehydration rehydration = bed.proxy.rehydrateSlowly(CONTAINER, blob(file), null)) {
            bed.agent.restore(file);
            rehydration.awaitStarted(WAIT, () -> bed.cluster.actionStatuses(bed.cluster.fid(file), "RESTORE")
                    .toString());
            assertEquals(AgentTestBed.RELEASED, bed.cluster.flags(file), "no data before the rehydration ends");
            rehydration.complete();
            bed.agent.awaitFlags(file, AgentTestBed.ARCHIVED, WAIT);
        }
        assertArrayEquals(md5, AgentTestBed.md5(file));
    }

    private String blob(Path file) {
        return bed.cluster.mount().relativize(file).toString();
    }

    private BlobProperties properties(Path file) {
        return bed.container.getBlobClient(blob(file)).getProperties();
    }
}
