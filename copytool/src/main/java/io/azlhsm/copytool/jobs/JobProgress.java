package io.azlhsm.copytool.jobs;

/** Stand-in for the jobs framework contract (branch jobs); replaced by that branch's version on merge. */
public interface JobProgress {
    void setTotal(long files, long bytes);

    void advance(long files, long bytes);
}
