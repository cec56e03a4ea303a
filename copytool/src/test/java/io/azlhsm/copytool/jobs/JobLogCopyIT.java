package io.azlhsm.copytool.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobType;
import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.BackendFactory;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.ForwardingBackend;
import io.azlhsm.copytool.config.BackendSettingsOf;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22.6: the job log goes to the logging container as an append blob that receives only the new bytes of the
 * local log at each copy, so a log above 32 MiB (one Put Blob's limit for the old whole-log copy) is copied, each byte
 * sent once; the blob's conditions fence a writer whose lock generation was overtaken. Azurite behind a
 * {@link HoldingProxy} that only counts what is sent.
 *
 * <p>The logs are 36 MiB by default; {@code -Dazlhsm.it.jobLogMiB=100} (with {@code -Dit.jvm.options=-Xmx192m}, the jobs'
 * heap) is how the 100 MiB log of issue 22.6 was measured. The test compares logs by digest, never holding one whole.
 */
@Timeout(900)
class JobLogCopyIT {
    private static final String LOGS = "joblogs";
    /** Size of the logs written; above 32 MiB, one Put Blob's limit, whatever is chosen. */
    private static final int LOG_MIB = Math.max(36, Integer.getInteger("azlhsm.it.jobLogMiB", 36));
    private static AzuriteServer azurite;
    private static HoldingProxy proxy;
    private static BlobContainerClient logs;

    @TempDir
    Path mount;
    private CopytoolConfig config;

    @BeforeAll
    static void startAzurite() throws Exception {
        azurite = AzuriteServer.start();
        proxy = HoldingProxy.start(azurite);
        logs = new BlobServiceClientBuilder().connectionString(azurite.connectionString()).buildClient()
                .getBlobContainerClient(LOGS);
    }

    @AfterAll
    static void stopAzurite() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @BeforeEach
    void configure() throws Exception {
        Properties p = new Properties();
        p.setProperty("mount", mount.toString());
        p.setProperty("archive.1.type", "azure");
        p.setProperty("archive.1.container", "data");
        p.setProperty("archive.1.logging_container", LOGS);
        p.setProperty("archive.1.connection_string", proxy.connectionString());
        config = CopytoolConfig.fromProperties(p, "test");
    }

    /** Logs {@code bursts} x {@code perBurst} bytes of lines, waiting after each burst until the blob holds them. */
    private record VerboseJob(int bursts, int perBurst) implements Job {
        @Override
        public JobKind kind() {
            return JobKind.IMPORT;
        }

        @Override
        public Map<String, String> parameters() {
            return Map.of("test", "verbose");
        }

        @Override
        public JobState run(JobContext context) throws Exception {
            String filler = "x".repeat(1000);
            JobLog log = context.log();
            for (int burst = 0; burst < bursts; burst++) {
                for (int written = 0; written < perBurst; written += filler.length()) {
                    log.info("burst " + burst + " line " + written + " " + filler);
                }
                long local = log.flushedLength();
                BlobClient blob = logs.getBlobClient(context.jobId() + ".log");
                Cluster.await("the log blob holds the first " + local + " bytes of the local log",
                        Duration.ofSeconds(120), () -> blob.exists() && blob.getProperties().getBlobSize() >= local,
                        () -> blob.exists() ? "it holds " + blob.getProperties().getBlobSize() : "no blob");
            }
            return JobState.COMPLETED;
        }
    }

    @Test
    void aLogAbove32MiBIsAppendedToItsBlobEachByteSentOnce() throws Exception {
        AtomicLong bodyBytes = new AtomicLong();
        List<String> requests = new CopyOnWriteArrayList<>();
        try (HoldingProxy.Hold counter = proxy.hold("counts the log writes, holds nothing", request -> {
            if (request.path().startsWith(LOGS + "/") && "PUT".equals(request.method())) {
                requests.add(request.toString() + " " + request.header("content-length"));
                String length = request.header("content-length");
                bodyBytes.addAndGet(length == null ? Long.MIN_VALUE / 2 : Long.parseLong(length)); // chunked: fail
            }
            return false;
        })) {
            JobRunner runner = new JobRunner(config, JobRunner.Settings.quiet()
                    .withLogCopyInterval(Duration.ofMillis(100)), () -> null, ContainerLogSink::forArchive,
                    Clock.systemUTC());
            JobOutcome outcome = runner.run(new VerboseJob(3, (LOG_MIB << 20) / 3));
            assertEquals(JobState.COMPLETED, outcome.state(), outcome.message());

            Path local = runner.store().logFile(outcome.jobId());
            long size = Files.size(local);
            assertTrue(size > (long) LOG_MIB << 20, "local log of " + size + " bytes");
            BlobClient blob = logs.getBlobClient(outcome.jobId() + ".log");
            BlobProperties properties = blob.getProperties();
            assertEquals(BlobType.APPEND_BLOB, properties.getBlobType());
            assertEquals(Long.toString(runner.store().read(outcome.jobId()).orElseThrow().generation()),
                    properties.getMetadata().get(ContainerLogSink.GENERATION));
            assertEquals(sha256(local), sha256(blob), "the blob is the local log");
            // Each byte once: the bodies of every write to the log container add up to the log's size.
            assertEquals(size, bodyBytes.get(), String.join("\n", requests));
            long appends = requests.stream().filter(r -> r.contains("comp=appendblock")).count();
            System.out.printf("a log of %d bytes went to its append blob in %d appends, %d bytes sent, heap max %d MiB%n",
                    size, appends, bodyBytes.get(), Runtime.getRuntime().maxMemory() >> 20);
            assertTrue(appends >= LOG_MIB / 4 + 1, LOG_MIB + " MiB in 4 MiB blocks: " + String.join("\n", requests));
        }
    }

    /** The same with one copy at the end only (the log written in one go): still one Put of each byte. */
    @Test
    void aLogAbove32MiBWrittenAtOnceIsCopiedWhole() throws Exception {
        AtomicLong bodyBytes = new AtomicLong();
        try (HoldingProxy.Hold counter = proxy.hold("counts the log writes, holds nothing", request -> {
            if (request.path().startsWith(LOGS + "/") && "PUT".equals(request.method())) {
                String length = request.header("content-length");
                bodyBytes.addAndGet(length == null ? Long.MIN_VALUE / 2 : Long.parseLong(length));
            }
            return false;
        })) {
            JobRunner runner = new JobRunner(config, JobRunner.Settings.quiet(), () -> null,
                    ContainerLogSink::forArchive, Clock.systemUTC());
            JobOutcome outcome = runner.run(new Job() {
                @Override
                public JobKind kind() {
                    return JobKind.EXPORT;
                }

                @Override
                public Map<String, String> parameters() {
                    return Map.of("test", "at once");
                }

                @Override
                public JobState run(JobContext context) {
                    String filler = "y".repeat(1000);
                    for (long written = 0; written < (long) (LOG_MIB - 2) << 20; written += filler.length()) {
                        context.log().info("line " + written + " " + filler);
                    }
                    return JobState.COMPLETED;
                }
            });
            assertEquals(JobState.COMPLETED, outcome.state(), outcome.message());
            Path local = runner.store().logFile(outcome.jobId());
            BlobClient blob = logs.getBlobClient(outcome.jobId() + ".log");
            assertTrue(blob.exists(), "no log blob for a log of " + Files.size(local) + " bytes");
            assertEquals(sha256(local), sha256(blob), "the blob is the local log");
            assertEquals(Files.size(local), bodyBytes.get());
        }
    }

    @Test
    void aWriterOfAnOlderGenerationIsRefusedOnceANewerOneTookTheBlobOver() throws Exception {
        Path file = mount.resolve("fenced.log");
        Files.writeString(file, "crashed run's lines\n");
        String name = "fenced-" + System.nanoTime() + ".log";
        try (LogSink older = sink(); LogSink newer = sink()) {
            older.copy(name, file, Files.size(file), 4);
            Files.writeString(file, "older run's lines\n", StandardOpenOption.APPEND);
            older.copy(name, file, Files.size(file), 4);

            // The job resumed elsewhere under generation 5 (this node stalled): it takes the blob over.
            Files.writeString(file, "newer run's lines\n", StandardOpenOption.APPEND);
            newer.copy(name, file, Files.size(file), 5);
            byte[] newerCopy = Files.readAllBytes(file);
            assertArrayEquals(newerCopy, logs.getBlobClient(name).downloadContent().toBytes());
            assertEquals("5", logs.getBlobClient(name).getProperties().getMetadata()
                    .get(ContainerLogSink.GENERATION));

            // The stalled holder comes back: its append fails the blob's conditions, and it finds generation 5 there.
            Files.writeString(file, "stalled run's late lines\n", StandardOpenOption.APPEND);
            JobLockLostException refused = assertThrows(JobLockLostException.class,
                    () -> older.copy(name, file, Files.size(file), 4));
            assertTrue(refused.getMessage().contains("generation 5, after this run's 4"), refused.getMessage());
            assertArrayEquals(newerCopy, logs.getBlobClient(name).downloadContent().toBytes(),
                    "nothing of the stalled run reached the blob");
        }
        try (LogSink late = sink()) {
            assertThrows(JobLockLostException.class, () -> late.copy(name, file, Files.size(file), 4));
        }
    }

    @Test
    void aBlobNearItsAppendLimitIsMadeAgainInFullBlocks() throws Exception {
        Path file = mount.resolve("long-running.log");
        String name = "long-running-" + System.nanoTime() + ".log";
        ArchiveBackend azure = BackendFactory.create(logBackendSettings());
        // A blob that takes 4 appends stands in for 50,000: a job logging a line per copy for weeks.
        try (ContainerLogSink sink = new ContainerLogSink(new ForwardingBackend(azure) {
            @Override
            public long maxAppends() {
                return 4;
            }
        })) {
            for (int line = 0; line < 10; line++) {
                Files.writeString(file, "line " + line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                sink.copy(name, file, Files.size(file), 1);
                assertArrayEquals(Files.readAllBytes(file), logs.getBlobClient(name).downloadContent().toBytes(),
                        "after line " + line);
                int blocks = logs.getBlobClient(name).getProperties().getCommittedBlockCount();
                assertTrue(blocks <= 4, blocks + " blocks after line " + line);
            }
        }
    }

    private LogSink sink() throws Exception {
        Optional<LogSink> sink = ContainerLogSink.forArchive(config.archives().get(1), config.chunkSize());
        return sink.orElseThrow();
    }

    private BackendSettings logBackendSettings() {
        return BackendSettingsOf.archive(config.archives().get(1), config.chunkSize()).toBuilder()
                .container(LOGS).prefix("").createContainer(true).build();
    }

    private static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    private static String sha256(BlobClient blob) throws IOException {
        try (InputStream in = blob.openInputStream()) {
            return sha256(in);
        }
    }

    private static String sha256(InputStream in) throws IOException {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
