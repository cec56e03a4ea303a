package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
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
    private AgentTestBed bed;
    private BlobContainerClient container;

    @BeforeAll
    void start() throws Exception {
        azurite = AzuriteServer.start();
        cluster = Cluster.start();
        bed = AgentTestBed.start(cluster, cluster.mount(), """
                archive.1.type = azure
                archive.1.container = roundtrip
                archive.1.prefix = fs1/
                archive.1.connection_string = %s
                """.formatted(azurite.connectionString()));
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
        if (azurite != null) {
            azurite.close();
        }
    }

    @Override
    AgentTestBed bed() {
        return bed;
    }

    @Override
    boolean archiveHas(String objectName) {
        return container.getBlobClient(objectName).exists();
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
                "azlhsm_fid", "azlhsm_data_version", "azlhsm_md5", "azlhsm_version"}) {
            assertTrue(metadata.containsKey(own), own + " missing from " + metadata.keySet());
        }
        assertEquals(cluster.fid(file), metadata.get("azlhsm_fid"));
        long mtimeNanos = attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS);
        assertEquals(Long.toString(mtimeNanos), metadata.get("azlhsm_mtime_ns"));
        byte[] md5 = MessageDigest.getInstance("MD5").digest(Files.readAllBytes(file));
        assertArrayEquals(md5, blob.getContentMd5(), "Content-MD5 is not the whole file's MD5");
        assertEquals(Files.size(file), blob.getBlobSize());
    }
}
