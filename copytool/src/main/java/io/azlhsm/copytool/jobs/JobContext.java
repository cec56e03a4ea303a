package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.LustreLibrary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.time.Instant;

/** What a running {@link Job} gets from the framework. Thread-safe: a job may use it from many threads. */
public interface JobContext {
    /** The job's id, e.g. {@code import-20261122-031800-a1b2}. */
    String jobId();

    /** When the job started (the first start, for a resumed job). */
    Instant started();

    /** The Lustre client mount the job works on (the configuration's {@code mount}). */
    Path mount();

    CopytoolConfig config();

    LustreLibrary library();

    HsmFiles hsm();

    JobCounters counters();

    JobLog log();

    JobProgress progress();

    /**
     * What the job saved with {@link JobCheckpoint#put} before a crash, when this run resumes that job; empty for a
     * new job. Saved values are written with the job's record (about once a second) and at its end.
     */
    JobCheckpoint checkpoint();

    /** True when this run continues a job that crashed (same kind and parameters); see {@link #checkpoint()}. */
    boolean resumed();

    /**
     * Where every change of the job to the file system or an archive goes: made in a real run, only recorded in a dry
     * run. The job's decisions before it are the same in both.
     */
    JobChanges changes();

    /**
     * The job's lock generation and the check of it: every write to shared state (a marker, a record) goes through
     * {@link JobFence#verify}, per-item work through {@link JobFence#check}.
     */
    JobFence fence();

    /**
     * Throws {@link JobCancelledException} once a cancel was requested, and {@link JobLockLostException} once another
     * node took the job's lock (checked as {@link JobFence#check} does).
     */
    void checkCancelled();

    boolean cancelRequested();

    /**
     * The records of the other jobs that hold a claim of the job lock now (on other paths: jobs run side by side),
     * for what jobs share outside their paths, such as the import markers in the file-system root. A job that has
     * taken its claim but not yet written its record is not among them.
     */
    List<JobRecord> otherRunningJobs() throws IOException;
}
