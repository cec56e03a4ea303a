package io.azlhsm.copytool.config;

import java.util.Set;
import java.util.TreeSet;

/**
 * Properties that remember keys set more than once. {@link java.util.Properties#load} silently keeps the last of
 * two lines with the same key; in a config file that is almost always an editing mistake worth refusing.
 */
final class DuplicateKeyProperties extends java.util.Properties {
    private static final long serialVersionUID = 1L;

    private final Set<String> duplicates = new TreeSet<>();

    @Override
    public synchronized Object put(Object key, Object value) {
        Object previous = super.put(key, value);
        if (previous != null) {
            duplicates.add(String.valueOf(key));
        }
        return previous;
    }

    /** Keys that appeared on more than one line, sorted. */
    Set<String> duplicates() {
        return Set.copyOf(duplicates);
    }
}
