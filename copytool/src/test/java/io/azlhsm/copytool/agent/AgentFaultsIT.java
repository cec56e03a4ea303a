package io.azlhsm.copytool.agent;

import static io.azlhsm.copytool.agent.AgentTestBed.ARCHIVED;
import static io.azlhsm.copytool.agent.AgentTestBed.RELEASED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What goes wrong in the field, provoked for real: cancels from the coordinator, a file written while it is
 * archived, a blob changed behind the archive's back, and the blob service going away mid-transfer. In every case the
 * file's HSM state must tell the truth: never archived without a complete verified copy, never restored from
 * unverified data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentFaultsIT {
    private static final long MIB = 1 << 20;
    private static final Duration LONG = Duration.ofMinutes(3);

    private Cluster cluster;
    private AzuriteServer azurite;
    private AgentTestBed bed;
    private BlobContainerClient container;

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        cluster = Cluster.start();
        // One writer and a small ring make large transfers last long enough to be interrupted on purpose;
        // quick retries make a dead blob service end actions with RETRY in seconds.
        bed = AgentTestBed.start(cluster, cluster.mount(), """
                pipeline.writers = 1
                pipeline.readers = 1
                pipeline.ring_size = 4
                archive.1.type = azure
                archive.1.container = faults
                archive.1.connection_string = %s
                archive.1.max_tries = 2
                archive.1.retry_delay = 200ms
                """.formatted(azurite.connectionString()));
        container = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient("faults");
    }

    @AfterAll
    void stop() {
        if (bed != null) {
            bed.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void cancelOfALargeArchiveStopsItAndTheFileIsNotArchived() throws Exception {
        Path file = bed.write("cancel/archive.bin", 160 * MIB);
        bed.archive(file);
        awaitRunning(file, "ARCHIVE");
        bed.lfs("hsm_cancel", List.of(file));
        bed.awaitIdle(file, LONG);
        assertEquals(0x01, cluster.flags(file), "a canceled archive must leave the file exists-only");
        assertTrue(new ArchiveRecordStore().read(file).isEmpty(), "canceled archive left an archive record");
        assertFalse(container.getBlobClient("cancel/archive.bin").exists(), "canceled archive committed a blob");
    }

    @Test
    void cancelOfALargeRestoreLeavesTheFileReleasedAndALaterRestoreSucceeds() throws Exception {
        Path file = bed.write("cancel/restore.bin", 160 * MIB);
        byte[] md5 = AgentTestBed.md5(file);
        bed.archive(file);
        bed.awaitFlags(file, ARCHIVED, LONG);
        bed.release(file);
        bed.restore(file);
        awaitRunning(file, "RESTORE");
        bed.lfs("hsm_cancel", List.of(file));
        bed.awaitIdle(file, LONG);
        assertEquals(RELEASED, cluster.flags(file), "a canceled restore must leave the file released");

        bed.restore(file);
        bed.awaitFlags(file, ARCHIVED, LONG);
        assertArrayEquals(md5, AgentTestBed.md5(file));
    }

    @Test
    void aFileAppendedDuringItsArchiveIsNotArchivedClean() throws Exception {
        Path file = bed.write("changing/appended.bin", 120 * MIB);
        bed.archive(file);
        awaitBytesMoved(file, "ARCHIVE"); // the copy has started: COPY_START recorded the data version
        Files.write(file, "appended while archiving".getBytes(), StandardOpenOption.APPEND);
        bed.awaitIdle(file, LONG);
        int flags = cluster.flags(file);
        assertFalse((flags & 0x08) != 0 && (flags & 0x02) == 0,
                "file changed during archive ended archived and clean: 0x" + Integer.toHexString(flags));
        assertTrue(cluster.actionStatuses(cluster.fid(file), "ARCHIVE").contains("FAILED"),
                cluster.getParam("actions"));
    }

    @Test
    void whateverTheTimingOfAWriteAnArchivedCleanFileMatchesItsArchivedCopy() throws Exception {
        // The write may land before the copy starts (then it is part of the archive) or during it (then the archive
        // fails, or the file ends DIRTY): never archived-clean with a copy of other bytes.
        Path file = bed.write("changing/any-time.bin", 40 * MIB);
        bed.archive(file);
        awaitRunning(file, "ARCHIVE");
        Files.write(file, "appended at some point".getBytes(), StandardOpenOption.APPEND);
        bed.awaitIdle(file, LONG);
        if (cluster.flags(file) == ARCHIVED) {
            ArchiveRecord record = new ArchiveRecordStore().read(file).orElseThrow();
            assertArrayEquals(AgentTestBed.md5(file), record.md5(), "archived clean, but the copy differs");
            assertArrayEquals(record.md5(), container.getBlobClient(record.blob()).getProperties().getContentMd5());
        }
    }

    @Test
    void aBlobChangedAfterArchiveFailsTheRestoreAndTheFileStaysReleased() throws Exception {
        Path file = bed.write("corrupt/victim.bin", 3 * MIB + 7);
        bed.archive(file);
        bed.awaitFlags(file, ARCHIVED, LONG);
        bed.release(file);
        byte[] impostor = new byte[(int) (3 * MIB + 7)];
        new Random(99).nextBytes(impostor);
        container.getBlobClient("corrupt/victim.bin").upload(BinaryData.fromBytes(impostor), true);

        bed.restore(file);
        bed.awaitIdle(file, LONG);
        assertEquals(RELEASED, cluster.flags(file), "restore from a changed blob must fail");
        assertTrue(cluster.actionStatuses(cluster.fid(file), "RESTORE").contains("FAILED"),
                cluster.getParam("actions"));
    }

    @Test
    void blobServiceStoppedMidArchiveEndsWithRetryAndTheArchiveCompletesAfterItsReturn() throws Exception {
        // Lustre's default policy (NRA) fails a request even when the copytool asks for a retry; without it the
        // coordinator re-queues a request ended with HP_FLAG_RETRY, which is how this test sees that flag was set.
        cluster.setParam("policy", "-NRA");
        try {
            Path file = bed.write("outage/survivor.bin", 100 * MIB);
            byte[] md5 = AgentTestBed.md5(file);
            bed.archive(file);
            awaitRunning(file, "ARCHIVE");
            azurite.stop();
            Thread.sleep(3000);
            assertEquals(0x01, cluster.flags(file), "archived while the blob service was down");
            azurite.restart();
            bed.awaitFlags(file, ARCHIVED, LONG);
            assertOneVerifiedCopy(file, md5);
        } finally {
            cluster.setParam("policy", "+NRA");
        }
    }

    @Test
    void withTheDefaultNoRetryPolicyAnOutageFailsTheArchiveWithoutRecordingAnything() throws Exception {
        Path file = bed.write("outage/failed.bin", 60 * MIB);
        bed.archive(file);
        awaitRunning(file, "ARCHIVE");
        azurite.stop();
        try {
            bed.awaitIdle(file, LONG);
        } finally {
            azurite.restart();
        }
        assertTrue(cluster.actionStatuses(cluster.fid(file), "ARCHIVE").contains("FAILED"));
        assertEquals(0x01, cluster.flags(file));
        assertTrue(new ArchiveRecordStore().read(file).isEmpty(), "a failed archive left an archive record");
        byte[] md5 = AgentTestBed.md5(file);
        bed.archive(file); // what a policy engine or the user does next
        bed.awaitFlags(file, ARCHIVED, LONG);
        assertOneVerifiedCopy(file, md5);
    }

    private void assertOneVerifiedCopy(Path file, byte[] md5) throws Exception {
        ArchiveRecord record = new ArchiveRecordStore().read(file).orElseThrow();
        assertArrayEquals(md5, record.md5(), "archive record does not describe the file's content");
        assertArrayEquals(md5, container.getBlobClient(record.blob()).getProperties().getContentMd5());

        bed.release(file);
        bed.restore(file);
        bed.awaitFlags(file, ARCHIVED, LONG);
        assertArrayEquals(md5, AgentTestBed.md5(file));
    }

    private void awaitBytesMoved(Path file, String action) {
        java.util.regex.Pattern moved = java.util.regex.Pattern.compile(action + " running \\(([1-9]\\d*) bytes moved\\)");
        Cluster.await(action + " moving bytes of " + file, Duration.ofSeconds(60),
                () -> moved.matcher(cluster.lfs("hsm_action", file.toString()).stdout()).find());
    }

    private void awaitRunning(Path file, String action) {
        Cluster.await(action + " running on " + file, Duration.ofSeconds(60),
                () -> cluster.lfs("hsm_action", file.toString()).stdout().contains(action + " running"));
    }
}
