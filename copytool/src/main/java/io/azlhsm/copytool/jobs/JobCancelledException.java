package io.azlhsm.copytool.jobs;

/** Stand-in for the jobs framework contract (branch jobs); replaced by that branch's version on merge. */
public class JobCancelledException extends RuntimeException {
    public JobCancelledException(String message) {
        super(message);
    }
}
