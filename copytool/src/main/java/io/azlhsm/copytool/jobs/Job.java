package io.azlhsm.copytool.jobs;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One blob-integration job (import, export, ...), run by {@link JobRunner} under a claim of the file system's job
 * lock on the paths it declares ({@link #paths()}): jobs on paths that do not overlap run side by side.
 *
 * <p>A job moves its own counters, progress and log through the {@link JobContext}; it calls
 * {@link JobContext#checkCancelled()} often enough that a cancel takes effect within a second or so.
 */
public interface Job {
    JobKind kind();

    /** The job's options as the user gave them (for the log and {@code copytool jobs}); also what identifies a resume. */
    Map<String, String> parameters();

    /**
     * The trees the job reads and changes, relative to the mount or absolute under it ({@code "/"}: the whole file
     * system). The job must change nothing outside them: another job may be working there. By default the whole
     * file system.
     */
    default List<String> paths() {
        return LockScope.WHOLE_FILE_SYSTEM;
    }

    /**
     * The changelog users the job reads and clears ({@code cl1}): two jobs reading one would clear each other's
     * records, so a common user is an overlap whatever the paths. None by default.
     */
    default Set<String> changelogUsers() {
        return Set.of();
    }

    /**
     * Does the work.
     *
     * @return COMPLETED, COMPLETED_PARTIAL (some items failed within the tolerated errors) or FAILED
     * @throws JobCancelledException from {@link JobContext#checkCancelled()}: the job ends CANCELED
     * @throws Exception             anything else ends the job FAILED with that cause in its record and log
     */
    JobState run(JobContext context) throws Exception;
}
