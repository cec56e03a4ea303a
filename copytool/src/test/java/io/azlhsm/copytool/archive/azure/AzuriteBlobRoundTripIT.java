package io.azlhsm.copytool.archive.azure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.core.util.BinaryData;
import io.azlhsm.testcluster.harness.AzuriteExtension;
import io.azlhsm.testcluster.harness.AzuriteServer;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The blob side works end to end against the suite's own Azurite: data, Content-MD5 and metadata survive. */
@ExtendWith(AzuriteExtension.class)
class AzuriteBlobRoundTripIT {

    @Test
    void tenMebibyteBlobRoundTripsByteIdenticalWithMetadata(AzuriteServer azurite) throws Exception {
        byte[] data = new byte[10 * 1024 * 1024];
        new Random(20261122L).nextBytes(data);
        byte[] md5 = MessageDigest.getInstance("MD5").digest(data);
        Map<String, String> metadata = Map.of("owner", "1000", "group", "1000", "permissions", "0644",
                "modtime", "2026-11-22 00:00:00 +0000");

        BlobContainerClient container = new BlobServiceClientBuilder()
                .connectionString(azurite.connectionString()).buildClient()
                .createBlobContainer("roundtrip");
        BlobClient blob = container.getBlobClient("dir/ten-mib.bin");
        blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(data))
                .setHeaders(new BlobHttpHeaders().setContentMd5(md5))
                .setMetadata(metadata), null, null);

        ByteArrayOutputStream downloaded = new ByteArrayOutputStream(data.length);
        blob.downloadStream(downloaded);
        BlobProperties properties = blob.getProperties();

        assertArrayEquals(data, downloaded.toByteArray(), "downloaded bytes differ from uploaded bytes");
        assertEquals(data.length, properties.getBlobSize());
        assertArrayEquals(md5, properties.getContentMd5(), "Content-MD5 not kept");
        assertEquals(metadata, properties.getMetadata());
    }
}
