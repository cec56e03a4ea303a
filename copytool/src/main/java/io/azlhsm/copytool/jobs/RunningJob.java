package io.azlhsm.copytool.jobs;

import io.azlhsm.copytool.config.CopytoolConfig;
import io.azlhsm.copytool.lustre.HsmFiles;
import io.azlhsm.copytool.lustre.LustreLibrary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Instant;

/** The {@link JobContext} of one run; the cancel flag is set by the runner's heartbeat or its Ctrl-C hook. */
final class RunningJob implements JobContext {
    private final String jobId;
    private final Instant started;
    private final CopytoolConfig config;
    private final LustreLibrary library;
    private final HsmFiles hsm;
    private final JobCounters counters;
    private final JobLog log;
    private final JobProgress progress = new JobProgress();
    private final JobCheckpoint checkpoint;
    private final boolean resumed;
    private final JobFence fence;
    private final JobChanges changes;
    private final JobStore store;
    private volatile String cancelReason;

    RunningJob(String jobId, Instant started, CopytoolConfig config, LustreLibrary library, JobCounters counters,
               JobLog log, JobCheckpoint checkpoint, boolean resumed, JobFence fence,
               JobChanges changes, JobStore store) {
        this.store = store;
        this.fence = fence;
        this.changes = changes;
        this.jobId = jobId;
        this.started = started;
        this.config = config;
        this.library = library;
        this.hsm = library == null ? null : new HsmFiles(library);
        this.counters = counters;
        this.log = log;
        this.checkpoint = checkpoint;
        this.resumed = resumed;
    }

    void cancel(String reason) {
        if (cancelReason == null) {
            cancelReason = reason;
            log.info("cancel requested: " + reason);
        }
    }

    @Override
    public String jobId() {
        return jobId;
    }

    @Override
    public Instant started() {
        return started;
    }

    @Override
    public Path mount() {
        return config.mount();
    }

    @Override
    public CopytoolConfig config() {
        return config;
    }

    @Override
    public LustreLibrary library() {
        return library;
    }

    @Override
    public HsmFiles hsm() {
        return hsm;
    }

    @Override
    public JobCounters counters() {
        return counters;
    }

    @Override
    public JobLog log() {
        return log;
    }

    @Override
    public JobProgress progress() {
        return progress;
    }

    @Override
    public JobCheckpoint checkpoint() {
        return checkpoint;
    }

    @Override
    public boolean resumed() {
        return resumed;
    }

    @Override
    public JobChanges changes() {
        return changes;
    }

    @Override
    public JobFence fence() {
        return fence;
    }

    @Override
    public void checkCancelled() {
        String reason = cancelReason;
        if (reason != null) {
            throw new JobCancelledException("job " + jobId + " canceled: " + reason);
        }
        fence.check("more work");
    }

    @Override
    public boolean cancelRequested() {
        return cancelReason != null;
    }

    @Override
    public List<JobRecord> otherRunningJobs() throws IOException {
        List<JobRecord> records = new ArrayList<>();
        for (LockHolder holder : store.lockHolders()) {
            if (!holder.jobId().equals(jobId) && !holder.jobId().isEmpty()) {
                store.read(holder.jobId()).filter(r -> !r.state().terminal()).ifPresent(records::add);
            }
        }
        return records;
    }
}
