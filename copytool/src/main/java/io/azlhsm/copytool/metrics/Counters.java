package io.azlhsm.copytool.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Monotonic counters by name and label value (for example files by action, errors by errno). */
public final class Counters {
    private final Map<String, Map<String, LongAdder>> counters = new ConcurrentHashMap<>();

    public void add(String name, String label, long amount) {
        counters.computeIfAbsent(name, key -> new ConcurrentHashMap<>())
                .computeIfAbsent(label, key -> new LongAdder()).add(amount);
    }

    public void increment(String name, String label) {
        add(name, label, 1);
    }

    public long value(String name, String label) {
        Map<String, LongAdder> byLabel = counters.get(name);
        LongAdder adder = byLabel == null ? null : byLabel.get(label);
        return adder == null ? 0 : adder.sum();
    }

    /** Current values: name, then label value, in sorted order. */
    public Map<String, Map<String, Long>> snapshot() {
        Map<String, Map<String, Long>> copy = new TreeMap<>();
        counters.forEach((name, byLabel) -> {
            Map<String, Long> values = new TreeMap<>();
            byLabel.forEach((label, adder) -> values.put(label, adder.sum()));
            copy.put(name, values);
        });
        return copy;
    }
}
