package io.azlhsm.copytool.jobs.export;

import java.nio.file.Path;

/** What an {@link Exporter} found and how each file ended; export and auto-export count it differently. */
public interface ExportListener {
    /** A file with new or changed content, now requested. */
    void discovered(Path file, long size);

    void exported(Path file, long size);

    /** A file (or directory marker) that could not be exported; blob may be null when it has no valid name. */
    void failed(Path path, String blob, String cause);

    void upToDate(Path file);

    /** A symlink whose blob was put: new, or its target changed. */
    void symlinkExported(Path link);

    void skipped(Path path, String reason);

    void markerCreated(Path directory);
}
