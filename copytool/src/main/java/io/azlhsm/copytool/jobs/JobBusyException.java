package io.azlhsm.copytool.jobs;

/** Another job holds the file system's job lock; the message names it. */
public final class JobBusyException extends Exception {
    private final String runningJob;

    JobBusyException(String runningJob, String message) {
        super(message);
        this.runningJob = runningJob;
    }

    public String runningJob() {
        return runningJob;
    }
}
