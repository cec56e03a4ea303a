package io.azlhsm.copytool.jobs.imports;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What an import does when a blob's path already exists, as AMLFS defines the modes (seed 002), in terms of the
 * existing file's HSM state.
 */
public enum ConflictMode {
    /** The job fails at the first conflict. */
    FAIL,
    /** The existing path is left alone; a stale stub (its recorded blob gone or replaced) is logged and counted. */
    SKIP,
    /**
     * Archived and clean (released or not): update attributes only; otherwise, and for a stale stub (which holds no
     * data and cannot be read), delete and re-import.
     */
    OVERWRITE_DIRTY,
    /**
     * Dirty, never archived, or archived to another blob or ETag (a stale stub too): delete and re-import; clean:
     * release (and update attributes).
     */
    OVERWRITE_ALWAYS;

    public String optionName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static ConflictMode parse(String text) {
        for (ConflictMode mode : values()) {
            if (mode.optionName().equals(text)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown conflict mode '" + text + "' (one of "
                + Arrays.stream(values()).map(ConflictMode::optionName).collect(Collectors.joining(", ")) + ")");
    }
}
