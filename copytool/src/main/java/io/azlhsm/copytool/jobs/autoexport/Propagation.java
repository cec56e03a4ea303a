package io.azlhsm.copytool.jobs.autoexport;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What {@code auto-export --propagate} carries from the file system to the archive besides new and changed data;
 * each kind is off unless named (Azure Managed Lustre propagates none of them).
 */
public enum Propagation {
    /** A renamed file or directory renames the blobs of the archived files it holds. */
    RENAMES,
    /** Owner, group, mode and time changes update the blob's metadata (and a hierarchical path's access control). */
    METADATA,
    /** A file whose last name is removed has the blobs written for it deleted. */
    DELETIONS;

    /** The option's spelling: {@code renames}, {@code metadata}, {@code deletions}. */
    public String optionName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code renames,metadata,deletions} in any order and any subset; empty or null text is none.
     *
     * @throws IllegalArgumentException naming an unknown kind
     */
    public static Set<Propagation> parse(String text) {
        EnumSet<Propagation> kinds = EnumSet.noneOf(Propagation.class);
        if (text == null || text.isBlank()) {
            return Collections.unmodifiableSet(kinds);
        }
        for (String item : text.split(",")) {
            String name = item.strip();
            if (name.isEmpty()) {
                continue;
            }
            try {
                kinds.add(valueOf(name.toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--propagate " + text + ": '" + name
                        + "' is not one of renames, metadata, deletions");
            }
        }
        return Collections.unmodifiableSet(kinds);
    }
}
