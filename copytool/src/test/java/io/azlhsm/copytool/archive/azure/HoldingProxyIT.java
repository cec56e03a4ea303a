package io.azlhsm.copytool.archive.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The harness's holding proxy, through the SDK the product uses: requests pass unchanged (a multi-block upload and a
 * download through it are byte-identical), a held request waits unsent until released, and names are matched decoded.
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
}
