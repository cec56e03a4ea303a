package io.azlhsm.copytool.jobs;

import java.util.concurrent.atomic.AtomicLong;

/** Files and bytes done (and the totals when known), rendered on the terminal by the runner. */
public final class JobProgress {
    private final AtomicLong totalFiles = new AtomicLong();
    private final AtomicLong totalBytes = new AtomicLong();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    /** Totals of the whole job; 0 for unknown (then no ETA is shown). May be raised as a walk discovers more. */
    public void setTotal(long files, long bytes) {
        totalFiles.set(files);
        totalBytes.set(bytes);
    }

    public void advance(long files, long bytes) {
        this.files.addAndGet(files);
        this.bytes.addAndGet(bytes);
    }

    public long files() {
        return files.get();
    }

    public long bytes() {
        return bytes.get();
    }

    public long totalFiles() {
        return totalFiles.get();
    }

    public long totalBytes() {
        return totalBytes.get();
    }
}
