package io.azlhsm.copytool.jobs;

import java.nio.file.Path;

/**
 * Where a job's log is copied besides the local file: the archive's logging container. Independent of the
 * {@link io.azlhsm.copytool.archive.ArchiveBackend} kind, so a test or another store can supply its own.
 */
public interface LogSink extends AutoCloseable {
    /**
     * Brings the stored copy {@code name} up to the first {@code length} bytes of the local log {@code file} (which
     * only grows), as written under the job lock's {@code generation}. A store that can append sends only the bytes
     * it does not hold yet; one that can make the write conditional refuses it ({@link JobLockLostException}) when a
     * later generation wrote the copy.
     */
    void copy(String name, Path file, long length, long generation) throws Exception;

    /** For messages; never a secret. */
    String describe();

    @Override
    void close();
}
