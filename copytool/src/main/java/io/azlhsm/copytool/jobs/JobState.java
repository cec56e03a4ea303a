package io.azlhsm.copytool.jobs;

/** Stand-in for the jobs framework contract (branch jobs); replaced by that branch's version on merge. */
public enum JobState {
    PENDING("Pending"), IN_PROGRESS("InProgress"), CANCELING("Canceling"), CANCELED("Canceled"),
    COMPLETED("Completed"), COMPLETED_PARTIAL("CompletedPartial"), FAILED("Failed");

    private final String display;

    JobState(String display) {
        this.display = display;
    }

    public String display() {
        return display;
    }
}
