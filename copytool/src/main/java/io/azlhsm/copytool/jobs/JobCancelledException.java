package io.azlhsm.copytool.jobs;

/**
 * Thrown by {@link JobContext#checkCancelled()} once a cancel was requested ({@code copytool cancel}, Ctrl-C); the
 * runner ends the job CANCELED. Unchecked so that it passes through lambdas and executors unchanged.
 */
public final class JobCancelledException extends RuntimeException {
    public JobCancelledException(String message) {
        super(message);
    }
}
