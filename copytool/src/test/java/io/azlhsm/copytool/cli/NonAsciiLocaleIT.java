package io.azlhsm.copytool.cli;

import io.azlhsm.copytool.agent.AgentProcesses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import io.azlhsm.copytool.agent.AgentTestBed;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent and an import started under {@code LANG=C} (a bare systemd unit, cron) with non-ASCII names: paths reach
 * Lustre and blob names stay UTF-8, whatever the locale the launcher was started in.
 */
class NonAsciiLocaleIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");

    @Test
    void archiveRestoreAndImportKeepUtf8NamesUnderTheCLocale() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start(); Cluster cluster = Cluster.start()) {
            BlobContainerClient container = new BlobServiceClientBuilder()
                    .connectionString(azurite.connectionString()).buildClient().getBlobContainerClient("locale");
            container.create();
            Path config = cluster.root().resolve("copytool.properties");
            Files.writeString(config, String.join("\n",
                    "mount = " + cluster.mount(),
                    "runtime_dir = " + cluster.root().resolve("agent-run"), // the agent's mount lock, not in the host's /run
                    "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                    "archive.1.type = azure",
                    "archive.1.container = locale",
                    "archive.1.connection_string = " + azurite.connectionString(), ""));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            Path log = cluster.root().resolve("agent.log");
            Process agent = inCLocale(new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString()))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                Cluster.await("agent registered", AgentProcesses.START_TIMEOUT,
                        () -> cluster.getParam("agents").contains("uuid=") || !agent.isAlive(), () -> read(log));
                Path file = cluster.mount().resolve("café/naïve €.txt");
                Files.createDirectories(file.getParent());
                Files.writeString(file, "crème brûlée\n");
                assertTrue(cluster.lfs("hsm_archive", file.toString()).ok());
                cluster.awaitFlags(file, AgentTestBed.ARCHIVED);
                assertTrue(container.getBlobClient("café/naïve €.txt").exists(),
                        "blob named in UTF-8: " + container.listBlobs().stream().map(b -> b.getName()).toList()
                                + "\n" + read(log));
                assertTrue(cluster.lfs("hsm_release", file.toString()).ok());
                assertEquals("crème brûlée\n", Files.readString(file, StandardCharsets.UTF_8));

                container.getBlobClient("ünï/日本語.txt").upload(BinaryData.fromString("こんにちは\n"));
                Process importer = inCLocale(new ProcessBuilder(LAUNCHER.toString(), "import", "--config",
                        config.toString(), "--archive", "1", "--prefix", "ünï")).redirectErrorStream(true).start();
                String printed = new String(importer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(importer.waitFor(120, TimeUnit.SECONDS), printed);
                assertEquals(0, importer.exitValue(), printed);
                Path stub = cluster.mount().resolve("ünï/日本語.txt");
                assertTrue(Files.exists(stub), "stub named in UTF-8: " + printed);
                assertEquals("こんにちは\n", Files.readString(stub, StandardCharsets.UTF_8));
            } finally {
                agent.destroy();
                agent.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private static ProcessBuilder inCLocale(ProcessBuilder builder) {
        Map<String, String> env = builder.environment();
        env.put("LANG", "C");
        env.put("LC_ALL", "C");
        env.remove("LC_CTYPE");
        return builder;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "(" + file + ": " + e + ")";
        }
    }
}
