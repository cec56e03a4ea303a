package io.azlhsm.copytool.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Latency distributions by name (an action type, a blob request kind), in microseconds with three significant digits,
 * from 1 µs up to one day; longer values are clamped to the top so a wedged request still shows as the worst case.
 * Recording is lock-free and safe from any thread.
 */
public final class LatencyHistograms {
    private static final long HIGHEST_MICROS = TimeUnit.DAYS.toMicros(1);

    private final Map<String, ConcurrentHistogram> histograms = new ConcurrentHashMap<>();

    /** Records one latency given in nanoseconds. */
    public void record(String name, long nanos) {
        long micros = Math.max(1, Math.min(HIGHEST_MICROS, TimeUnit.NANOSECONDS.toMicros(nanos)));
        histograms.computeIfAbsent(name, key -> new ConcurrentHistogram(HIGHEST_MICROS, 3)).recordValue(micros);
    }

    /** Copies of every histogram, by name in sorted order (consistent output for status and scrapes). */
    public Map<String, Histogram> snapshot() {
        Map<String, Histogram> copies = new TreeMap<>();
        histograms.forEach((name, histogram) -> copies.put(name, histogram.copy()));
        return copies;
    }
}
