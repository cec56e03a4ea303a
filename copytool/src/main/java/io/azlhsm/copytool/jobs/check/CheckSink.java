package io.azlhsm.copytool.jobs.check;

import java.nio.file.Path;

/** Where the pass puts what it judged: items (to repair, report, counters and log) and what it could not judge. */
interface CheckSink {
    /**
     * @param file the file's absolute path for a file item (repair acts on it); null for a blob
     */
    void item(CheckItem item, Path file) throws Exception;

    /** Something that could not be judged (an unreadable file, a failed stat); {@code path} or {@code blob} may be null. */
    void error(String path, String blob, String cause);
}
