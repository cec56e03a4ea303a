import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import org.HdrHistogram.Histogram;

/**
 * Restore latency as readers see it: READERS threads read the files of LIST (one path a line) whole, each taking the
 * next file when done with its last, and the time from open to the last byte of each read is recorded in an
 * HdrHistogram. For a released file that time is the implicit restore's (the client's read waits for it, as on
 * Lustre) plus the read itself. Benchmark tooling only, never part of the copytool.
 *
 *   java -cp "$(ls copytool/target/lib/*.jar | tr '\n' :)" test-cluster/bench.d/ReadLatency.java READERS LIST SIZE
 *
 * Every file must read as SIZE bytes (else exit status 1 naming it). Prints one line:
 * "reads N p50_ms X p90_ms X p99_ms X max_ms X wall_s X".
 */
public final class ReadLatency {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: ReadLatency READERS LIST SIZE");
            System.exit(2);
        }
        int readers = Integer.parseInt(args[0]);
        List<String> files = Files.readAllLines(Path.of(args[1]));
        long size = Long.parseLong(args[2]);
        // 1 microsecond to 1 hour, 3 significant digits: a restore behind a busy coordinator can take minutes
        Histogram histogram = new Histogram(3_600_000_000L, 3);
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
            done.add(pool.submit(() -> {
                byte[] buffer = new byte[1 << 20];
                for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
                    long t0 = System.nanoTime();
                    long read = 0;
                    try (InputStream in = Files.newInputStream(Path.of(files.get(i)))) {
                        for (int n; (n = in.read(buffer)) > 0; ) {
                            read += n;
                        }
                    }
                    long micros = (System.nanoTime() - t0) / 1000;
                    if (read != size) {
                        throw new IOException(files.get(i) + ": read " + read + " bytes, not " + size);
                    }
                    synchronized (histogram) {
                        histogram.recordValue(Math.max(1, micros));
                    }
                }
                return null;
            }));
        }
        pool.shutdown();
        for (Future<?> f : done) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                System.err.println("ReadLatency: " + e.getCause());
                System.exit(1);
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "reads %d p50_ms %.3f p90_ms %.3f p99_ms %.3f max_ms %.3f wall_s %.3f%n",
                histogram.getTotalCount(), histogram.getValueAtPercentile(50) / 1000.0,
                histogram.getValueAtPercentile(90) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0,
                histogram.getMaxValue() / 1000.0, wall);
    }
}
