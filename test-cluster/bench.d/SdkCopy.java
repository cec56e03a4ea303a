import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientProvider;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.azure.core.http.rest.ResponseBase;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.HttpClientOptions;
import com.azure.storage.blob.BlobAsyncClient;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobDownloadHeaders;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.options.BlockBlobSimpleUploadOptions;
import com.azure.storage.blob.options.BlockBlobStageBlockOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;

/**
 * The bare Azure SDK for Java as a benchmark peer ("sdk-java"): what any Java tool built on the SDK the copytool uses
 * costs for the same work, with no Lustre, no pipeline and no bookkeeping of ours. Two modes, one per scenario:
 *
 * <ul>
 *   <li>{@code --mode small} (this class): the small-file scenario. Same transport as the agent's small requests
 *       (OkHttp, a connection and a dispatcher slot per concurrent request), the same work per file as azcopy's
 *       {@code --put-md5} / {@code --check-md5 FailIfDifferent}: read the file, its MD5, one Put Blob with it as the
 *       blob's Content-MD5 and the request's; list the blobs, one Get Blob each, its body checked against the blob's
 *       Content-MD5, written to a file.</li>
 *   <li>{@code --mode large} ({@link LargeCopy}, below): the large-file scenario, doing what the agent does for a
 *       large file, with its default chunk size, concurrency and transports: Put Block per chunk with the block's
 *       Content-MD5, the whole file's MD5 alongside, one Put Block List carrying it; ranged Get Blobs in parallel, the
 *       whole file's MD5 checked against the blob's Content-MD5, the file written by position.</li>
 * </ul>
 *
 * Both use the agent's credential as the bench gives it (the account SAS azcopy gets, or the connection string's
 * shared key when no SAS is given: --agent-auth key).
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
 *   java -Djdk.httpclient.allowRestrictedHeaders=content-length -cp "$(ls copytool/target/lib/*.jar | tr '\n' :)"
 *       SdkCopy.java --source DIR --container C --prefix P --dest DIR [--mode small|large] [--concurrency 32]
 *       [--warmup-rounds 3] [--azurite-pid PID]
 *
 * (The property lets the JDK's HttpClient, which the large mode uploads with, send the SDK's Content-Length, as
 * copytool/bin/copytool sets it for the agent.) Uploads go to PREFIX/&lt;path under DIR&gt; (warm-up rounds to
 * warm-N/PREFIX/...), downloads to DEST/PREFIX/... . Benchmark tooling only, never part of the copytool.
 */
public final class SdkCopy implements Mover {
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
        this.files = sourceFiles(source);
    }

    public static void main(String[] args) throws Exception {
        Path source = null;
        Path dest = null;
        String containerName = null;
        String prefix = null;
        String mode = "small";
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
                case "--mode" -> mode = value;
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
        Mover copy = switch (String.valueOf(mode)) {
            case "small" -> new SdkCopy(builder(containerName, okHttp(concurrency)).buildClient(), concurrency, source);
            case "large" -> new LargeCopy(containerName, concurrency, source);
            default -> {
                usage("--mode takes small or large, not " + mode);
                yield null;
            }
        };
        for (int round = 1; round <= warmupRounds; round++) {
            String warm = "warm-" + round + "/" + prefix;
            Path warmDest = dest.resolve("warm-" + round);
            copy.upload(warm);
            copy.download(warm, warmDest);
            deleteTree(warmDest);
            copy.forget(warm);
            System.err.println("warm-up round " + round + " of " + warmupRounds + ": " + copy.fileCount()
                    + " files each way");
        }
        Window archive = Window.start(azuritePid);
        copy.upload(prefix);
        archive.end("archive");
        Window restore = Window.start(azuritePid);
        int restored = copy.download(prefix, dest);
        restore.end("restore");
        if (restored != copy.fileCount()) {
            throw new IllegalStateException("restored " + restored + " blobs of " + copy.fileCount());
        }
        System.exit(0);
    }

    private static void usage(String why) {
        System.err.println("SdkCopy: " + why + "\nusage: SdkCopy --source DIR --container C --prefix P --dest DIR"
                + " [--mode small|large] [--concurrency N] [--warmup-rounds N] [--azurite-pid PID]");
        System.exit(2);
    }

    @Override
    public int fileCount() {
        return files.size();
    }

    /** The regular files under a directory, in name order. */
    static List<Path> sourceFiles(Path source) throws IOException {
        try (Stream<Path> walk = Files.walk(source)) {
            return walk.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /**
     * OkHttp as the agent builds it for its small requests and every download (AzureHttpClients.okHttp): a
     * connection and a dispatcher slot per concurrent request, on daemon threads.
     */
    static HttpClient okHttp(int concurrency) {
        Dispatcher dispatcher = new Dispatcher(Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "sdk-copy-okhttp");
            thread.setDaemon(true);
            return thread;
        }));
        dispatcher.setMaxRequests(concurrency);
        dispatcher.setMaxRequestsPerHost(concurrency);
        return new OkHttpAsyncHttpClientBuilder()
                .connectionPool(new ConnectionPool(concurrency, 60, TimeUnit.SECONDS))
                .dispatcher(dispatcher)
                .build();
    }

    /**
     * The JDK's HttpClient as the agent builds it for blocks and requests without a body of data
     * (AzureHttpClients.jdk: azure-core's JdkHttpClientProvider, a pool of {@code concurrency} connections).
     */
    static HttpClient jdkHttp(int concurrency) {
        return HttpClient.createDefault(new HttpClientOptions().setMaximumConnectionPoolSize(concurrency)
                .setHttpClientProvider(JdkHttpClientProvider.class));
    }

    /** A container client builder over the given transport, with the SAS (or the connection string). */
    static BlobContainerClientBuilder builder(String name, HttpClient http) {
        BlobContainerClientBuilder builder = new BlobContainerClientBuilder().containerName(name).httpClient(http);
        String sas = System.getenv("BENCH_SAS");
        if (sas != null && !sas.isEmpty()) {
            builder.endpoint(System.getenv("BENCH_BLOB_URL")).sasToken(sas);
        } else {
            builder.connectionString(System.getenv("AZURE_STORAGE_CONNECTION_STRING"));
        }
        return builder;
    }

    /** Each source file as one Put Blob, its MD5 the blob's Content-MD5 and the request's (checked by the service). */
    @Override
    public void upload(String prefix) throws Exception {
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
    @Override
    public int download(String prefix, Path dest) throws Exception {
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

    static MessageDigest md5() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("MD5");
    }

    static void deleteTree(Path root) throws IOException {
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


/** One mode of SdkCopy: its way of moving the data set, the work a window times. */
interface Mover {
    void upload(String prefix) throws Exception;

    /** Downloads what {@link #upload} put under the prefix; returns the number of files written. */
    int download(String prefix, Path dest) throws Exception;

    int fileCount();

    /** Removes a warm-up round's blobs, where the mode does (by default nothing). */
    default void forget(String prefix) throws Exception {
    }
}

/**
 * sdk-java's large mode: each file (the large scenario has one) moved as the agent moves a large file, with the SDK
 * alone, so that ours/sdk-java is what the agent adds (Lustre through the client mount, the ring's stages, records,
 * metadata, progress reports) and sdk-java/azcopy what the SDK costs. Every figure is the agent's default, named
 * where the agent keeps it:
 *
 * <ul>
 *   <li>Chunks of {@link #CHUNK}, held in {@link #RING} direct buffers, as the agent's ring holds them.</li>
 *   <li>Archive: the file read chunk by chunk in order, the whole file's MD5 updated with each chunk (the ring's
 *       checksum stage), each chunk staged as a block (Put Block with the block's own Content-MD5, which the
 *       service verifies: AzureChunkedUpload#stage) by a pool of {@code concurrency - 1} threads, then one Put Block
 *       List with the whole file's Content-MD5 (AzureChunkedUpload#commit). Blocks and the commit go through the
 *       JDK's HttpClient, the agent's transport for them (AzureTransports: {@code large}).</li>
 *   <li>Restore: ranged Get Blobs of a chunk each, {@link #READERS} in flight, with If-Match on the upload's ETag
 *       (AzureBlobBackend#read: the agent's record holds it), through OkHttp (AzureTransports: downloads of any size
 *       take {@code small}), the bytes streamed into the chunk's buffer; the whole file's MD5 updated in order and
 *       compared at the end with the blob's Content-MD5, which each ranged response carries
 *       (x-ms-blob-content-md5), so no other request is made (the agent compares it with its record's);
 *       {@link #WRITERS} threads write the chunks by position (RestoreTransfer#writeChunk's pwrite).</li>
 * </ul>
 *
 * What it leaves out is the agent's own: Lustre, FUSE and the coordinator, the ring's hand-offs, block ids derived
 * from the file version (Get Block List first, to resume), blob metadata, index tags and write conditions on the
 * commit, progress reports. One difference of means: the agent reads its chunks with {@code pipeline.readers} (8)
 * preads in parallel from the client mount; here one thread reads them from tmpfs, a copy that costs far less than
 * the MD5 the same thread computes, and keeps the order the whole-file MD5 needs without a hand-off.
 */
final class LargeCopy implements Mover {
    /**
     * pipeline.chunk_size, 8 MiB (conf/copytool.properties; CopytoolConfig.DEFAULT_CHUNK_SIZE): the bytes of one
     * pread, Put Block, ranged Get Blob and pwrite. A block is one chunk (archive.N.block_size defaults to it;
     * ChunkSizing grows blocks only for files above 50,000 of them, which this peer refuses).
     */
    static final int CHUNK = 8 << 20;
    /**
     * pipeline.ring_size, 64 (CopytoolConfig.DEFAULT_RING_SIZE): chunks held at once, in direct buffers as the ring's
     * (TransferPipeline). A Put Block keeps its chunk's buffer until it is sent, as a ring slot stays held
     * (BlockUploads), and a range is fetched only into a buffer whose previous chunk is written.
     */
    static final int RING = 64;
    /** pipeline.readers, 8 (CopytoolConfig.DEFAULT_READERS): the read stage's handlers, a ranged Get Blob each. */
    static final int READERS = 8;
    /** pipeline.writers, 4 (CopytoolConfig.DEFAULT_WRITERS): the write stage's handlers, a pwrite each in a restore. */
    static final int WRITERS = 4;
    /** AzureTransports.SMALL_BODY_LIMIT: a Put Blob of at most 1 MiB goes through OkHttp, a larger one the JDK's. */
    static final long SMALL_BODY_LIMIT = 1 << 20;
    /** AzureBlobBackend.MAX_BLOCKS: committed blocks per blob. */
    static final long MAX_BLOCKS = 50_000;
    /** archive.N.max_tries, 5 (ArchiveSettings.DEFAULT_MAX_TRIES): a ranged download resumes up to 4 times. */
    static final int DOWNLOAD_RESUMES = 4;

    private final BlobContainerClient blocks; // JDK HttpClient: Put Block, Put Block List, Put Blob above 1 MiB
    private final BlobContainerClient smallPuts; // OkHttp: a Put Blob of at most 1 MiB
    private final BlobContainerAsyncClient ranges; // OkHttp: ranged Get Blob, streamed into a buffer
    private final ExecutorService stagers;
    private final ExecutorService readers;
    private final ExecutorService writers;
    private final ByteBuffer[] ring;
    private final Path source;
    private final List<Path> files;
    private final Map<String, String> etags = new ConcurrentHashMap<>(); // blob name to its ETag, from the upload

    /**
     * @param concurrency archive.N.max_concurrency, 32 by default (ArchiveSettings.DEFAULT_MAX_CONCURRENCY): the size
     *                    of both transports' connection pools (AzureHttpClients.create) and, less one, the Put
     *                    Blocks in flight: the agent hands a file's blocks to as many uploads as its busiest archive's
     *                    max_concurrency (BlockUploads), and the archive's request slots keep one of them for
     *                    restores (PriorityPermits: archives hold at most max_concurrency - 1), so a file alone has 31
     *                    Put Blocks in flight
     */
    LargeCopy(String container, int concurrency, Path source) throws IOException {
        BlobContainerClientBuilder okHttp = SdkCopy.builder(container, SdkCopy.okHttp(concurrency));
        this.smallPuts = okHttp.buildClient();
        this.ranges = okHttp.buildAsyncClient();
        this.blocks = SdkCopy.builder(container, SdkCopy.jdkHttp(concurrency)).buildClient();
        this.stagers = threads("sdk-copy-put-block", Math.max(1, concurrency - 1));
        this.readers = threads("sdk-copy-get-range", READERS);
        this.writers = threads("sdk-copy-pwrite", WRITERS);
        this.source = source;
        this.files = SdkCopy.sourceFiles(source);
        // the agent's ring is allocated whole at its start; here no more slots than the largest file has chunks
        long chunks = 1;
        for (Path file : files) {
            chunks = Math.max(chunks, (Files.size(file) + CHUNK - 1) / CHUNK);
        }
        this.ring = new ByteBuffer[(int) Math.min(RING, chunks)];
        for (int i = 0; i < ring.length; i++) {
            ring[i] = ByteBuffer.allocateDirect(CHUNK);
        }
    }

    private static ExecutorService threads(String name, int count) {
        return Executors.newFixedThreadPool(count, task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public int fileCount() {
        return files.size();
    }

    @Override
    public void upload(String prefix) throws Exception {
        for (Path file : files) {
            String blob = prefix + "/" + source.relativize(file);
            etags.put(blob, archive(file, blob));
        }
    }

    /** Downloads the blobs the upload made (by name, size and ETag, as the agent's record and stub know them). */
    @Override
    public int download(String prefix, Path dest) throws Exception {
        int written = 0;
        for (Path file : files) {
            String blob = prefix + "/" + source.relativize(file);
            Path target = dest.resolve(blob);
            Files.createDirectories(target.getParent());
            restore(blob, etags.get(blob), Files.size(file), target);
            written++;
        }
        return written;
    }

    /**
     * A warm-up round's blobs are deleted: each holds a whole large file, which would otherwise stay in Azurite's
     * store through the measured runs of every tool (the bench gives each run a fresh container for that reason).
     */
    @Override
    public void forget(String prefix) {
        for (Path file : files) {
            String blob = prefix + "/" + source.relativize(file);
            blocks.getBlobClient(blob).delete();
            etags.remove(blob);
        }
    }

    /** Stages the file's chunks as blocks, then commits them with the whole file's MD5; returns the blob's ETag. */
    private String archive(Path file, String name) throws Exception {
        long size = Files.size(file);
        if (size <= CHUNK) {
            return putWhole(file, name, size);
        }
        long count = (size + CHUNK - 1) / CHUNK;
        if (count > MAX_BLOCKS) {
            throw new IOException(file + ": more than " + MAX_BLOCKS + " chunks; the agent would grow its blocks");
        }
        BlockBlobClient blob = blocks.getBlobClient(name).getBlockBlobClient();
        MessageDigest whole = SdkCopy.md5();
        List<String> ids = new ArrayList<>((int) count);
        CompletableFuture<?>[] staging = new CompletableFuture<?>[ring.length]; // per buffer: its block's Put Block
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int i = 0; i < count; i++) {
                int slot = i % ring.length;
                if (staging[slot] != null) {
                    staging[slot].join(); // the buffer's previous block is staged: the buffer is free again
                }
                long offset = (long) i * CHUNK;
                ByteBuffer chunk = ring[slot].duplicate().clear().limit((int) Math.min(CHUNK, size - offset));
                readFully(in, chunk, offset);
                chunk.flip();
                whole.update(chunk.duplicate());
                String id = blockId(i);
                ids.add(id);
                staging[slot] = CompletableFuture.runAsync(() -> stage(blob, id, chunk), stagers);
            }
        }
        for (CompletableFuture<?> staged : staging) {
            if (staged != null) {
                staged.join();
            }
        }
        return blob.commitBlockListWithResponse(new BlockBlobCommitBlockListOptions(ids)
                .setHeaders(new BlobHttpHeaders().setContentMd5(whole.digest())), null, Context.NONE)
                .getValue().getETag();
    }

    /** Put Block with the block's MD5 as the request's Content-MD5: the service refuses a block that differs. */
    private static void stage(BlockBlobClient blob, String id, ByteBuffer block) {
        blob.stageBlockWithResponse(new BlockBlobStageBlockOptions(id, BinaryData.fromByteBuffer(block.duplicate()))
                .setContentMd5(md5(block)), null, Context.NONE);
    }

    /**
     * A file of at most one chunk, as the agent archives it (ArchiveTransfer: whole when no larger than
     * min(single_put_limit, chunk)): one Put Blob carrying its MD5, through OkHttp up to 1 MiB, else the JDK's client
     * (AzureContainerClients#forUpload). Not the large scenario's case unless --large-mib is at most 8.
     */
    private String putWhole(Path file, String name, long size) throws IOException {
        ByteBuffer data = ring[0].duplicate().clear().limit((int) size);
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            readFully(in, data, 0);
        }
        data.flip();
        byte[] md5 = md5(data);
        return (size <= SMALL_BODY_LIMIT ? smallPuts : blocks).getBlobClient(name).getBlockBlobClient()
                .uploadWithResponse(new BlockBlobSimpleUploadOptions(BinaryData.fromByteBuffer(data))
                        .setHeaders(new BlobHttpHeaders().setContentMd5(md5)).setContentMd5(md5), null, Context.NONE)
                .getValue().getETag();
    }

    /**
     * Ranged Get Blobs into the ring's buffers, {@link #READERS} at once; the chunks taken in order for the whole
     * file's MD5 and handed to the writers, each buffer fetched into again once its chunk is written.
     */
    private void restore(String name, String etag, long size, Path target) throws Exception {
        BlobAsyncClient blob = ranges.getBlobAsyncClient(name);
        int count = (int) Math.max(1, (size + CHUNK - 1) / CHUNK);
        List<CompletableFuture<byte[]>> reads = new ArrayList<>(count); // each: the blob's Content-MD5 it carried
        CompletableFuture<?>[] writing = new CompletableFuture<?>[ring.length]; // per buffer: its chunk's pwrite
        for (int i = 0; i < Math.min(count, ring.length); i++) {
            reads.add(read(blob, etag, size, i, CompletableFuture.completedFuture(null)));
        }
        MessageDigest whole = SdkCopy.md5();
        byte[] expected = null;
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < count; i++) {
                int slot = i % ring.length;
                byte[] blobMd5 = reads.get(i).join();
                if (expected == null) {
                    expected = blobMd5;
                }
                long offset = (long) i * CHUNK;
                ByteBuffer chunk = ring[slot].duplicate().clear().limit((int) Math.min(CHUNK, size - offset));
                whole.update(chunk.duplicate());
                writing[slot] = CompletableFuture.runAsync(() -> writeFully(out, chunk, offset), writers);
                if (i + ring.length < count) {
                    reads.add(read(blob, etag, size, i + ring.length, writing[slot]));
                }
            }
            for (CompletableFuture<?> written : writing) {
                if (written != null) {
                    written.join();
                }
            }
        }
        byte[] actual = whole.digest();
        if (expected == null || !Arrays.equals(expected, actual)) {
            throw new IOException(name + ": MD5 " + HexFormat.of().formatHex(actual) + " is not the blob's Content-MD5 "
                    + (expected == null ? "(none sent)" : HexFormat.of().formatHex(expected)));
        }
    }

    /** Chunk {@code index}'s ranged Get Blob, started once {@code bufferFree} (its buffer's previous pwrite) is done. */
    private CompletableFuture<byte[]> read(BlobAsyncClient blob, String etag, long size, int index,
                                           CompletableFuture<?> bufferFree) {
        return bufferFree.thenApplyAsync(ignored -> getRange(blob, etag, size, index), readers);
    }

    /**
     * One ranged Get Blob with If-Match, its body streamed into the chunk's buffer as AzureBlobBackend#read streams
     * it; returns the blob's Content-MD5 (x-ms-blob-content-md5, sent with every ranged response).
     */
    private byte[] getRange(BlobAsyncClient blob, String etag, long size, int index) {
        long offset = (long) index * CHUNK;
        int length = (int) Math.min(CHUNK, size - offset);
        ByteBuffer target = ring[index % ring.length].duplicate().clear().limit(length);
        byte[][] blobMd5 = new byte[1][];
        blob.downloadStreamWithResponse(new BlobRange(offset, (long) length),
                        new DownloadRetryOptions().setMaxRetryRequests(DOWNLOAD_RESUMES),
                        new BlobRequestConditions().setIfMatch(etag), false)
                .flatMapMany(response -> {
                    blobMd5[0] = response.getDeserializedHeaders().getBlobContentMD5();
                    return response.getValue();
                })
                .doOnNext(received -> {
                    if (received.remaining() > target.remaining()) {
                        throw new IllegalStateException("more bytes than the range of " + length + " asked for");
                    }
                    target.put(received);
                })
                .blockLast();
        if (target.hasRemaining()) {
            throw new IllegalStateException("range at " + offset + " ended " + target.remaining() + " bytes short");
        }
        return blobMd5[0];
    }

    /** Block ids: all of one length, as the service requires (32 characters before base64, as the agent's). */
    private static String blockId(int index) {
        return Base64.getEncoder().encodeToString(String.format(Locale.ROOT, "sdk-copy-%023d", index)
                .getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] md5(ByteBuffer data) {
        try {
            MessageDigest md5 = SdkCopy.md5();
            md5.update(data.duplicate());
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void readFully(FileChannel in, ByteBuffer dst, long offset) throws IOException {
        while (dst.hasRemaining()) {
            if (in.read(dst, offset + dst.position()) < 0) {
                throw new IOException("end of file at " + (offset + dst.position()));
            }
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer src, long offset) {
        try {
            ByteBuffer data = src.duplicate();
            while (data.hasRemaining()) {
                out.write(data, offset + data.position());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
