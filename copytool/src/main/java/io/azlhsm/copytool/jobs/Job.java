package io.azlhsm.copytool.jobs;

import java.util.Map;

/**
 * One blob-integration job (import, export, ...), run by {@link JobRunner} under the file system's job lock.
 *
 * <p>A job moves its own counters, progress and log through the {@link JobContext}; it calls
 * {@link JobContext#checkCancelled()} often enough that a cancel takes effect within a second or so.
 */
public interface Job {
    JobKind kind();

    /** The job's options as the user gave them (for the log and {@code copytool jobs}); also what identifies a resume. */
    Map<String, String> parameters();

    /**
     * Does the work.
     *
     * @return COMPLETED, COMPLETED_PARTIAL (some items failed within the tolerated errors) or FAILED
     * @throws JobCancelledException from {@link JobContext#checkCancelled()}: the job ends CANCELED
     * @throws Exception             anything else ends the job FAILED with that cause in its record and log
     */
    JobState run(JobContext context) throws Exception;
}
