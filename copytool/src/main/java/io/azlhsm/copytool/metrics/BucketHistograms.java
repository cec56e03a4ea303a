package io.azlhsm.copytool.metrics;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Prometheus histograms: a count per bucket (values up to each upper bound), by label values, exported as
 * cumulative {@code _bucket{le=...}} series that add up across data movers and over any time window, as quantiles
 * since the process started cannot. Plain bucket counters rather than HdrHistogram (which the status page's
 * quantiles still use): a bucket must count exactly the values at or below its bound, and HdrHistogram's buckets of
 * equivalent values would put a value up to 0.1% above a bound into it. Recording is lock-free.
 */
public final class BucketHistograms {
    /** Latencies in seconds: from a fast blob request (1 ms) to an hour-long transfer. */
    public static final double[] SECONDS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
        120, 300, 600, 1800, 3600};
    /** File sizes in bytes: 4 KiB to 1 TiB, by powers of 4 (1 MiB, 4 MiB, 16 MiB, 64 MiB, 256 MiB, 1 GiB...). */
    public static final double[] BYTES = bytes();

    private final double[] bounds;
    private final Map<String, Series> series = new ConcurrentHashMap<>();

    /** @param bounds upper bounds of the buckets, ascending, in the unit exported (+Inf is added) */
    public BucketHistograms(double[] bounds) {
        this.bounds = bounds.clone();
    }

    private static double[] bytes() {
        double[] bounds = new double[15];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = 4096.0 * (1L << (2 * i)); // 4 KiB x 4^i: 4 KiB, 16 KiB, ..., 1 MiB, ..., 1 GiB, ..., 1 TiB
        }
        return bounds;
    }

    /** One observation for the series of these label values (comma-separated, in the family's label order). */
    public void observe(String labelValues, double value) {
        series.computeIfAbsent(labelValues, key -> new Series(bounds.length + 1)).observe(bucketOf(value), value);
    }

    private int bucketOf(double value) {
        int index = Arrays.binarySearch(bounds, value);
        return index >= 0 ? index : -index - 1; // the first bound at or above the value; bounds.length: +Inf only
    }

    /** Every series by label values, sorted: cumulative counts per bound, then +Inf (which is the count). */
    public Map<String, Snapshot> snapshot() {
        Map<String, Snapshot> copy = new TreeMap<>();
        series.forEach((labels, s) -> copy.put(labels, s.snapshot(bounds)));
        return copy;
    }

    /**
     * @param bounds     the finite upper bounds
     * @param cumulative values at or below each bound, then all of them (+Inf); the last is the count
     * @param sum        the sum of the values
     */
    public record Snapshot(double[] bounds, long[] cumulative, double sum) {
        public long count() {
            return cumulative[cumulative.length - 1];
        }
    }

    private static final class Series {
        private final LongAdder[] buckets;
        private final DoubleAdder sum = new DoubleAdder();

        Series(int size) {
            buckets = new LongAdder[size];
            for (int i = 0; i < size; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(int bucket, double value) {
            buckets[bucket].increment();
            sum.add(value);
        }

        Snapshot snapshot(double[] bounds) {
            long[] cumulative = new long[buckets.length];
            long running = 0;
            for (int i = 0; i < buckets.length; i++) {
                running += buckets[i].sum();
                cumulative[i] = running; // +Inf (the last) is the total, so it always equals _count
            }
            return new Snapshot(bounds, cumulative, sum.sum());
        }
    }
}
