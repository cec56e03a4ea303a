package io.azlhsm.copytool.archive.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.BlobClient;
import com.azure.core.util.Context;
import com.azure.storage.blob.models.AccessTier;
import com.azure.storage.blob.models.ArchiveStatus;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.RehydratePriority;
import com.azure.storage.blob.options.BlobSetAccessTierOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The harness's holding proxy, through the SDK the product uses: requests pass unchanged (a multi-block upload and a
 * download through it are byte-identical), a held request waits unsent until released, names are matched decoded,
 * and a corrupted response differs from the stored blob in exactly the chosen byte while the connection stays usable.
 */
class HoldingProxyIT {
    @Test
    void heldRequestsWaitUnsentUntilReleasedAndEverythingElsePassesUnchanged() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start(); HoldingProxy proxy = HoldingProxy.start(azurite)) {
            BlobContainerClient direct = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                    .buildClient().getBlobContainerClient("proxied");
            BlobContainerClient proxied = new BlobServiceClientBuilder().connectionString(proxy.connectionString())
                    .buildClient().getBlobContainerClient("proxied");
            proxied.create();
            byte[] body = new byte[5 << 20];
            new Random(7).nextBytes(body);
            // four Put Blocks and a Put Block List, the way large archives go
            proxied.getBlobClient("dir one/big.bin").uploadWithResponse(new BlobParallelUploadOptions(
                    BinaryData.fromBytes(body)).setParallelTransferOptions(new ParallelTransferOptions()
                    .setBlockSizeLong(1L << 20).setMaxSingleUploadSizeLong(1L << 20)), null, null);
            assertArrayEquals(body, direct.getBlobClient("dir one/big.bin").downloadContent().toBytes());
            assertArrayEquals(body, proxied.getBlobClient("dir one/big.bin").downloadContent().toBytes());

            try (HoldingProxy.Hold hold = proxy.hold("writes of dir one/small",
                    r -> r.isDataWrite() && r.isFor("proxied", "dir one/small"))) {
                CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> proxied
                        .getBlobClient("dir one/small").upload(BinaryData.fromString("held"), true));
                hold.awaitHeld(1, Duration.ofSeconds(30), () -> "upload " + upload);
                assertThrows(TimeoutException.class, () -> upload.get(1, TimeUnit.SECONDS));
                assertFalse(direct.getBlobClient("dir one/small").exists(), "a held request reached Azurite");
                assertEquals(1, hold.held());
                hold.release();
                upload.get(30, TimeUnit.SECONDS);
            }
            assertEquals("held", direct.getBlobClient("dir one/small").downloadContent().toString());
        }
    }

    @Test
    void aCorruptedResponseHasExactlyOneByteInvertedAndTheConnectionGoesOnWorking() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start(); HoldingProxy proxy = HoldingProxy.start(azurite)) {
            BlobContainerClient proxied = new BlobServiceClientBuilder().connectionString(proxy.connectionString())
                    .buildClient().getBlobContainerClient("corrupted");
            proxied.create();
            byte[] body = new byte[3 << 20];
            new Random(11).nextBytes(body);
            BlobClient blob = proxied.getBlobClient("dir/victim.bin");
            blob.upload(BinaryData.fromBytes(body));
            long rangeStart = 1 << 20;
            int rangeLength = 1 << 20;
            int bodyOffset = 4321;
            try (HoldingProxy.Corruption corruption = proxy.corrupt("the second MiB of dir/victim.bin",
                    r -> r.isDataRead() && r.isFor("corrupted", "dir/victim.bin")
                            && ("bytes=" + rangeStart + "-" + (rangeStart + rangeLength - 1)).equals(
                                    r.header("x-ms-range")), bodyOffset)) {
                // a HEAD answered on the same connections (no body despite its Content-Length) stays in step
                assertEquals(body.length, blob.getProperties().getBlobSize());
                byte[] first = range(blob, 0, rangeLength);
                byte[] second = range(blob, rangeStart, rangeLength);
                assertEquals(1, corruption.corrupted(), corruption::toString);
                assertArrayEquals(Arrays.copyOfRange(body, 0, rangeLength), first, "an unselected range");
                assertEquals(rangeLength, second.length, "the corrupted body keeps its length");
                for (int i = 0; i < rangeLength; i++) {
                    byte stored = body[(int) rangeStart + i];
                    if (i == bodyOffset) {
                        assertEquals((byte) ~stored, second[i], "the chosen byte is inverted");
                    } else if (second[i] != stored) {
                        throw new AssertionError("byte " + i + " of the range differs too");
                    }
                }
                assertTrue(corruption.corruptedRequests().get(0).startsWith("GET /"), corruption::toString);
            }
            // closed: the same range comes back as stored
            assertArrayEquals(Arrays.copyOfRange(body, (int) rangeStart, (int) rangeStart + rangeLength),
                    range(blob, rangeStart, rangeLength));
            assertArrayEquals(body, blob.downloadContent().toBytes());
        }
    }

    private static byte[] range(BlobClient blob, long offset, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        blob.downloadStreamWithResponse(out, new BlobRange(offset, (long) length), null, null, false, null, null);
        return out.toByteArray();
    }

    /**
     * A slow rehydration, as Azure's REST reference describes a blob being rehydrated from the Archive tier: until the
     * test completes it, Get Blob answers 409 BlobArchived, Get Blob Properties says Archive with the pending status
     * and priority, and another Set Blob Tier answers 409 BlobBeingRehydrated; the ETag never changes; then the blob
     * reads as Azurite has it.
     */
    @Test
    void aBlobRehydratesAsSlowlyAsOnAzureUntilTheTestCompletesIt() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start(); HoldingProxy proxy = HoldingProxy.start(azurite)) {
            BlobContainerClient direct = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                    .buildClient().getBlobContainerClient("tiers");
            BlobContainerClient proxied = new BlobServiceClientBuilder().connectionString(proxy.connectionString())
                    .buildClient().getBlobContainerClient("tiers");
            direct.create();
            BlobClient blob = proxied.getBlobClient("cold/data.bin");
            blob.upload(BinaryData.fromString("rehydrated"));
            String etag = blob.getProperties().getETag();
            direct.getBlobClient("cold/data.bin").setAccessTier(AccessTier.ARCHIVE);
            try (HoldingProxy.Rehydration rehydration = proxy.rehydrateSlowly("tiers", "cold/data.bin", null)) {
                // before any Set Blob Tier: Azurite's own Archive tier
                assertEquals("BlobArchived", errorCode(() -> blob.downloadContent()));
                assertEquals(AccessTier.ARCHIVE, blob.getProperties().getAccessTier());
                assertFalse(rehydration.rehydrating());

                assertEquals(202, blob.setAccessTierWithResponse(new BlobSetAccessTierOptions(AccessTier.HOT)
                        .setPriority(RehydratePriority.HIGH), null, Context.NONE).getStatusCode());
                assertTrue(rehydration.rehydrating());
                assertEquals(AccessTier.HOT, direct.getBlobClient("cold/data.bin").getProperties().getAccessTier(),
                        "Azurite changed the tier at once");
                BlobProperties pending = blob.getProperties();
                assertEquals(AccessTier.ARCHIVE, pending.getAccessTier());
                assertEquals(ArchiveStatus.REHYDRATE_PENDING_TO_HOT, pending.getArchiveStatus());
                assertEquals("High", String.valueOf(pending.getRehydratePriority()));
                assertEquals(etag, pending.getETag(), "a tier change keeps the ETag");
                assertEquals("BlobArchived", errorCode(() -> blob.downloadContent()));
                assertEquals("BlobBeingRehydrated", errorCode(() -> blob.setAccessTier(AccessTier.HOT)));
                assertEquals(java.util.List.of("Hot/High", "Hot/null"), rehydration.tierRequests());

                rehydration.complete();
                assertEquals("rehydrated", blob.downloadContent().toString());
                assertEquals(AccessTier.HOT, blob.getProperties().getAccessTier());
                assertEquals(null, blob.getProperties().getArchiveStatus());
            }
        }
    }

    private static String errorCode(Runnable request) {
        BlobStorageException e = assertThrows(BlobStorageException.class, request::run);
        assertEquals(409, e.getStatusCode(), e.getMessage());
        BlobErrorCode code = e.getErrorCode();
        return code == null ? null : code.toString();
    }
}
