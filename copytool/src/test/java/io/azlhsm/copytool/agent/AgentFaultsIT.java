package io.azlhsm.copytool.agent;

import static io.azlhsm.copytool.agent.AgentTestBed.ARCHIVED;
import static io.azlhsm.copytool.agent.AgentTestBed.RELEASED;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.copytool.operations.ArchiveRecordStore;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What goes wrong in the field, provoked for real: cancels from the coordinator, a file written while it is
 * archived, a blob changed behind the archive's back, and the blob service going away mid-transfer. In every case the
 * file's HSM state must tell the truth: never archived without a complete verified copy, never restored from
 * unverified data (the proxy can also invert a byte of a download in transit). The agent reaches Azurite through a {@link HoldingProxy}: a test that must act mid-transfer holds
 * the transfer's data requests, acts, and lets them go, so the transfer is mid-way whatever the machine's speed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentFaultsIT {
    private static final long MIB = 1 << 20;
    private static final Duration LONG = Duration.ofMinutes(3);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Cluster cluster;
    private AzuriteServer azurite;
    private HoldingProxy proxy;
    private AgentTestBed bed;
    private BlobContainerClient container;

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        proxy = HoldingProxy.start(azurite);
        cluster = Cluster.start();
        // quick retries: a dead blob service outlasts the client library's own retries in a second
        bed = AgentTestBed.start(cluster, cluster.mount(), """
                pipeline.writers = 1
                pipeline.readers = 1
                pipeline.ring_size = 4
                archive.1.type = azure
                archive.1.container = faults
                archive.1.connection_string = %s
                archive.1.max_tries = 2
                archive.1.retry_delay = 200ms
                """.formatted(proxy.connectionString()));
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
        if (proxy != null) {
            proxy.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void cancelOfALargeArchiveStopsItAndTheFileIsNotArchived() throws Exception {
        Path file = bed.write("cancel/archive.bin", 24 * MIB);
        try (LogWatch log = new LogWatch(); HoldingProxy.Hold upload = holdDataWrites("cancel/archive.bin")) {
            bed.archive(file);
            upload.awaitHeld(1, WAIT, () -> actions(file));
            bed.lfs("hsm_cancel", List.of(file));
            log.await("cancel received", WAIT); // the agent has the cancel before the upload may go on
        }
        bed.awaitIdle(file, LONG);
        assertEquals(0x01, cluster.flags(file), "a canceled archive must leave the file exists-only");
        assertTrue(new ArchiveRecordStore().read(file).isEmpty(), "canceled archive left an archive record");
        assertFalse(container.getBlobClient("cancel/archive.bin").exists(), "canceled archive committed a blob");
    }

    @Test
    void cancelOfALargeRestoreLeavesTheFileReleasedAndALaterRestoreSucceeds() throws Exception {
        Path file = bed.write("cancel/restore.bin", 24 * MIB);
        byte[] md5 = AgentTestBed.md5(file);
        bed.archive(file);
        bed.awaitFlags(file, ARCHIVED, LONG);
        bed.release(file);
        try (LogWatch log = new LogWatch(); HoldingProxy.Hold download = proxy.hold("reads of cancel/restore.bin",
                r -> r.isDataRead() && r.isFor("faults", "cancel/restore.bin"))) {
            bed.restore(file);
            download.awaitHeld(1, WAIT, () -> actions(file));
            bed.lfs("hsm_cancel", List.of(file));
            log.await("cancel received", WAIT);
        }
        bed.awaitIdle(file, LONG);
        assertEquals(RELEASED, cluster.flags(file), "a canceled restore must leave the file released");

        bed.restore(file);
        bed.awaitFlags(file, ARCHIVED, LONG);
        assertArrayEquals(md5, AgentTestBed.md5(file));
    }

    @Test
    void aFileAppendedDuringItsArchiveIsNotArchivedClean() throws Exception {
        Path file = bed.write("changing/appended.bin", 24 * MIB);
        try (HoldingProxy.Hold upload = holdDataWrites("changing/appended.bin")) {
            bed.archive(file);
            // an upload is waiting: COPY_START has recorded the data version and the copy is under way
            upload.awaitHeld(1, WAIT, () -> actions(file));
            Files.write(file, "appended while archiving".getBytes(), StandardOpenOption.APPEND);
        }
        bed.awaitIdle(file, LONG);
        int flags = cluster.flags(file);
        assertFalse((flags & 0x08) != 0 && (flags & 0x02) == 0,
                "file changed during archive ended archived and clean: 0x" + Integer.toHexString(flags));
        assertTrue(cluster.actionStatuses(cluster.fid(file), "ARCHIVE").contains("FAILED"),
                cluster.getParam("actions"));
        assertTrue(new ArchiveRecordStore().read(file).isEmpty(), "a failed archive left an archive record");
    }

    /**
     * Another agent recorded an archive of a newer data version of the file while this one copied: its record names
     * the copy of the file's current bytes and must stay, and this archive fails. The file had no record when this
     * archive began, so its record is created only if still absent (XATTR_CREATE); the record is written here as the
     * other agent would, while this archive's upload is held.
     */
    @Test
    void aNewerArchiveRecordedMeanwhileIsKept() throws Exception {
        Path file = bed.write("meanwhile/recorded.bin", 24 * MIB);
        ArchiveRecordStore records = new ArchiveRecordStore();
        ArchiveRecord newer = new ArchiveRecord(1, "meanwhile/recorded.bin", "\"0x8D0000000000001\"", new byte[16],
                1L << 40);
        try (HoldingProxy.Hold upload = holdDataWrites("meanwhile/recorded.bin")) {
            bed.archive(file);
            upload.awaitHeld(1, WAIT, () -> actions(file));
            assertTrue(records.read(file).isEmpty(), "a record before the copy was done");
            records.write(file, newer);
        }
        bed.awaitIdle(file, LONG);
        assertTrue(cluster.actionStatuses(cluster.fid(file), "ARCHIVE").contains("FAILED"),
                cluster.getParam("actions"));
        assertEquals(newer.encode(), records.read(file).map(ArchiveRecord::encode).orElse("none"),
                "the newer archive's record was replaced");
    }

    /**
     * A change at an unknown moment of an archive: before the copy starts (then it is part of the archive), during it
     * (then the archive fails), or after it (then the file ends archived DIRTY). One write rewrites the last bytes and
     * appends (one data version), so a copy that took the last range after it and the rest before would be neither
     * version. Whichever happened, what must hold:
     * <ul>
     *   <li>the change is in the file;</li>
     *   <li>a blob at the name is one whole version of the file, the one before the change or the one after it,
     *       never a mix, and its Content-MD5 is its bytes' (read and hashed here, not taken from its properties);</li>
     *   <li>a record names that blob, with its bytes' MD5 and its ETag, and tells the truth about which version it
     *       holds: it carries the file's current data version exactly when it holds the file's current bytes (so a
     *       copy of the old bytes never passes for the new ones, and a later archive may reuse a copy of the new
     *       ones only because it is one: when the change lands between the coordinator's start of the copy and the
     *       agent's first look, the agent copies the new bytes whole, and only the coordinator's own data-version
     *       check fails the request);</li>
     *   <li>archived means recorded; archived and clean means the record holds the file's bytes now; archived and
     *       DIRTY means it holds the old ones;</li>
     *   <li>not archived means the ARCHIVE failed (the file may be EXISTS|DIRTY then: EXISTS is set when the copy
     *       starts).</li>
     * </ul>
     */
    @Test
    void whateverTheTimingOfAWriteAnArchivedCleanFileMatchesItsArchivedCopy() throws Exception {
        String name = "changing/any-time.bin";
        Path file = bed.write(name, 40 * MIB);
        byte[] change = "the last 11 bytes rewritten and more appended, in one write".getBytes();
        long at = 40 * MIB - 11;
        byte[] bytes = Files.readAllBytes(file);
        byte[] oldMd5 = MessageDigest.getInstance("MD5").digest(bytes);
        MessageDigest after = MessageDigest.getInstance("MD5");
        after.update(bytes, 0, (int) at);
        after.update(change);
        byte[] newMd5 = after.digest();
        bytes = null; // 40 MiB
        bed.archive(file);
        awaitRunning(file, "ARCHIVE");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            assertEquals(change.length, channel.write(ByteBuffer.wrap(change), at), "one write");
        }
        bed.awaitIdle(file, LONG);

        int flags = cluster.flags(file);
        long dataVersion = Long.parseUnsignedLong(cluster.lfs("data_version", file.toString()).stdout().trim());
        java.util.Optional<ArchiveRecord> record = new ArchiveRecordStore().read(file);
        boolean archived = (flags & 0x08) != 0;
        boolean dirty = (flags & 0x02) != 0;
        var blob = container.getBlobClient(name);
        var properties = blob.exists() ? blob.getProperties() : null;
        byte[] blobMd5 = properties == null ? null : digestOf(blob.openInputStream()).digest();
        String state = "flags 0x" + Integer.toHexString(flags) + ", data version " + Long.toUnsignedString(dataVersion)
                + ", record " + record.map(AgentFaultsIT::describe) + ", blob " + (properties == null ? "absent"
                : "MD5 " + hex(blobMd5) + " ETag " + properties.getETag()) + "; old bytes' MD5 " + hex(oldMd5)
                + ", new bytes' " + hex(newMd5) + "\n" + actions(file);

        assertArrayEquals(newMd5, AgentTestBed.md5(file), "the change is not in the file: " + state);
        if (properties != null) {
            assertTrue(Arrays.equals(blobMd5, oldMd5) || Arrays.equals(blobMd5, newMd5),
                    "the blob is neither version of the file: " + state);
            assertArrayEquals(blobMd5, properties.getContentMd5(), "the blob's Content-MD5 is not its bytes': " + state);
        }
        if (record.isPresent()) {
            assertEquals(name, record.get().blob(), state);
            assertTrue(properties != null, "the record names a blob that is not there: " + state);
            assertArrayEquals(blobMd5, record.get().md5(), "the record does not describe its blob: " + state);
            assertEquals(properties.getETag().replace("\"", ""), record.get().etag().replace("\"", ""),
                    "the record's ETag is not its blob's: " + state);
            assertEquals(Arrays.equals(newMd5, record.get().md5()), record.get().dataVersion() == dataVersion,
                    "the record's data version does not tell which bytes it holds: " + state);
        }
        if (archived) {
            assertTrue(record.isPresent(), "archived without a record: " + state);
            assertArrayEquals(dirty ? oldMd5 : newMd5, record.get().md5(), (dirty ? "archived DIRTY, but the copy is"
                    + " not of the old bytes: " : "archived clean, but the copy is not the file: ") + state);
        } else {
            assertTrue(cluster.actionStatuses(cluster.fid(file), "ARCHIVE").contains("FAILED"),
                    "not archived, yet the archive did not fail: " + state);
        }
    }

    private static MessageDigest digestOf(java.io.InputStream stream) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("MD5");
        try (java.io.InputStream in = stream) {
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return digest;
    }

    private static String hex(byte[] bytes) {
        return bytes == null ? "none" : HexFormat.of().formatHex(bytes);
    }

    private static String describe(ArchiveRecord record) {
        return "blob " + record.blob() + " ETag " + record.etag() + " MD5 " + hex(record.md5()) + " data version "
                + Long.toUnsignedString(record.dataVersion());
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
    void aRestoreWhoseBytesChangeInTransitFailsWithEioNamingBothChecksumsAndTheFileStaysReleased() throws Exception {
        // 3 MiB + 7 restores in four 1 MiB ranges: the second one is corrupted
        assertCorruptedRestoreFails("transit/large.bin", 3 * MIB + 7, MIB, 4321);
        // a small file restores in a single Get Blob
        assertCorruptedRestoreFails("transit/small.bin", 10_000, 0, 17);
    }

    /**
     * Archives and releases a file, then reads it while the proxy inverts byte {@code bodyOffset} of the response to
     * the Get Blob of the range starting at {@code rangeStart}: same blob, same ETag, one wrong byte on the wire.
     */
    private void assertCorruptedRestoreFails(String name, long size, long rangeStart, int bodyOffset)
            throws Exception {
        Path file = bed.write(name, size);
        byte[] original = Files.readAllBytes(file);
        bed.archive(file);
        bed.awaitFlags(file, ARCHIVED, LONG);
        bed.release(file);
        bed.awaitFlags(file, RELEASED, WAIT);
        String etag = container.getBlobClient(name).getProperties().getETag();
        byte[] received = original.clone();
        int corrupted = (int) (rangeStart + bodyOffset);
        received[corrupted] = (byte) ~received[corrupted];
        String expectedMd5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(original));
        String actualMd5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(received));

        try (LogWatch log = new LogWatch(); HoldingProxy.Corruption corruption = proxy.corrupt("the range of " + name
                + " from byte " + rangeStart, r -> r.isDataRead() && r.isFor("faults", name)
                        && rangeHeader(r).startsWith("bytes=" + rangeStart + "-"), bodyOffset)) {
            // the read blocks on the implicit restore, and fails with it
            IOException failed = assertThrows(IOException.class, () -> Files.readAllBytes(file),
                    "a restore of corrupted bytes succeeded");
            assertTrue(String.valueOf(failed.getMessage()).contains("Input/output error"), failed.toString());
            assertEquals(1, corruption.corrupted(), corruption::toString);
            log.await("checksum mismatch restoring " + name, WAIT);
            String line = log.snapshot().stream().filter(m -> m.contains("checksum mismatch")).findFirst()
                    .orElseThrow();
            assertTrue(line.contains("path " + name) && line.contains("from blob " + name)
                    && line.contains("failed with errno 5"), line);
            assertTrue(line.contains("expected MD5 " + expectedMd5) && line.contains("got " + actualMd5), line);
        }
        bed.awaitIdle(file, LONG);
        assertEquals(RELEASED, cluster.flags(file), "a restore of corrupted bytes must leave the file released");
        assertTrue(cluster.actionStatuses(cluster.fid(file), "RESTORE").contains("FAILED"),
                cluster.getParam("actions"));
        assertEquals(etag, container.getBlobClient(name).getProperties().getETag(), "the blob itself never changed");
        assertArrayEquals(original, Files.readAllBytes(file), "once the network is sound, the same blob restores");
    }

    /** The range a Get Blob asks for: the SDK sends x-ms-range, other clients Range. */
    private static String rangeHeader(HoldingProxy.Request request) {
        String range = request.header("x-ms-range");
        return range != null ? range : String.valueOf(request.header("range"));
    }

    @Test
    void anArchiveOutlastsAnOutageLongerThanTheClientRetriesUnderTheDefaultPolicy() throws Exception {
        // Lustre's default policy (NRA) fails a request ended with any error, HP_FLAG_RETRY or not: the agent itself
        // must wait the outage out, keeping the request alive, for the archive to succeed.
        Path file = bed.write("outage/survivor.bin", 24 * MIB);
        byte[] md5 = AgentTestBed.md5(file);
        try (LogWatch log = new LogWatch()) {
            try (HoldingProxy.Hold upload = holdDataWrites("outage/survivor.bin")) {
                bed.archive(file);
                upload.awaitHeld(1, WAIT, () -> actions(file));
                azurite.stop(); // the held upload then meets a dead service
            }
            awaitOutageOutlastsClientRetries(log, file, "ARCHIVE");
            assertEquals(0x01, cluster.flags(file), "archived while the blob service was down");
        } finally {
            azurite.restart();
        }
        bed.awaitFlags(file, ARCHIVED, LONG);
        assertEquals(List.of("SUCCEED"), cluster.actionStatuses(cluster.fid(file), "ARCHIVE"), actions(file));
        assertOneVerifiedCopy(file, md5);
    }

    @Test
    void aReaderBlockedOnARestoreDuringAnOutageGetsItsDataOnceTheServiceIsBack() throws Exception {
        Path file = bed.write("outage/restored.bin", 3 * MIB + 11);
        byte[] original = Files.readAllBytes(file);
        bed.archive(file);
        bed.awaitFlags(file, ARCHIVED, LONG);
        bed.release(file);
        bed.awaitFlags(file, RELEASED, WAIT);
        CompletableFuture<byte[]> reader;
        try (LogWatch log = new LogWatch()) {
            try (HoldingProxy.Hold download = proxy.hold("reads of outage/restored.bin",
                    r -> r.isDataRead() && r.isFor("faults", "outage/restored.bin"))) {
                reader = CompletableFuture.supplyAsync(() -> {
                    try {
                        return Files.readAllBytes(file); // blocks on the implicit restore
                    } catch (IOException e) {
                        throw new AssertionError("the blocked reader failed: " + e, e);
                    }
                });
                download.awaitHeld(1, WAIT, () -> actions(file));
                azurite.stop();
            }
            CompletableFuture<byte[]> blocked = reader;
            Cluster.await("the client library's retries spent, or the reader returning", WAIT,
                    () -> log.contains("retrying with backoff") || blocked.isDone(), () -> actions(file));
            assertFalse(reader.isDone(), () -> "the reader returned during the outage: "
                    + blocked.handle((bytes, failure) -> String.valueOf(failure)).join() + "\n" + actions(file));
        } finally {
            azurite.restart();
        }
        assertArrayEquals(original, reader.get(LONG.toSeconds(), TimeUnit.SECONDS));
        assertEquals(ARCHIVED, cluster.flags(file));
        assertEquals(List.of("SUCCEED"), cluster.actionStatuses(cluster.fid(file), "RESTORE"), actions(file));
    }

    @Test
    void aCancelEndsAnArchiveThatWaitsOutAnOutage() throws Exception {
        Path file = bed.write("outage/canceled.bin", 24 * MIB);
        try (LogWatch log = new LogWatch()) {
            try (HoldingProxy.Hold upload = holdDataWrites("outage/canceled.bin")) {
                bed.archive(file);
                upload.awaitHeld(1, WAIT, () -> actions(file));
                azurite.stop();
            }
            awaitOutageOutlastsClientRetries(log, file, "ARCHIVE");
            bed.lfs("hsm_cancel", List.of(file));
            bed.awaitIdle(file, LONG); // the outage goes on: only the cancel can have ended it
            // the coordinator ends a canceled request at once; the agent stops the action a moment later
            log.await("stopped (CANCELED_BY_COORDINATOR)", LONG);
        } finally {
            azurite.restart();
        }
        assertEquals(0x01, cluster.flags(file), "a canceled archive must leave the file exists-only");
        assertTrue(new ArchiveRecordStore().read(file).isEmpty(), "canceled archive left an archive record");
    }

    @Test
    void anOutageLongerThanTheOutagePatienceFailsTheArchiveNamingFileBlobAndCause() throws Exception {
        Path file = bed.write("outage/failed.bin", 24 * MIB);
        bed.agent.setOutagePatience(Duration.ofSeconds(2));
        try (LogWatch log = new LogWatch()) {
            try (HoldingProxy.Hold upload = holdDataWrites("outage/failed.bin")) {
                bed.archive(file);
                upload.awaitHeld(1, WAIT, () -> actions(file));
                azurite.stop(); // the held upload then meets a dead service
            }
            bed.awaitIdle(file, LONG);
            String failure = log.snapshot().stream().filter(m -> m.contains("outage_patience (2s)")
                    && m.contains("failed with errno")).findFirst().orElseThrow(() -> new AssertionError(
                            "no failure naming the patience:\n" + String.join("\n", log.snapshot())));
            assertTrue(failure.contains("path outage/failed.bin") && failure.contains("blob outage/failed.bin")
                    && failure.contains("failed on the network"), failure);
        } finally {
            bed.agent.setOutagePatience(io.azlhsm.copytool.operations.OutagePatience.DEFAULT);
            azurite.restart();
        }
        assertEquals(List.of("FAILED"), cluster.actionStatuses(cluster.fid(file), "ARCHIVE"), actions(file));
        assertEquals(0x01, cluster.flags(file));
        assertTrue(new ArchiveRecordStore().read(file).isEmpty(), "a failed archive left an archive record");
        byte[] md5 = AgentTestBed.md5(file);
        bed.archive(file); // what a policy engine or the user does next
        bed.awaitFlags(file, ARCHIVED, LONG);
        assertOneVerifiedCopy(file, md5);
    }

    /**
     * Waits until the client library has spent its retries against the dead service (the agent says it waits the
     * outage out), or the action ended; then the action must still be running: the outage failed nothing.
     */
    private void awaitOutageOutlastsClientRetries(LogWatch log, Path file, String action) {
        String fid = cluster.fid(file);
        Cluster.await("the client library's retries spent, or the " + action + " ending", WAIT,
                () -> log.contains("retrying with backoff") || !cluster.actionStatuses(fid, action).contains("STARTED"),
                () -> actions(file));
        assertEquals(List.of("STARTED"), cluster.actionStatuses(fid, action),
                "the outage ended the " + action + ":\n" + actions(file));
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

    /** Holds every Put Blob and Put Block of the blob {@code name} in container faults. */
    private HoldingProxy.Hold holdDataWrites(String name) {
        return proxy.hold("uploads of " + name, r -> r.isDataWrite() && r.isFor("faults", name));
    }

    private void awaitRunning(Path file, String action) {
        Cluster.await(action + " running on " + file, WAIT,
                () -> cluster.lfs("hsm_action", file.toString()).stdout().contains(action + " running"),
                () -> actions(file));
    }

    /** For failure messages: the file's current action and state, and the coordinator's actions on it. */
    private String actions(Path file) {
        return "hsm_action: " + cluster.lfs("hsm_action", file.toString()).stdout()
                + "hsm_state: " + cluster.lfs("hsm_state", file.toString()).stdout()
                + "actions:\n" + cluster.getParam("actions").lines()
                        .filter(l -> l.contains(file.getFileName().toString()) || l.contains(fidText(file)))
                        .collect(java.util.stream.Collectors.joining("\n"));
    }

    private String fidText(Path file) {
        try {
            return cluster.fid(file);
        } catch (Exception e) {
            return "?";
        }
    }
}
