package io.azlhsm.copytool.jobs;

/**
 * Where a job's log is copied besides the local file: the archive's logging container. Independent of the
 * {@link io.azlhsm.copytool.archive.ArchiveBackend} kind, so a test or another store can supply its own.
 */
public interface LogSink extends AutoCloseable {
    /** Stores (replaces) the whole log under {@code name}. */
    void put(String name, byte[] content) throws Exception;

    /**
     * Stores the log as written under the job lock's {@code generation}: a store that can make the write conditional
     * refuses it ({@link JobLockLostException}) when a later generation wrote the log; by default a plain put.
     */
    default void put(String name, byte[] content, long generation) throws Exception {
        put(name, content);
    }

    /** For messages; never a secret. */
    String describe();

    @Override
    void close();
}
