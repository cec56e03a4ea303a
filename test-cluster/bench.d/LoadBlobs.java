import com.azure.core.http.rest.Response;
import com.azure.core.util.HttpClientOptions;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.core.util.BinaryData;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Loads test data for an import measurement: DIRS x FILES small blobs named {@code PREFIX/dNNNNN/fNN} (optionally
 * with one {@code hdi_isfolder=true} marker blob {@code PREFIX/dNNNNN} per directory, as AMLFS writes them), each
 * with AMLFS's POSIX metadata ({@code owner}, {@code group}, {@code permissions} as %04o, {@code modtime} in Go's
 * "2006-01-02 15:04:05 -0700" layout) and Content-MD5, bodies of MIN..MAX bytes (random sizes and bytes, seeded, so
 * a rerun writes the same data). Uploads are single Put Blobs from the SDK's async client, CONCURRENCY in flight
 * (Flux.flatMap), so the loader is bound by CPU (its own and the blob service's), not by round trips (azcopy made
 * 45-150 blobs/s against Azurite on a loaded 2-core VM; this class 134-475: test-cluster/README.md "Benchmark data").
 * Existing blobs of the same names are overwritten; the container is created if missing. Benchmark tooling only,
 * never part of the copytool. LoadPosixArchive.java writes the same objects into a posix archive: change both
 * together.
 *
 *   java -cp "$(ls copytool/target/lib/*.jar | tr '\n' :)" \
 *       test-cluster/bench.d/LoadBlobs.java --container C --prefix P --dirs 100000 --files 10 [--markers] \
 *       [--min-bytes 0] [--max-bytes 1024] [--concurrency 128] [--uid 1000] [--gid 1000] [--seed 1]
 *
 * The connection string is $AZURE_STORAGE_CONNECTION_STRING (as `test-cluster/bin/cluster env` sets it). Prints a
 * progress line every 10 s and, last, "loaded N blobs in S s (R blobs/s)". Exit status 1 names the first blob that
 * failed and why.
 */
public final class LoadBlobs {
    private static final DateTimeFormatter MODTIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss xx", Locale.ROOT);

    private final BlobContainerAsyncClient container;
    private final Options options;
    private final byte[] pool;
    private final String dirFormat;
    private final String fileFormat;
    private final String modtime;

    private LoadBlobs(BlobContainerAsyncClient container, Options options) {
        this.container = container;
        this.options = options;
        this.pool = new byte[Math.max(options.maxBytes, 1) * 2];
        new SplittableRandom(options.seed).nextBytes(pool);
        this.dirFormat = "d%0" + Math.max(5, digits(options.dirs - 1)) + "d";
        this.fileFormat = "f%0" + Math.max(2, digits(options.files - 1)) + "d";
        // whole seconds, fixed: AMLFS's modtime has no fraction, and a fixed time makes reruns identical
        this.modtime = MODTIME.format(Instant.ofEpochSecond(1_700_000_000L).atOffset(ZoneOffset.UTC));
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        String connection = System.getenv("AZURE_STORAGE_CONNECTION_STRING");
        if (connection == null || connection.isEmpty()) {
            fail("AZURE_STORAGE_CONNECTION_STRING is not set (eval \"$(test-cluster/bin/cluster env)\")");
        }
        // the JDK HTTP client refuses to send Content-Length unless allowed before its first use
        System.setProperty("jdk.httpclient.allowRestrictedHeaders", "content-length");
        // A busy Azurite (a million blobs in memory, on a shared machine) can take minutes to answer one of the
        // many requests in flight: wait long and try again rather than give up an hour's load on one timeout.
        BlobContainerAsyncClient container = new BlobServiceClientBuilder().connectionString(connection)
                .clientOptions(new HttpClientOptions().setResponseTimeout(Duration.ofMinutes(5))
                        .setReadTimeout(Duration.ofMinutes(5)))
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, 10, Duration.ofMinutes(10),
                        Duration.ofSeconds(1), Duration.ofSeconds(30), null))
                .buildAsyncClient().getBlobContainerAsyncClient(options.container);
        container.createIfNotExists().block(Duration.ofMinutes(2));
        new LoadBlobs(container, options).run();
    }

    private void run() {
        long perDir = options.files + (options.markers ? 1 : 0);
        long total = options.dirs * perDir;
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        Thread progress = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(10_000);
                    long n = done.get();
                    double s = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "%d/%d blobs in %.0f s (%.0f blobs/s)%n", n, total, s, n / s);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "progress");
        progress.setDaemon(true);
        progress.start();
        try {
            Flux.range(0, Math.toIntExact(total))
                    .flatMap(i -> upload(i / perDir, i % perDir).doOnSuccess(r -> done.incrementAndGet()),
                            options.concurrency)
                    .then().block();
        } catch (RuntimeException e) {
            fail(e.getMessage());
        }
        progress.interrupt();
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "loaded %d blobs in %.1f s (%.0f blobs/s)%n", total, seconds,
                total / seconds);
    }

    /** Index {@code options.files} in a directory is its marker blob; the others are its files. */
    private Mono<Response<BlockBlobItem>> upload(long dir, long index) {
        String dirName = options.prefix + String.format(Locale.ROOT, dirFormat, dir);
        boolean marker = index == options.files;
        String name = marker ? dirName : dirName + "/" + String.format(Locale.ROOT, fileFormat, index);
        byte[] body = marker ? new byte[0] : body(name);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("owner", Integer.toString(options.uid));
        metadata.put("group", Integer.toString(options.gid));
        metadata.put("permissions", marker ? "0755" : "0644");
        metadata.put("modtime", modtime);
        if (marker) {
            metadata.put("hdi_isfolder", "true");
        }
        BlockBlobSimpleUploadOptions upload = new BlockBlobSimpleUploadOptions(BinaryData.fromBytes(body))
                .setMetadata(metadata)
                .setHeaders(new BlobHttpHeaders().setContentMd5(md5(body)));
        return container.getBlobAsyncClient(name).getBlockBlobAsyncClient().uploadWithResponse(upload)
                .onErrorMap(e -> new IllegalStateException("blob " + name + ": " + e, e));
    }

    private byte[] body(String name) {
        SplittableRandom random = new SplittableRandom(options.seed ^ name.hashCode());
        int size = options.minBytes + random.nextInt(options.maxBytes - options.minBytes + 1);
        int from = random.nextInt(pool.length - size + 1);
        return Arrays.copyOfRange(pool, from, from + size);
    }

    private static byte[] md5(byte[] body) {
        try {
            return MessageDigest.getInstance("MD5").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int digits(long n) {
        return Long.toString(Math.max(n, 0)).length();
    }

    private static void fail(String message) {
        System.err.println("LoadBlobs: " + message);
        System.exit(1);
    }

    private record Options(String container, String prefix, long dirs, long files, boolean markers, int minBytes,
                           int maxBytes, int concurrency, int uid, int gid, long seed) {
        static Options parse(String[] args) {
            String container = null;
            String prefix = "";
            long dirs = 0;
            long files = 0;
            boolean markers = false;
            int minBytes = 0;
            int maxBytes = 1024;
            int concurrency = 128;
            int uid = 0;
            int gid = 0;
            long seed = 1;
            try {
                for (int i = 0; i < args.length; i++) {
                    switch (args[i]) {
                        case "--container" -> container = args[++i];
                        case "--prefix" -> prefix = args[++i];
                        case "--dirs" -> dirs = Long.parseLong(args[++i]);
                        case "--files" -> files = Long.parseLong(args[++i]);
                        case "--markers" -> markers = true;
                        case "--min-bytes" -> minBytes = Integer.parseInt(args[++i]);
                        case "--max-bytes" -> maxBytes = Integer.parseInt(args[++i]);
                        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                        case "--uid" -> uid = Integer.parseInt(args[++i]);
                        case "--gid" -> gid = Integer.parseInt(args[++i]);
                        case "--seed" -> seed = Long.parseLong(args[++i]);
                        default -> usage("unknown option " + args[i]);
                    }
                }
            } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
                usage("bad or missing value: " + e.getMessage());
            }
            if (container == null || dirs < 1 || files < 0 || minBytes < 0 || maxBytes < minBytes
                    || concurrency < 1 || (files == 0 && !markers)) {
                usage("--container, --dirs >= 1 and --files >= 0 (or --markers) are required; "
                        + "0 <= --min-bytes <= --max-bytes; --concurrency >= 1");
            }
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix = prefix + "/";
            }
            return new Options(container, prefix, dirs, files, markers, minBytes, maxBytes, concurrency, uid, gid,
                    seed);
        }

        private static void usage(String problem) {
            System.err.println("LoadBlobs: " + problem + "\nusage: LoadBlobs --container C --dirs N --files N "
                    + "[--prefix P] [--markers] [--min-bytes 0] [--max-bytes 1024] [--concurrency 128] "
                    + "[--uid 0] [--gid 0] [--seed 1]");
            System.exit(2);
        }
    }
}
