import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.ObjectAttributes;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.archive.WriteCondition;
import io.azlhsm.copytool.archive.posix.PosixBackend;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Loads test data for an import measurement into a posix archive ({@code archive.N.type = posix}): the objects
 * {@code LoadBlobs.java} puts in a container, with the same names ({@code PREFIX/dNNNNN/fNN}, and with --markers a
 * marker {@code PREFIX/dNNNNN} per directory), AMLFS metadata, Content-MD5 and bodies (same seed, same bytes), written
 * by the copytool's own {@link PosixBackend} (putWhole, putMarker) so that the files carry exactly what an archive
 * written by the copytool carries (its user.* extended attributes, its temporary-file-and-rename publish with fsync).
 * A sibling of LoadBlobs rather than a mode of it: LoadBlobs runs on the SDK's classpath alone (test-cluster/bench
 * runs it so), this one needs the copytool jar. The two must name and describe objects alike; change both together.
 *
 * <p>Why a posix archive: an in-memory Azurite cannot hold and list 1,000,000 blobs on the 2-core test VM
 * (test-cluster/README.md "Benchmark data"). The root's file system must take user.* extended attributes (ext4, xfs;
 * tmpfs since Linux 6.6). Benchmark tooling only, never part of the copytool.
 *
 *   java -cp "$(ls copytool/target/copytool-*.jar copytool/target/lib/*.jar | grep -v -e -sources -e -javadoc \
 *       | tr '\n' :)" test-cluster/bench.d/LoadPosixArchive.java --root DIR --prefix P --dirs 100000 --files 9 \
 *       [--markers] [--min-bytes 0] [--max-bytes 1024] [--concurrency 8] [--uid 1000] [--gid 1000] [--seed 1]
 *
 * CONCURRENCY threads each take the next object and write it (no queue: memory does not grow with the tree). Objects
 * already there are overwritten (a rerun replaces them). Prints a progress line every 10 s and, last, "loaded N
 * objects in S s (R objects/s)". Exit status 1 names the first object that failed and why.
 */
public final class LoadPosixArchive {
    private static final DateTimeFormatter MODTIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss xx", Locale.ROOT);

    private final PosixBackend archive;
    private final Options options;
    private final byte[] pool;
    private final String dirFormat;
    private final String fileFormat;
    private final String modtime;

    private LoadPosixArchive(PosixBackend archive, Options options) {
        this.archive = archive;
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
        // prefix "" in the backend: the object names carry --prefix, as the blob names of LoadBlobs do, so an
        // archive.N.root = ROOT without archive.N.prefix lists them as LoadBlobs's container does
        PosixBackend archive = new PosixBackend(Path.of(options.root), "", 8L << 20, 8L << 20);
        new LoadPosixArchive(archive, options).run();
    }

    private void run() throws InterruptedException {
        long perDir = options.files + (options.markers ? 1 : 0);
        long total = options.dirs * perDir;
        AtomicLong next = new AtomicLong();
        AtomicLong done = new AtomicLong();
        AtomicReference<String> failure = new AtomicReference<>();
        long start = System.nanoTime();
        Thread progress = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(10_000);
                    long n = done.get();
                    double s = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "%d/%d objects in %.0f s (%.0f objects/s)%n", n, total, s, n / s);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "progress");
        progress.setDaemon(true);
        progress.start();
        Thread[] workers = new Thread[options.concurrency];
        for (int t = 0; t < workers.length; t++) {
            workers[t] = new Thread(() -> {
                for (long i = next.getAndIncrement(); i < total && failure.get() == null; i = next.getAndIncrement()) {
                    try {
                        put(i / perDir, i % perDir);
                        done.incrementAndGet();
                    } catch (ArchiveException | RuntimeException e) {
                        failure.compareAndSet(null, e.toString());
                    }
                }
            }, "loader-" + t);
            workers[t].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        progress.interrupt();
        if (failure.get() != null) {
            fail(failure.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "loaded %d objects in %.1f s (%.0f objects/s)%n", total, seconds,
                total / seconds);
    }

    /** Index {@code options.files} in a directory is its marker; the others are its files (as in LoadBlobs). */
    private void put(long dir, long index) throws ArchiveException {
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
            // putMarker leaves an existing marker as it is: a rerun keeps the first one's attributes
            archive.putMarker(name, new ObjectAttributes(md5(body), metadata));
            return;
        }
        ObjectAttributes attributes = new ObjectAttributes(md5(body), metadata);
        try {
            archive.putWhole(name, ByteBuffer.wrap(body), attributes, WriteCondition.absent());
        } catch (ArchiveException e) {
            // a rerun: replace the object there (the posix archive has no unconditional put; a fresh load never
            // pays for this stat)
            Optional<StoredObject> existing = archive.stat(name);
            if (e.kind() != ArchiveException.Kind.PRECONDITION || existing.isEmpty()) {
                throw e;
            }
            archive.putWhole(name, ByteBuffer.wrap(body), attributes, WriteCondition.etag(existing.get().etag()));
        }
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
        System.err.println("LoadPosixArchive: " + message);
        System.exit(1);
    }

    private record Options(String root, String prefix, long dirs, long files, boolean markers, int minBytes,
                           int maxBytes, int concurrency, int uid, int gid, long seed) {
        static Options parse(String[] args) {
            String root = null;
            String prefix = "";
            long dirs = 0;
            long files = 0;
            boolean markers = false;
            int minBytes = 0;
            int maxBytes = 1024;
            int concurrency = 8;
            int uid = 0;
            int gid = 0;
            long seed = 1;
            try {
                for (int i = 0; i < args.length; i++) {
                    switch (args[i]) {
                        case "--root" -> root = args[++i];
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
            if (root == null || !Path.of(root).isAbsolute() || dirs < 1 || files < 0 || minBytes < 0
                    || maxBytes < minBytes || concurrency < 1 || (files == 0 && !markers)) {
                usage("--root (absolute), --dirs >= 1 and --files >= 0 (or --markers) are required; "
                        + "0 <= --min-bytes <= --max-bytes; --concurrency >= 1");
            }
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix = prefix + "/";
            }
            return new Options(root, prefix, dirs, files, markers, minBytes, maxBytes, concurrency, uid, gid, seed);
        }

        private static void usage(String problem) {
            System.err.println("LoadPosixArchive: " + problem + "\nusage: LoadPosixArchive --root DIR --dirs N "
                    + "--files N [--prefix P] [--markers] [--min-bytes 0] [--max-bytes 1024] [--concurrency 8] "
                    + "[--uid 0] [--gid 0] [--seed 1]");
            System.exit(2);
        }
    }
}
