package io.azlhsm.copytool.archive.azure;

import static io.azlhsm.copytool.archive.WriteCondition.absent;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.azure.core.http.HttpClientProvider;
import com.azure.core.http.jdk.httpclient.JdkHttpClientProvider;
import com.azure.core.http.netty.NettyAsyncHttpClientProvider;
import com.azure.core.http.okhttp.OkHttpAsyncClientProvider;
import io.azlhsm.copytool.archive.BackendSecret;
import io.azlhsm.copytool.archive.BackendSettings.BackendType;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.copytool.archive.ContentMd5;
import io.azlhsm.copytool.archive.GeneratedData;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.testcluster.harness.AzuriteExtension;
import io.azlhsm.testcluster.harness.AzuriteServer;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Compares the SDK's HTTP transports through our backend against one Azurite: a 256 MiB file staged in 8 MiB blocks
 * from 4 threads, then read back in 8 MiB ranges from 4 threads; and 2,000 small objects put and read back.
 * {@code azlhsm.benchmark.rounds} (3) rounds, each starting with another transport. Opt-in
 * (it takes a few minutes and measures, it does not test): {@code mvn -pl copytool -am verify -Dit.test=AzureHttpClientBenchmarkIT -Dazlhsm.benchmark=true}.
 */
@ExtendWith(AzuriteExtension.class)
@EnabledIfSystemProperty(named = "azlhsm.benchmark", matches = "true")
class AzureHttpClientBenchmarkIT {
    private static final int CHUNK = 8 * 1024 * 1024;
    private static final long SIZE = 256L * 1024 * 1024;
    private static final int THREADS = 4;
    private static final int ROUNDS = Integer.getInteger("azlhsm.benchmark.rounds", 3);

    @Test
    void compareTransports(AzuriteServer azurite) throws Exception {
        List<Class<? extends HttpClientProvider>> transports = List.of(NettyAsyncHttpClientProvider.class,
                OkHttpAsyncClientProvider.class, JdkHttpClientProvider.class);
        GeneratedData data = new GeneratedData(99, SIZE);
        byte[] md5 = data.md5();
        List<String> report = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            for (int i = 0; i < transports.size(); i++) { // each round starts with another transport
                Class<? extends HttpClientProvider> transport = transports.get((round + i) % transports.size());
                report.add("round " + round + " " + measure(azurite, transport, data, md5));
            }
        }
        report.forEach(line -> System.out.println("BENCHMARK " + line));
        assertFalse(report.isEmpty());
    }

    /**
     * Many small objects, as the agent moves small files: {@code azlhsm.benchmark.small.count} (2,000) Put Blobs of
     * {@code azlhsm.benchmark.small.size} bytes (64 KiB) with Content-MD5 and metadata from {@value #SMALL_THREADS}
     * threads, then one ranged GET each; objects per second and this JVM's CPU per object (the transports differ most
     * in their per-request work). "production" is the product's pair ({@link AzureHttpClients#create}); OkHttp alone
     * comes through its provider, whose dispatcher runs at most 5 asynchronous calls (the GETs) per host.
     * {@code azlhsm.benchmark.small.transports} picks some of netty, okhttp, jdk, production.
     */
    @Test
    void compareTransportsOnSmallObjects(AzuriteServer azurite) throws Exception {
        Map<String, java.util.function.Supplier<AzureTransports>> all = new java.util.LinkedHashMap<>();
        all.put("netty", () -> AzureTransports.only(AzureHttpClients.create(NettyAsyncHttpClientProvider.class,
                SMALL_THREADS)));
        all.put("okhttp", () -> AzureTransports.only(AzureHttpClients.create(OkHttpAsyncClientProvider.class,
                SMALL_THREADS)));
        all.put("jdk", () -> AzureTransports.only(AzureHttpClients.create(JdkHttpClientProvider.class,
                SMALL_THREADS)));
        all.put("production", () -> AzureHttpClients.create(SMALL_THREADS));
        List<String> transports = List.of(System.getProperty("azlhsm.benchmark.small.transports",
                String.join(",", all.keySet())).split(","));
        List<String> report = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            for (int i = 0; i < transports.size(); i++) {
                String transport = transports.get((round + i) % transports.size());
                report.add("round " + round + " " + measureSmall(azurite, transport, all.get(transport).get()));
            }
        }
        report.forEach(line -> System.out.println("BENCHMARK small " + line));
        assertFalse(report.isEmpty());
    }

    private static final int SMALL_COUNT = Integer.getInteger("azlhsm.benchmark.small.count", 2000);
    private static final int SMALL_SIZE = Integer.getInteger("azlhsm.benchmark.small.size", 64 * 1024);
    private static final int SMALL_THREADS = 16;

    private static String measureSmall(AzuriteServer azurite, String transport, AzureTransports transports)
            throws Exception {
        BackendSettings settings = BackendSettings.builder(9, BackendType.AZURE)
                .connectionString(BackendSecret.of(azurite.connectionString())).container("bench-small")
                .chunkSize(CHUNK).maxConcurrency(SMALL_THREADS).build();
        try (AzureBlobBackend backend = new AzureBlobBackend(settings, transports)) {
            GeneratedData data = new GeneratedData(7, SMALL_SIZE);
            ByteBuffer body = data.fill(ByteBuffer.allocateDirect(SMALL_SIZE), 0);
            byte[] md5 = ContentMd5.of(body.duplicate());
            Map<String, String> metadata = Map.of("owner", "0", "group", "0", "permissions", "0644");
            String prefix = transport + "/" + System.nanoTime() + "/f";
            String[] etags = new String[SMALL_COUNT]; // each index written by one task, read after all finished
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            parallel(SMALL_COUNT, SMALL_THREADS, index -> etags[index] =
                    backend.putWhole(prefix + index, body.duplicate(), new ObjectAttributes(md5, metadata), absent()).etag());
            long t1 = System.nanoTime();
            long cpu1 = processCpuNanos();
            ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(SMALL_SIZE));
            parallel(SMALL_COUNT, SMALL_THREADS, index -> {
                ByteBuffer buffer = buffers.get().clear();
                backend.read(prefix + index, etags[index], 0, buffer);
                assertArrayEquals(md5, ContentMd5.of(buffer.flip()));
            });
            long t2 = System.nanoTime();
            long cpu2 = processCpuNanos();
            return String.format(Locale.ROOT, "%-11s %7d B  put %6.0f/s %5.2f ms CPU each   get %6.0f/s %5.2f ms CPU"
                            + " each", transport, SMALL_SIZE, SMALL_COUNT / ((t1 - t0) / 1e9),
                    (cpu1 - cpu0) / 1e6 / SMALL_COUNT, SMALL_COUNT / ((t2 - t1) / 1e9),
                    (cpu2 - cpu1) / 1e6 / SMALL_COUNT);
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static String measure(AzuriteServer azurite, Class<? extends HttpClientProvider> transport,
                                  GeneratedData data, byte[] md5) throws Exception {
        BackendSettings settings = BackendSettings.builder(9, BackendType.AZURE)
                .connectionString(BackendSecret.of(azurite.connectionString())).container("bench")
                .chunkSize(CHUNK).maxConcurrency(THREADS).build();
        DirectMemory direct = new DirectMemory();
        try (AzureBlobBackend backend = new AzureBlobBackend(settings, AzureHttpClients.create(transport, THREADS))) {
            String name = transport.getSimpleName() + ".bin";
            int chunks = (int) (SIZE / CHUNK);
            ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));
            ByteBuffer[] prepared = new ByteBuffer[chunks];
            for (int i = 0; i < chunks; i++) { // generated up front so only the transfer is timed
                prepared[i] = data.fill(ByteBuffer.allocateDirect(CHUNK), (long) i * CHUNK);
            }
            direct.baseline();

            long cpuStart = processCpuNanos();
            long uploadStart = System.nanoTime();
            ChunkedUpload upload = backend.beginUpload(name, SIZE, CHUNK);
            parallel(chunks, index -> {
                upload.stage(index, prepared[index]);
                direct.sample();
            });
            upload.commit(chunks, new ObjectAttributes(md5, Map.of()), absent());
            double uploadSeconds = (System.nanoTime() - uploadStart) / 1e9;

            String etag = backend.stat(name).orElseThrow().etag();
            byte[][] digests = new byte[chunks][];
            long downloadStart = System.nanoTime();
            parallel(chunks, index -> {
                ByteBuffer buffer = buffers.get().clear();
                backend.read(name, etag, (long) index * CHUNK, buffer);
                digests[index] = ContentMd5.of(buffer.flip());
                direct.sample();
            });
            double downloadSeconds = (System.nanoTime() - downloadStart) / 1e9;
            long cpuEnd = processCpuNanos();
            MessageDigest whole = ContentMd5.newDigest();
            for (int i = 0; i < chunks; i++) { // per-range digests only prove each range; check the bytes too
                ByteBuffer check = data.range((long) i * CHUNK, CHUNK);
                assertArrayEquals(ContentMd5.of(check), digests[i], "range " + i);
                whole.update(check);
            }
            assertArrayEquals(md5, whole.digest());
            backend.delete(name, null);
            return String.format(Locale.ROOT, "%-30s upload %6.1f MiB/s  download %6.1f MiB/s  CPU (both, with MD5s)"
                            + " %5.2f s/GiB  direct memory above our own buffers %5d MiB",
                    transport.getSimpleName(), SIZE / 1048576.0 / uploadSeconds, SIZE / 1048576.0 / downloadSeconds,
                    (cpuEnd - cpuStart) / 1e9 / (SIZE / 1073741824.0), direct.peakAboveBaseline() / 1048576);
        }
    }

    private interface ChunkTask {
        void run(int index) throws Exception;
    }

    private static void parallel(int count, ChunkTask task) throws Exception {
        parallel(count, THREADS, task);
    }

    private static void parallel(int count, int threads, ChunkTask task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    task.run(index);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Peak of the JVM's direct buffer pool above our own buffers. Netty's pooled allocator may take direct memory
     * outside this pool's accounting, so for Netty this is a lower bound.
     */
    private static final class DirectMemory {
        private final BufferPoolMXBean pool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(p -> p.getName().equals("direct")).findFirst().orElseThrow();
        private final AtomicLong peak = new AtomicLong();
        private long baseline;

        /** Everything allocated so far is ours (the prepared chunks); thread-local read buffers add 32 MiB later. */
        void baseline() {
            baseline = pool.getMemoryUsed() + (long) THREADS * CHUNK;
        }

        void sample() {
            peak.accumulateAndGet(pool.getMemoryUsed(), Math::max);
        }

        long peakAboveBaseline() {
            return Math.max(0, peak.get() - baseline);
        }
    }
}
