package io.azlhsm.copytool.jobs;

/** Stand-in for the jobs framework contract (branch jobs); replaced by that branch's version on merge. */
public interface JobLog {
    void info(String message);

    void error(String path, String blob, String cause);

    void conflict(String path, String blob, String resolution);
}
