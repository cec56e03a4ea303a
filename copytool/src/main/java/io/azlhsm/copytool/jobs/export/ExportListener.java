package io.azlhsm.copytool.jobs.export;

import java.nio.file.Path;

/**
 * What an {@link Exporter} found and how each file ended; export, auto-export and the policy engine's archive rule
 * count it differently. What a listener does not count it need not implement.
 */
public interface ExportListener {
    /** A file with new or changed content, now requested. */
    default void discovered(Path file, long size) {
    }

    void exported(Path file, long size);

    /** A file (or directory marker) that could not be exported; blob may be null when it has no valid name. */
    void failed(Path path, String blob, String cause);

    default void upToDate(Path file) {
    }

    /** A symlink whose blob was put: new, or its target changed. */
    default void symlinkExported(Path link) {
    }

    default void skipped(Path path, String reason) {
    }

    default void markerCreated(Path directory) {
    }
}
