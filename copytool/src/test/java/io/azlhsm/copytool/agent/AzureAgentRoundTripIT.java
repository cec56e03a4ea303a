package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.azlhsm.copytool.archive.ChecksumAlgorithm;
import io.azlhsm.copytool.lustre.ExtendedAttributes;
import io.azlhsm.copytool.operations.ArchiveRecord;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The round-trip suite through the product backend, plus what only blobs carry: metadata and Content-MD5. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureAgentRoundTripIT extends AgentRoundTripSuite {
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
        bed = AgentTestBed.start(cluster, cluster.mount(), """
                archive.1.type = azure
                archive.1.container = roundtrip
                archive.1.prefix = fs1/
                archive.1.connection_string = %s
                """.formatted(proxy.connectionString()));
        container = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient("roundtrip");
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
    void blocksLargerThanARingSlotAreStreamedFromLustreAndVerified() throws Exception {
        // A second data mover: its own mount, archive id 2, 4 MiB blocks over the test bed's 1 MiB ring slots.
        Path secondMount = cluster.addMount("mnt2");
        try (AgentTestBed bigBlocks = AgentTestBed.start(cluster, secondMount, """
                archive.2.type = azure
                archive.2.container = bigblocks
                archive.2.block_size = 4MiB
                archive.2.connection_string = %s
                """.formatted(azurite.connectionString()))) {
            Path file = bed.write("streamed/blocks.bin", 17 * CHUNK + 3);
            byte[] md5 = AgentTestBed.md5(file);
            bed.lfs("hsm_archive", List.of(file), "-a", "2");
            bed.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
            BlockBlobClient blob = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                    .buildClient().getBlobContainerClient("bigblocks").getBlobClient("streamed/blocks.bin")
                    .getBlockBlobClient();
            List<Long> blockSizes = blob.listBlocks(BlockListType.COMMITTED).getCommittedBlocks().stream()
                    .map(Block::getSizeLong).toList();
            assertEquals(List.of(4 * CHUNK, 4 * CHUNK, 4 * CHUNK, 4 * CHUNK, CHUNK + 3), blockSizes);
            assertArrayEquals(md5, blob.getProperties().getContentMd5());
            bed.release(file);
            bed.restore(file);
            bed.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
            assertArrayEquals(md5, AgentTestBed.md5(file));
        }
    }

    /**
     * A large file alone is not limited to the ring's write handlers (pipeline.writers, 4 here): its Put Blocks are
     * all held at the proxy, unanswered, so every one held is in flight at once, and three times the writers are.
     */
    @Test
    void aLoneLargeFileHasMorePutBlocksInFlightThanTheRingHasWriters() throws Exception {
        int writers = 4; // the test bed's pipeline.writers (the default)
        Path file = bed.write("lone/wide.bin", 20 * CHUNK);
        byte[] md5 = AgentTestBed.md5(file);
        try (HoldingProxy.Hold all = proxy.hold("every Put Block of lone/wide.bin",
                r -> r.isDataWrite() && r.isFor("roundtrip", "fs1/lone/wide.bin"))) {
            bed.archive(file);
            all.awaitHeld(3 * writers, SHORT, () -> cluster.getParam("actions"));
        }
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
        assertArrayEquals(md5, container.getBlobClient("fs1/lone/wide.bin").getProperties().getContentMd5());
    }

    /**
     * A file too large for 50,000 blocks of a ring slot: the agent grows its blocks (in whole MiB) past the slot and
     * streams them from Lustre. The slot is made small (4 KiB) rather than the file huge: 50,000 x 4 KiB + 1 byte
     * needs 1 MiB blocks, 256 slots each.
     */
    @Test
    void aFileSizedToNeedBlocksLargerThanARingSlotIsArchivedWhole() throws Exception {
        Path thirdMount = cluster.addMount("mnt3");
        try (AgentTestBed tinySlots = AgentTestBed.start(cluster, thirdMount, """
                pipeline.chunk_size = 4KiB
                pipeline.ring_size = 256
                archive.3.type = azure
                archive.3.container = grownblocks
                archive.3.connection_string = %s
                """.formatted(azurite.connectionString()))) {
            long size = 50_000L * 4096 + 1;
            Path file = bed.write("grown/blocks.bin", size);
            byte[] md5 = AgentTestBed.md5(file);
            bed.lfs("hsm_archive", List.of(file), "-a", "3");
            bed.awaitFlags(file, AgentTestBed.ARCHIVED, java.time.Duration.ofMinutes(10));
            BlockBlobClient blob = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                    .buildClient().getBlobContainerClient("grownblocks").getBlobClient("grown/blocks.bin")
                    .getBlockBlobClient();
            List<Long> blockSizes = blob.listBlocks(BlockListType.COMMITTED).getCommittedBlocks().stream()
                    .map(Block::getSizeLong).toList();
            assertEquals(196, blockSizes.size(), "1 MiB blocks");
            assertEquals(CHUNK, blockSizes.get(0));
            assertEquals(size - 195 * CHUNK, blockSizes.get(195));
            assertArrayEquals(md5, blob.getProperties().getContentMd5());
            MessageDigest stored = MessageDigest.getInstance("MD5");
            try (java.io.InputStream in = blob.openInputStream()) {
                byte[] buffer = new byte[1 << 20];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    stored.update(buffer, 0, n);
                }
            }
            assertArrayEquals(md5, stored.digest(), "the blob's bytes are not the file's");
        }
    }

    @Test
    void withoutItsRecordAFileIsRestoredFromTheRequestsFileIdElseFromItsCurrentPath() throws Exception {
        Path byFileId = bed.write("foreign/by-file-id.dat", 2 * CHUNK + 1);
        Path byPath = bed.write("foreign/by-path.dat", CHUNK / 2);
        byte[] md5FileId = AgentTestBed.md5(byFileId);
        byte[] md5Path = AgentTestBed.md5(byPath);
        bed.archive(byFileId, byPath);
        bed.awaitFlags(byFileId, AgentTestBed.ARCHIVED, SHORT);
        bed.awaitFlags(byPath, AgentTestBed.ARCHIVED, SHORT);
        bed.release(byFileId, byPath);
        // As if another tool had archived them: no record, and one blob under a name only the request knows, without
        // our FID metadata (as lemur writes it); the blob found by path keeps the file's own FID.
        for (Path file : List.of(byFileId, byPath)) {
            assertTrue(ExtendedAttributes.remove(file, ArchiveRecord.XATTR_NAME));
        }
        var source = container.getBlobClient("fs1/foreign/by-file-id.dat");
        var elsewhere = container.getBlobClient("fs1/lemur/objects/0042");
        elsewhere.beginCopy(source.getBlobUrl(), null).waitForCompletion();
        Map<String, String> withoutFid = new java.util.HashMap<>(elsewhere.getProperties().getMetadata());
        assertEquals(cluster.fid(byFileId), withoutFid.remove("azlhsm_fid"));
        elsewhere.setMetadata(withoutFid);
        source.delete();
        assertEquals(cluster.fid(byPath), container.getBlobClient("fs1/foreign/by-path.dat").getProperties()
                .getMetadata().get("azlhsm_fid"));

        bed.lfs("hsm_restore", List.of(byFileId), "--data", "{\"file_id\":\"fs1/lemur/objects/0042\"}");
        bed.restore(byPath);
        bed.awaitFlags(byFileId, AgentTestBed.ARCHIVED, SHORT);
        bed.awaitFlags(byPath, AgentTestBed.ARCHIVED, SHORT);
        assertArrayEquals(md5FileId, AgentTestBed.md5(byFileId));
        assertArrayEquals(md5Path, AgentTestBed.md5(byPath));
    }

    @Test
    void progressIsVisibleWhileALargeFileMoves() throws Exception {
        Path file = bed.write("progress/moving.bin", 200 * CHUNK);
        java.util.regex.Pattern moved = java.util.regex.Pattern.compile("ARCHIVE running \\((\\d+) bytes moved\\)");
        long[] seen = {0};
        // the first ten blocks land, the rest wait at the proxy: the archive is part-way until the test lets it go
        java.util.concurrent.atomic.AtomicInteger blocks = new java.util.concurrent.atomic.AtomicInteger();
        try (HoldingProxy.Hold rest = proxy.hold("blocks after the tenth of progress/moving.bin", r -> r.isDataWrite()
                && r.isFor("roundtrip", "fs1/progress/moving.bin") && blocks.incrementAndGet() > 10)) {
            bed.archive(file);
            rest.awaitHeld(1, SHORT, () -> cluster.lfs("hsm_action", file.toString()).stdout());
            io.azlhsm.testcluster.harness.Cluster.await("bytes moved reported", SHORT, () -> {
                var m = moved.matcher(cluster.lfs("hsm_action", file.toString()).stdout());
                if (m.find()) {
                    seen[0] = Math.max(seen[0], Long.parseLong(m.group(1)));
                }
                return seen[0] > 0;
            }, () -> "hsm_action: " + cluster.lfs("hsm_action", file.toString()).stdout() + rest);
        }
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
        assertTrue(seen[0] <= Files.size(file), "more progress than the file holds: " + seen[0]);
    }

    /**
     * A file's blocks are staged several at once and finish in any order. Each counts as moved when it is staged, so
     * while the first block is still on its way the coordinator already hears of the others: progress never waits
     * behind the slowest block (with a bandwidth limit, a later block may well pass the limiter first).
     */
    @Test
    void progressCountsEachStagedBlockWhileAnEarlierOneIsStillOnItsWay() throws Exception {
        Path file = bed.write("progress/first-held.bin", 4 * CHUNK);
        java.util.regex.Pattern moved = java.util.regex.Pattern.compile("ARCHIVE running \\((\\d+) bytes moved\\)");
        try (HoldingProxy.Hold first = proxy.hold("block 0 of progress/first-held.bin", r -> r.isDataWrite()
                && r.isFor("roundtrip", "fs1/progress/first-held.bin") && blockIndex(r) == 0)) {
            bed.archive(file);
            first.awaitHeld(1, SHORT, () -> cluster.lfs("hsm_action", file.toString()).stdout());
            io.azlhsm.testcluster.harness.Cluster.await("the blocks after block 0 counted as moved while it is held",
                    SHORT, () -> {
                        var m = moved.matcher(cluster.lfs("hsm_action", file.toString()).stdout());
                        return m.find() && Long.parseLong(m.group(1)) == 3 * CHUNK;
                    }, () -> "hsm_action: " + cluster.lfs("hsm_action", file.toString()).stdout() + first);
        }
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
    }

    /** The index a Put Block's id names (ids are base64 of "hex-index", see the azure backend), or -1. */
    private static int blockIndex(HoldingProxy.Request request) {
        String encoded = request.query("blockid");
        if (encoded == null) {
            return -1;
        }
        String id = new String(java.util.Base64.getDecoder().decode(java.net.URLDecoder.decode(
                encoded.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8)),
                java.nio.charset.StandardCharsets.US_ASCII);
        return Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
    }

    @Override
    AgentTestBed bed() {
        return bed;
    }

    @Override
    ChecksumAlgorithm checksumAlgorithm() {
        return ChecksumAlgorithm.MD5;
    }

    @Override
    boolean archiveHas(String objectName) {
        return container.getBlobClient(objectName).exists();
    }

    /**
     * The blob carries its file's FID as the index tag azlhsm_fid (no brackets). One archived before blobs carried it
     * (an older version: the tag is taken off here) cannot be found once its file is gone: the REMOVE on last unlink
     * succeeds and the blob stays, for the archive checker.
     */
    @Test
    void anUntaggedBlobIsLeftByARemoveOnLastUnlink() throws Exception {
        Path file = bed.write("untagged/old.dat", 1000);
        bed.archive(file);
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);
        String blob = record(file).orElseThrow().blob();
        String fid = cluster.fid(file);
        assertEquals(Map.of("azlhsm_fid", fid.substring(1, fid.length() - 1)),
                container.getBlobClient(blob).getTags());
        container.getBlobClient(blob).setTags(Map.of());
        cluster.setParam("remove_archive_on_last_unlink", "1");
        try {
            Files.delete(file);
            cluster.awaitActionStatus(fid, "REMOVE", "SUCCEED");
        } finally {
            cluster.setParam("remove_archive_on_last_unlink", "0");
        }
        assertTrue(archiveHas(blob), "an untagged blob cannot be told to be this file's: it stays");
    }

    @Test
    void blobCarriesAmlfsAndOwnMetadataAndTheWholeFileContentMd5() throws Exception {
        Path file = bed.write("meta/owned.dat", 3 * CHUNK + 11);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
        Files.setAttribute(file, "unix:uid", 1234);
        Files.setAttribute(file, "unix:gid", 5678);
        bed.archive(file);
        bed.awaitFlags(file, AgentTestBed.ARCHIVED, SHORT);

        BlobProperties blob = container.getBlobClient("fs1/meta/owned.dat").getProperties();
        Map<String, String> metadata = blob.getMetadata();
        PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class);
        assertEquals("1234", metadata.get("owner"));
        assertEquals("5678", metadata.get("group"));
        assertEquals("0750", metadata.get("permissions"));
        assertTrue(metadata.get("modtime").matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}"),
                metadata.get("modtime"));
        for (String own : new String[] {"azlhsm_mode", "azlhsm_mtime_ns", "azlhsm_atime_ns", "azlhsm_ctime_ns",
                "azlhsm_fid", "azlhsm_data_version", "azlhsm_md5", "azlhsm_version", "azlhsm_lov"}) {
            assertTrue(metadata.containsKey(own), own + " missing from " + metadata.keySet());
        }
        assertEquals(cluster.fid(file), metadata.get("azlhsm_fid"));
        // the file's layout, the default one: lov_user_md_v1, RAID0, 1 MiB, one stripe, first OST left to the MDT
        assertEquals("d00bd10b" + "01000000" + "00".repeat(16) + "00001000" + "0100" + "ffff",
                metadata.get("azlhsm_lov"));
        long mtimeNanos = attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        assertEquals(Long.toString(mtimeNanos), metadata.get("azlhsm_mtime_ns"));
        byte[] md5 = MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file));
        assertArrayEquals(md5, blob.getContentMd5(), "Content-MD5 is not the whole file's MD5");
        assertEquals(Files.size(file), blob.getBlobSize());
    }
}
