package io.azlhsm.copytool.jobs.imports;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import io.azlhsm.copytool.agent.Agent;
import io.azlhsm.copytool.agent.AgentLauncher;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.JobOutcome;
import io.azlhsm.copytool.jobs.JobRunner;
import io.azlhsm.copytool.jobs.JobStore;
import io.azlhsm.testcluster.harness.AzuriteServer;
import io.azlhsm.testcluster.harness.Cluster;
import io.azlhsm.testcluster.harness.HoldingProxy;
import io.azlhsm.testcluster.harness.TestClusterHome;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Azurite, a simulated cluster and a running agent (so imported stubs restore when read), with archive N mapped to
 * the N-th given container (all logging to {@code joblogs}); the configuration is also a file for the command line.
 * The product reaches Azurite through a {@link HoldingProxy}, so a test can stop a job at a listing of its choice;
 * the test's own {@link #service} client talks to Azurite directly.
 */
final class ImportTestBed implements AutoCloseable {
    final AzuriteServer azurite;
    final HoldingProxy proxy;
    final Cluster cluster;
    final CopytoolConfig config;
    final Path configFile;
    final BlobServiceClient service;
    private final Agent agent;

    private ImportTestBed(AzuriteServer azurite, HoldingProxy proxy, Cluster cluster, CopytoolConfig config,
                          Path configFile, BlobServiceClient service, Agent agent) {
        this.azurite = azurite;
        this.proxy = proxy;
        this.cluster = cluster;
        this.config = config;
        this.configFile = configFile;
        this.service = service;
        this.agent = agent;
    }

    static ImportTestBed start(String... containers) throws Exception {
        AzuriteServer azurite = AzuriteServer.start();
        HoldingProxy proxy = HoldingProxy.start(azurite);
        Cluster cluster = Cluster.start();
        BlobServiceClient service = new BlobServiceClientBuilder().connectionString(azurite.connectionString())
                .buildClient();
        StringBuilder keys = new StringBuilder();
        keys.append("mount = ").append(cluster.mount()).append('\n');
        keys.append("lustre.library = ").append(TestClusterHome.nativeDirectory().resolve("libhsmsim.so"))
                .append('\n');
        keys.append("pipeline.chunk_size = 1MiB\npipeline.ring_size = 16\npipeline.progress_interval = 1s\n");
        keys.append("runtime_dir = ").append(cluster.root().resolve("agent-run")).append('\n'); // not the host's
        for (int i = 0; i < containers.length; i++) {
            int id = i + 1;
            service.createBlobContainerIfNotExists(containers[i]);
            keys.append("archive.").append(id).append(".type = azure\n");
            keys.append("archive.").append(id).append(".container = ").append(containers[i]).append('\n');
            keys.append("archive.").append(id).append(".logging_container = joblogs\n");
            keys.append("archive.").append(id).append(".connection_string = ").append(proxy.connectionString())
                    .append('\n');
        }
        Path configFile = Files.createTempFile("import-it", ".properties");
        Files.setPosixFilePermissions(configFile, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(configFile, keys);
        CopytoolConfig config = CopytoolConfig.load(configFile);
        return new ImportTestBed(azurite, proxy, cluster, config, configFile, service, AgentLauncher.launch(config));
    }

    Path mount() {
        return cluster.mount();
    }

    JobOutcome runImport(ImportOptions options) throws Exception {
        return new JobRunner(config, JobRunner.Settings.quiet()).run(new ImportJob(options));
    }

    /** As {@link #runImport(ImportOptions)}, under this configuration plus more lines (e.g. import.* keys). */
    JobOutcome runImport(ImportOptions options, String extraKeys) throws Exception {
        Path file = Files.createTempFile("import-it-extra", ".properties");
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            Files.writeString(file, Files.readString(configFile) + extraKeys);
            return new JobRunner(CopytoolConfig.load(file), JobRunner.Settings.quiet()).run(new ImportJob(options));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    static ImportOptions options(int archive, ConflictMode mode, long maxErrors, String target, String... prefixes) {
        return new ImportOptions(archive, ImportPrefixes.normalize(List.of(prefixes)), mode, maxErrors, target, 8);
    }

    BlobContainerClient container(int archive) {
        return service.getBlobContainerClient(config.archives().get(archive).container().orElseThrow());
    }

    static void upload(BlobContainerClient container, String name, byte[] body, Map<String, String> metadata) {
        container.getBlobClient(name).uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(body))
                .setMetadata(metadata.isEmpty() ? null : metadata), null, null);
    }

    static void uploadMany(BlobContainerClient container, Map<String, byte[]> blobs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            blobs.forEach((name, body) -> done.add(pool.submit(() -> upload(container, name, body, Map.of()))));
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    String log(String jobId) throws Exception {
        return Files.readString(new JobStore(mount()).logFile(jobId));
    }

    /**
     * Holds the listing of page {@code page} (counted from 1) of every import started from now on, until the hold is
     * released: the job has then imported the pages before it and waits, alive, for that page.
     */
    HoldingProxy.Hold holdListingOfPage(int page) {
        java.util.concurrent.atomic.AtomicInteger continued = new java.util.concurrent.atomic.AtomicInteger();
        return proxy.hold("the listing of page " + page, request -> request.isListing()
                && request.query("marker") != null && continued.incrementAndGet() == page - 1);
    }

    /** The import marker in the file-system root, if there is one. */
    Optional<String> marker() throws Exception {
        try (Stream<Path> files = Files.list(mount())) {
            return files.map(p -> p.getFileName().toString()).filter(ImportMarker::isMarkerName).findFirst();
        }
    }

    static int mode(Path path) throws Exception {
        return (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    static int uid(Path path) throws Exception {
        return (Integer) Files.getAttribute(path, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    }

    static int gid(Path path) throws Exception {
        return (Integer) Files.getAttribute(path, "unix:gid", LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public void close() throws Exception {
        agent.stop(Duration.ofSeconds(5));
        cluster.close();
        proxy.close();
        azurite.close();
        Files.deleteIfExists(configFile);
    }
}
