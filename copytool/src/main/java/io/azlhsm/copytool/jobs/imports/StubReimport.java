package io.azlhsm.copytool.jobs.imports;

import io.azlhsm.copytool.archive.ArchiveBackend;
import io.azlhsm.copytool.archive.StoredObject;
import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.jobs.JobCheckpoint;
import io.azlhsm.copytool.jobs.JobContext;
import io.azlhsm.copytool.jobs.JobCounters;
import io.azlhsm.copytool.jobs.JobLog;
import io.azlhsm.copytool.jobs.JobProgress;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.LustreLibrary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Imports one blob again over the stale stub at its path (a released stub whose recorded blob now has another
 * ETag), exactly as {@code copytool import --conflict overwrite-dirty} would: the stub is deleted and a new one made
 * from the blob's current metadata, recording its current ETag. What {@code copytool check --repair} does for a
 * stale stub. The import's own counters are kept apart from the calling job's; its conflict line goes to the job log.
 */
public final class StubReimport {
    private StubReimport() {
    }

    /**
     * @param blob the blob as it is now (a fresh stat), named by the stub's path under the archive prefix
     * @throws Exception naming the cause when the blob cannot be imported again (the stub is then left as it was, or
     *                   absent when the new stub could not be made: the job log says which)
     */
    public static void reimport(JobContext context, ArchiveBackend backend, int archiveId, StoredObject blob)
            throws Exception {
        ImportOptions options = new ImportOptions(archiveId, List.of(""), ConflictMode.OVERWRITE_DIRTY, 0, "", 1);
        // closed each time: it holds the mount's descriptor open, and a check may repair any number of stubs
        try (EntryImporter importer = new EntryImporter(new OwnCounters(context), options, backend,
                context.mount())) {
            importer.importBlob(blob, new BlobTally(), DirectoryScopes.Ticket.NONE);
        } catch (ItemError e) {
            throw new Exception(e.getMessage(), e);
        }
    }

    /** The calling job's context, with counters and progress of its own. */
    private record OwnCounters(JobContext job, JobCounters counters, JobProgress progress) implements JobContext {
        OwnCounters(JobContext job) {
            this(job, new JobCounters(), new JobProgress());
        }

        @Override
        public String jobId() {
            return job.jobId();
        }

        @Override
        public java.util.List<io.azlhsm.copytool.jobs.JobRecord> otherRunningJobs() throws java.io.IOException {
            return job.otherRunningJobs();
        }

        @Override
        public Instant started() {
            return job.started();
        }

        @Override
        public Path mount() {
            return job.mount();
        }

        @Override
        public CopytoolConfig config() {
            return job.config();
        }

        @Override
        public LustreLibrary library() {
            return job.library();
        }

        @Override
        public HsmFiles hsm() {
            return job.hsm();
        }

        @Override
        public JobLog log() {
            return job.log();
        }

        @Override
        public JobCheckpoint checkpoint() {
            return job.checkpoint();
        }

        @Override
        public boolean resumed() {
            return false;
        }

        @Override
        public io.azlhsm.copytool.jobs.JobChanges changes() {
            return job.changes();
        }

        @Override
        public io.azlhsm.copytool.jobs.JobFence fence() {
            return job.fence();
        }

        @Override
        public void checkCancelled() {
            job.checkCancelled();
        }

        @Override
        public boolean cancelRequested() {
            return job.cancelRequested();
        }
    }
}
