import com.azure.core.http.HttpClient;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.core.http.rest.ResponseBase;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobDownloadHeaders;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;

/**
 * The bare Azure SDK for Java as a benchmark peer of the small-file scenario: what any Java tool built on the SDK the
 * copytool uses costs for the same work, with no Lustre, no pipeline and no bookkeeping of ours. Same transport as the
 * agent's small requests (OkHttp, a connection and a dispatcher slot per concurrent request), same credential (the
 * account SAS, or the connection string's shared key when no SAS is given), the same work per file as azcopy's
 * {@code --put-md5} / {@code --check-md5 FailIfDifferent}: read the file, its MD5, one Put Blob with it as the
 * blob's Content-MD5 and the request's; list the blobs, one Get Blob each, its body checked against the blob's
 * Content-MD5, written to a file.
 *
 * <p>Measured as the agent is: warmed first (--warmup-rounds passes over the whole data set in the same JVM, the way
 * the bench warms the agent, so the JIT's compiling and the JVM's start are not charged to the windows), then one
 * timed upload and one timed download, each window's process CPU (all threads: GC and JIT included) and the
 * Azurite process's CPU read from /proc. Prints, last, two lines the bench records:
 *
 * <pre>
 *   archive WALL_S CPU_S AZURITE_CPU_S
 *   restore WALL_S CPU_S AZURITE_CPU_S
 * </pre>
 *
 *   BENCH_BLOB_URL=http://127.0.0.1:PORT/devstoreaccount1 BENCH_SAS=... (or AZURE_STORAGE_CONNECTION_STRING)
 *   java -cp "$(ls copytool/target/lib/*.jar | tr '\n' :)" SdkCopy.java --source DIR --container C --prefix P
 *       --dest DIR [--concurrency 32] [--warmup-rounds 3] [--azurite-pid PID]
 *
 * Uploads go to PREFIX/&lt;path under DIR&gt; (warm-up rounds to warm-N/PREFIX/...), downloads to DEST/PREFIX/... .
 * Benchmark tooling only, never part of the copytool.
 */
public final class SdkCopy {
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private final BlobContainerClient container;
    private final ExecutorService workers;
    private final Path source;
    private final List<Path> files;

    private SdkCopy(BlobContainerClient container, int concurrency, Path source) throws IOException {
        this.container = container;
        this.workers = Executors.newFixedThreadPool(concurrency, task -> {
            Thread thread = new Thread(task, "sdk-copy");
            thread.setDaemon(true);
            return thread;
        });
        this.source = source;
        try (Stream<Path> walk = Files.walk(source)) {
            this.files = walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    public static void main(String[] args) throws Exception {
        Path source = null;
        Path dest = null;
        String containerName = null;
        String prefix = null;
        int concurrency = 32;
        int warmupRounds = 3;
        long azuritePid = 0;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--source" -> source = Path.of(value);
                case "--dest" -> dest = Path.of(value);
                case "--container" -> containerName = value;
                case "--prefix" -> prefix = value;
                case "--concurrency" -> concurrency = Integer.parseInt(value);
                case "--warmup-rounds" -> warmupRounds = Integer.parseInt(value);
                case "--azurite-pid" -> azuritePid = Long.parseLong(value);
                default -> usage("unknown argument " + args[i]);
            }
            i++;
        }
        if (source == null || dest == null || containerName == null || prefix == null) {
            usage("--source, --dest, --container and --prefix are required");
        }
        SdkCopy copy = new SdkCopy(container(containerName, concurrency), concurrency, source);
        for (int round = 1; round <= warmupRounds; round++) {
            String warm = "warm-" + round + "/" + prefix;
            Path warmDest = dest.resolve("warm-" + round);
            copy.upload(warm);
            copy.download(warm, warmDest);
            deleteTree(warmDest);
            System.err.println("warm-up round " + round + " of " + warmupRounds + ": " + copy.files.size()
                    + " files each way");
        }
        Window archive = Window.start(azuritePid);
        copy.upload(prefix);
        archive.end("archive");
        Window restore = Window.start(azuritePid);
        int restored = copy.download(prefix, dest);
        restore.end("restore");
        if (restored != copy.files.size()) {
            throw new IllegalStateException("restored " + restored + " blobs of " + copy.files.size());
        }
        System.exit(0);
    }

    private static void usage(String why) {
        System.err.println("SdkCopy: " + why + "\nusage: SdkCopy --source DIR --container C --prefix P --dest DIR"
                + " [--concurrency N] [--warmup-rounds N] [--azurite-pid PID]");
        System.exit(2);
    }

    /** A container client as the agent builds its small-request one: OkHttp, SAS (or the connection string). */
    private static BlobContainerClient container(String name, int concurrency) {
        Dispatcher dispatcher = new Dispatcher(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "sdk-copy-okhttp");
            thread.setDaemon(true);
            return thread;
        }));
        dispatcher.setMaxRequests(concurrency);
        dispatcher.setMaxRequestsPerHost(concurrency);
        HttpClient http = new OkHttpAsyncHttpClientBuilder()
                .connectionPool(new ConnectionPool(concurrency, 60, TimeUnit.SECONDS))
                .dispatcher(dispatcher)
                .build();
        BlobContainerClientBuilder builder = new BlobContainerClientBuilder().containerName(name).httpClient(http);
        String sas = System.getenv("BENCH_SAS");
        if (sas != null && !sas.isEmpty()) {
            builder.endpoint(System.getenv("BENCH_BLOB_URL")).sasToken(sas);
        } else {
            builder.connectionString(System.getenv("AZURE_STORAGE_CONNECTION_STRING"));
        }
        return builder.buildClient();
    }

    /** Each source file as one Put Blob, its MD5 the blob's Content-MD5 and the request's (checked by the service). */
    private void upload(String prefix) throws Exception {
        List<Future<?>> pending = new ArrayList<>(files.size());
        for (Path file : files) {
            String blob = prefix + "/" + source.relativize(file);
            pending.add(workers.submit(() -> {
                byte[] data = Files.readAllBytes(file);
                byte[] md5 = md5().digest(data);
                container.getBlobClient(blob).getBlockBlobClient().uploadWithResponse(
                        new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(data))
                                .setHeaders(new BlobHttpHeaders().setContentMd5(md5)).setContentMd5(md5),
                        null, Context.NONE);
                return null;
            }));
        }
        for (Future<?> done : pending) {
            done.get();
        }
    }

    /** Lists the prefix, gets each blob, checks its body against its Content-MD5 and writes it under dest. */
    private int download(String prefix, Path dest) throws Exception {
        List<Future<?>> pending = new ArrayList<>(files.size());
        for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(prefix + "/"), null)) {
            String blob = item.getName();
            Path target = dest.resolve(blob);
            pending.add(workers.submit(() -> {
                ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.max(0, item.getProperties()
                        .getContentLength()));
                ResponseBase<BlobDownloadHeaders, Void> response = container.getBlobClient(blob)
                        .downloadStreamWithResponse(body, null, new DownloadRetryOptions(), null, false, null,
                                Context.NONE);
                byte[] data = body.toByteArray();
                byte[] expected = response.getDeserializedHeaders().getContentMd5();
                if (expected == null || !Arrays.equals(expected, md5().digest(data))) {
                    throw new IOException(blob + ": body does not match its Content-MD5");
                }
                Files.createDirectories(target.getParent());
                Files.write(target, data);
                return null;
            }));
        }
        for (Future<?> done : pending) {
            done.get();
        }
        return pending.size();
    }

    private static MessageDigest md5() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("MD5");
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** A measured window: wall time, this process's CPU (every thread), Azurite's CPU (0 without its pid). */
    private record Window(long wallNanos, long cpuNanos, long azuriteTicks, long azuritePid) {
        static Window start(long azuritePid) throws IOException {
            return new Window(System.nanoTime(), processCpuNanos(), ticks(azuritePid), azuritePid);
        }

        void end(String op) throws IOException {
            double wall = (System.nanoTime() - wallNanos) / 1e9;
            double cpu = (processCpuNanos() - cpuNanos) / 1e9;
            double azurite = (ticks(azuritePid) - azuriteTicks) / (double) CLOCK_TICKS_PER_SECOND;
            System.out.printf(Locale.ROOT, "%s %.6f %.6f %.6f%n", op, wall, cpu, azurite);
            System.out.flush();
        }

        private static long processCpuNanos() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
        }

        /** utime + stime of a process, in clock ticks (/proc/PID/stat fields 14 and 15, after the comm). */
        private static long ticks(long pid) throws IOException {
            if (pid <= 0) {
                return 0;
            }
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        }
    }
}
