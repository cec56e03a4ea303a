package io.azlhsm.copytool.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code archive.N.access_tier}: file data goes to the configured tier with the upload itself (Put Blob for a small
 * file, Put Block List for a large one), read back as {@code x-ms-access-tier} set explicitly (not inferred); without
 * the key no tier is sent and the blob is in the account's default; {@code copytool ls} shows each blob's tier.
 */
class AccessTierIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String[] TIERS = {"hot", "cool", "cold", "archive"};

    @Test
    void fileDataIsUploadedToTheConfiguredTierAndLsShowsIt() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start(); Cluster cluster = Cluster.start()) {
            StringBuilder keys = new StringBuilder("pipeline.chunk_size = 1MiB\n");
            for (int i = 0; i <= TIERS.length; i++) {
                int id = i + 1;
                keys.append("archive.").append(id).append(".type = azure\n")
                        .append("archive.").append(id).append(".container = tiers").append(id).append('\n')
                        .append("archive.").append(id).append(".connection_string = ")
                        .append(azurite.connectionString()).append('\n')
                        .append("archive.").append(id).append(".single_put_limit = 1MiB\n");
                if (i < TIERS.length) {
                    keys.append("archive.").append(id).append(".access_tier = ").append(TIERS[i]).append('\n');
                }
            }
            BlobServiceClient service = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                    .buildClient();
            try (AgentTestBed bed = AgentTestBed.start(cluster, cluster.mount(), keys.toString())) {
                for (int i = 0; i <= TIERS.length; i++) {
                    int id = i + 1;
                    String tier = i < TIERS.length ? TIERS[i] : "default";
                    // one file in one Put Blob, one in blocks committed by Put Block List
                    Path small = bed.write(tier + "/small.bin", 100_000);
                    Path large = bed.write(tier + "/large.bin", 3 << 20);
                    bed.lfs("hsm_archive", List.of(small, large), "--archive", Integer.toString(id));
                    bed.awaitFlags(small, AgentTestBed.ARCHIVED, WAIT);
                    bed.awaitFlags(large, AgentTestBed.ARCHIVED, WAIT);
                    for (Path file : List.of(small, large)) {
                        String blob = cluster.mount().relativize(file).toString();
                        BlobProperties properties = service.getBlobContainerClient("tiers" + id).getBlobClient(blob)
                                .getProperties();
                        if (i < TIERS.length) {
                            assertEquals(TIERS[i], properties.getAccessTier().toString().toLowerCase(),
                                    "x-ms-access-tier of " + blob);
                            assertFalse(Boolean.TRUE.equals(properties.isAccessTierInferred()),
                                    "the tier of " + blob + " was set by the upload, not inferred");
                        } else {
                            assertTrue(Boolean.TRUE.equals(properties.isAccessTierInferred()),
                                    "without access_tier no tier is sent: " + blob + " has the account's default");
                        }
                    }
                }
            }

            Path config = cluster.root().resolve("ls.properties");
            Files.writeString(config, "mount = " + cluster.mount() + "\n" + keys);
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            for (int i = 0; i < TIERS.length; i++) {
                String out = ls(config, i + 1);
                String tier = TIERS[i];
                String expected = tier.substring(0, 1).toUpperCase() + tier.substring(1);
                for (String name : List.of("small.bin", "large.bin")) {
                    assertTrue(out.lines().anyMatch(line -> line.contains(" " + expected + " ")
                            && line.endsWith(tier + "/" + name)), "ls of archive " + (i + 1) + " shows "
                            + expected + " for " + name + ":\n" + out);
                }
            }
        }
    }

    private static String ls(Path config, int archive) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Main(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new ArchiveListCommand())
                .run(new String[] {"ls", "--config", config.toString(), "--archive", Integer.toString(archive),
                        "--no-metadata"});
        assertEquals(ExitCode.OK, status, err.toString(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
