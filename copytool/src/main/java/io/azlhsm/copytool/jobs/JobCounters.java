package io.azlhsm.copytool.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A job's named counters in the order they were first used (AMLFS's order when the job creates them up front), read
 * by {@code copytool jobs} while the job runs and after.
 */
public final class JobCounters {
    private final Map<String, LongAdder> counters = new LinkedHashMap<>();

    /** The counter of that name, created at zero on first use. */
    public synchronized LongAdder counter(String name) {
        return counters.computeIfAbsent(name, n -> new LongAdder());
    }

    /** Sets a gauge (a value that is replaced, not added to, such as a rate). */
    public synchronized void set(String name, long value) {
        LongAdder adder = counter(name);
        adder.reset();
        adder.add(value);
    }

    public long get(String name) {
        return counter(name).sum();
    }

    /** Every counter's current value, in insertion order. */
    public synchronized Map<String, Long> snapshot() {
        Map<String, Long> values = new LinkedHashMap<>();
        counters.forEach((name, adder) -> values.put(name, adder.sum()));
        return values;
    }

    /** Restores saved values (a resumed job continues its counts). */
    synchronized void restore(Map<String, Long> saved) {
        saved.forEach(this::set);
    }
}
