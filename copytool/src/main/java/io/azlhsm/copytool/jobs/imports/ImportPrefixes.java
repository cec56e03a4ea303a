package io.azlhsm.copytool.jobs.imports;

import java.util.ArrayList;
import java.util.List;

/**
 * The import prefixes: 1 to 100, compared with the start of blob names (relative to the archive prefix), default
 * {@code /} (everything). As AMLFS, prefixes that overlap (one is a prefix of another, e.g. {@code /data} and
 * {@code /data2}) are refused before anything happens.
 */
public final class ImportPrefixes {
    public static final int MAX = 100;

    private ImportPrefixes() {
    }

    /**
     * The prefixes without their leading '/' ("" for the whole container), in the given order.
     *
     * @throws IllegalArgumentException naming the problem (count, overlap, control characters)
     */
    public static List<String> normalize(List<String> given) {
        List<String> raw = given.isEmpty() ? List.of("/") : given;
        if (raw.size() > MAX) {
            throw new IllegalArgumentException("at most " + MAX + " prefixes are allowed, " + raw.size() + " given");
        }
        List<String> prefixes = new ArrayList<>();
        for (String prefix : raw) {
            if (prefix.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("prefix '" + prefix.replaceAll("\\p{Cntrl}", "?")
                        + "' contains control characters");
            }
            prefixes.add(prefix.startsWith("/") ? prefix.substring(1) : prefix);
        }
        for (int i = 0; i < prefixes.size(); i++) {
            for (int j = 0; j < prefixes.size(); j++) {
                if (i != j && prefixes.get(j).startsWith(prefixes.get(i))) {
                    throw new IllegalArgumentException("prefixes '" + raw.get(i) + "' and '" + raw.get(j)
                            + "' overlap: every blob under the second is also under the first");
                }
            }
        }
        return prefixes;
    }
}
