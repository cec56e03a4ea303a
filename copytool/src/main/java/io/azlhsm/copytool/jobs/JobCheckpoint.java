package io.azlhsm.copytool.jobs;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Small key/value state a job saves so that a run after a crash can skip finished work (for example the listing
 * position up to which every item is done). Kept in the job's record in {@code <mount>/.azlhsm/}.
 */
public final class JobCheckpoint {
    private final Map<String, String> values = new LinkedHashMap<>();

    JobCheckpoint(Map<String, String> initial) {
        values.putAll(initial);
    }

    public synchronized Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Records a value; null removes the key. */
    public synchronized void put(String key, String value) {
        if (value == null) {
            values.remove(key);
        } else {
            values.put(key, value);
        }
    }

    /** Records several values at once (null removes a key): a snapshot sees all of them or none. */
    public synchronized void putAll(Map<String, String> changes) {
        changes.forEach(this::put);
    }

    synchronized Map<String, String> snapshot() {
        return new LinkedHashMap<>(values);
    }
}
