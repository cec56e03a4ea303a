package io.azlhsm.copytool.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Stand-in for the jobs framework contract (branch jobs); replaced by that branch's version on merge. */
public final class JobCounters {
    private final Map<String, LongAdder> counters = new LinkedHashMap<>();

    public synchronized LongAdder counter(String name) {
        return counters.computeIfAbsent(name, n -> new LongAdder());
    }

    public synchronized Map<String, Long> snapshot() {
        Map<String, Long> copy = new LinkedHashMap<>();
        counters.forEach((name, value) -> copy.put(name, value.sum()));
        return copy;
    }

    public synchronized void set(String name, long value) {
        LongAdder counter = counter(name);
        counter.reset();
        counter.add(value);
    }
}
