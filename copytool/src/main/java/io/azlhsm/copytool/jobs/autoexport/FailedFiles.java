package io.azlhsm.copytool.jobs.autoexport;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The files one auto-export pass failed to export, for the next pass to try again, held up to a bound. A pass can fail
 * for every file it meets (the account unreachable during a full walk of millions of files): past the bound the
 * paths are dropped and the set says it overflowed, and the next pass walks the whole tree instead, which finds every
 * file that still needs exporting without remembering any. Safe for the exporter's threads to add to.
 */
final class FailedFiles {
    /** Files remembered per pass: about 100 bytes each, so some 10 MiB of heap at most. */
    static final int DEFAULT_LIMIT = 100_000;

    private final int limit;
    private final Set<Path> paths = new LinkedHashSet<>();
    private boolean overflowed;

    FailedFiles(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        this.limit = limit;
    }

    synchronized void add(Path path) {
        if (overflowed) {
            return;
        }
        if (paths.size() >= limit && !paths.contains(path)) {
            overflowed = true;
            paths.clear();
            return;
        }
        paths.add(path);
    }

    /** More files failed than the bound: none is remembered, and only a walk of the whole tree finds them again. */
    synchronized boolean overflowed() {
        return overflowed;
    }

    /** The files to try again, in the order they failed; empty once overflowed. */
    synchronized Set<Path> paths() {
        return new LinkedHashSet<>(paths);
    }
}
