package io.azlhsm.copytool.jobs;

/**
 * Another node took the job's lock (it judged this holder crashed after {@code staleAfter} without a heartbeat): the
 * job must not write anything more to shared state. Thrown by {@link JobFence} for each refused write and by
 * {@link JobContext#checkCancelled()}; the runner ends the run FAILED without touching the record, log or lock, which
 * belong to the new holder now. Unchecked so that it passes through lambdas and executors unchanged.
 */
public final class JobLockLostException extends RuntimeException {
    public JobLockLostException(String message) {
        super(message);
    }
}
