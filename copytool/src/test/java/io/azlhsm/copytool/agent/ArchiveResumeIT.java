package io.azlhsm.copytool.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.specialized.BlockBlobClient;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * An archive cut short by SIGKILL resumes: the agent is killed once exactly 40 of the file's 64 blocks are staged
 * (62.5%: every later Put Block is held at the proxy, and the blob's uncommitted block list is watched until it holds
 * those 40), the next agent's archive of the same, unchanged file sends only the 24 blocks that were missing, the
 * counter azlhsm_archive_resumed_bytes_total has the 40 blocks it did not send, and the file restores byte-identical
 * (the counts are {@link #BLOCKS} and {@link #STAGED_BEFORE_KILL}).
 */
class ArchiveResumeIT {
    private static final Path LAUNCHER = TestClusterHome.directory().resolveSibling("copytool").resolve("bin/copytool");
    private static final long BLOCK = 4L << 20;
    /**
     * 64 blocks (256 MiB) in the suite. For a one-off measurement of a larger file, set both on the Maven command line
     * (failsafe hands them to the test JVM), e.g. 2 GiB killed at 62.5%: {@code -Dazlhsm.resume.blocks=512
     * -Dazlhsm.resume.staged_before_kill=320}.
     */
    private static final int BLOCKS = Integer.getInteger("azlhsm.resume.blocks", 64);
    private static final long SIZE = BLOCKS * BLOCK;
    private static final int STAGED_BEFORE_KILL = Integer.getInteger("azlhsm.resume.staged_before_kill", 40);
    /** 256 MiB through the simulated client and Azurite on a loaded 2-core machine: minutes, not hours. */
    private static final Duration LONG = Duration.ofMinutes(10L * Math.max(1, BLOCKS / 64));
    private static final Pattern RESUMED = Pattern.compile(
            "^azlhsm_archive_resumed_bytes_total\\{archive=\"1\"\\} (\\d+)$", Pattern.MULTILINE);

    @Test
    void anArchiveKilledAtSixtyPercentSendsOnlyTheMissingBlocksOnTheNextRequest() throws Exception {
        try (AzuriteServer azurite = AzuriteServer.start(); HoldingProxy proxy = HoldingProxy.start(azurite);
             Cluster cluster = Cluster.start()) {
            Path root = cluster.root();
            int port = freePort();
            Path config = root.resolve("copytool.properties");
            Files.writeString(config, String.join("\n",
                    "mount = " + cluster.mount(),
                    "lustre.library = " + TestClusterHome.nativeDirectory().resolve("libhsmsim.so"),
                    "metrics.listen = 127.0.0.1:" + port,
                    "runtime_dir = " + root.resolve("agent-run"),
                    "shutdown_grace = 5s",
                    "pipeline.chunk_size = 4MiB",
                    "pipeline.ring_size = 8",
                    "pipeline.readers = 2",
                    "pipeline.writers = 2",
                    "archive.1.type = azure",
                    "archive.1.container = resume",
                    "archive.1.connection_string = " + proxy.connectionString(), ""));
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
            Path file = cluster.mount().resolve("big.bin");
            byte[] md5 = writeRandom(file, SIZE);
            BlockBlobClient blob = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                    .buildClient().getBlobContainerClient("resume").getBlobClient("big.bin").getBlockBlobClient();

            // Put Block bytes the proxy passed on to Azurite, before the kill and after the restart; while the first
            // agent runs, its Put Blocks after the 40th are held (never answered: it dies waiting for them)
            AtomicLong sentFirst = new AtomicLong();
            AtomicLong sentSecond = new AtomicLong();
            AtomicBoolean firstAgent = new AtomicBoolean(true);
            AtomicInteger blocks = new AtomicInteger();
            try (HoldingProxy.Hold rest = proxy.hold("Put Blocks of big.bin after the " + STAGED_BEFORE_KILL + "th",
                    r -> {
                        if (!r.isDataWrite() || !r.isFor("resume", "big.bin")) {
                            return false;
                        }
                        long length = Long.parseLong(r.header("Content-Length"));
                        if (!firstAgent.get()) {
                            sentSecond.addAndGet(length);
                            return false;
                        }
                        if (blocks.incrementAndGet() > STAGED_BEFORE_KILL) {
                            return true;
                        }
                        sentFirst.addAndGet(length);
                        return false;
                    })) {
                Path firstLog = root.resolve("first.log");
                Process first = start(config, firstLog);
                try {
                    awaitRegistered(cluster, first, firstLog);
                    assertTrue(cluster.lfs("hsm_archive", file.toString()).ok());
                    rest.awaitHeld(1, LONG, () -> AgentProcesses.read(firstLog));
                    Cluster.await(STAGED_BEFORE_KILL + " blocks staged", LONG,
                            () -> uncommitted(blob) == STAGED_BEFORE_KILL,
                            () -> uncommitted(blob) + " uncommitted blocks\n" + AgentProcesses.read(firstLog));
                    first.destroyForcibly(); // SIGKILL at 62.5%: no abort, no unregister
                    assertTrue(first.waitFor(60, TimeUnit.SECONDS), "SIGKILL did not end the agent");
                } finally {
                    first.destroyForcibly();
                }
                firstAgent.set(false);
                assertEquals(STAGED_BEFORE_KILL, uncommitted(blob), "the killed archive's blocks stay staged");

                // the dead agent's request ends at the coordinator's timeout; then the file is asked for again
                String fid = cluster.fid(file);
                cluster.setParam("active_request_timeout", "1");
                Cluster.await("the killed archive timed out", LONG,
                        () -> cluster.actionStatuses(fid, "ARCHIVE").contains("CANCELED"),
                        () -> cluster.getParam("actions"));
                cluster.setParam("active_request_timeout", "3600");
                Path secondLog = root.resolve("second.log");
                Process second = start(config, secondLog);
                try {
                    awaitRegistered(cluster, second, secondLog);
                    assertTrue(cluster.lfs("hsm_archive", file.toString()).ok());
                    Cluster.await("big.bin archived", LONG, () -> cluster.flags(file) == AgentTestBed.ARCHIVED,
                            () -> cluster.getParam("actions") + AgentProcesses.read(secondLog));
                    long resumed = resumedBytes(port);
                    System.out.printf("ArchiveResumeIT: %d-byte file; first agent sent %d bytes of Put Block before"
                            + " SIGKILL, the second sent %d (%.1f%%) and reused %d staged%n", SIZE, sentFirst.get(),
                            sentSecond.get(), 100.0 * sentSecond.get() / SIZE, resumed);
                    assertEquals(STAGED_BEFORE_KILL * BLOCK, resumed, "azlhsm_archive_resumed_bytes_total");
                    assertEquals((BLOCKS - STAGED_BEFORE_KILL) * BLOCK, sentSecond.get(),
                            "the second archive sent more than the missing blocks");
                    assertTrue(sentSecond.get() <= 0.45 * SIZE, "sent " + sentSecond.get() + " of " + SIZE);
                    assertArrayEquals(md5, blob.getProperties().getContentMd5());

                    assertTrue(cluster.lfs("hsm_release", file.toString()).ok());
                    assertTrue(cluster.lfs("hsm_restore", file.toString()).ok());
                    Cluster.await("big.bin restored", LONG, () -> cluster.flags(file) == AgentTestBed.ARCHIVED,
                            () -> cluster.getParam("actions") + AgentProcesses.read(secondLog));
                    assertArrayEquals(md5, md5(file), "the restored file differs");
                    AgentProcesses.stop(second, secondLog);
                } finally {
                    second.destroyForcibly();
                }
            }
        }
    }

    private static Process start(Path config, Path log) throws Exception {
        return new ProcessBuilder(LAUNCHER.toString(), "agent", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitRegistered(Cluster cluster, Process agent, Path log) {
        Cluster.await("agent registered", AgentProcesses.START_TIMEOUT,
                () -> AgentProcesses.read(log).contains("registered on ") || !agent.isAlive(),
                () -> AgentProcesses.read(log));
        assertTrue(agent.isAlive(), AgentProcesses.read(log));
    }

    private static int uncommitted(BlockBlobClient blob) {
        try {
            return blob.listBlocks(BlockListType.UNCOMMITTED).getUncommittedBlocks().size();
        } catch (com.azure.storage.blob.models.BlobStorageException notYet) {
            return 0;
        }
    }

    private static byte[] writeRandom(Path file, long size) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        Random random = new Random(1603);
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += buffer.length) {
                random.nextBytes(buffer);
                out.write(buffer);
                md5.update(buffer);
            }
        }
        return md5.digest();
    }

    private static byte[] md5(Path file) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        byte[] buffer = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                md5.update(buffer, 0, n);
            }
        }
        return md5.digest();
    }

    private static long resumedBytes(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = RESUMED.matcher(response.body());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
