package io.azlhsm.copytool.jobs;

/** A job's life, with the words Azure Managed Lustre shows for each state. */
public enum JobState {
    PENDING("Pending"),
    IN_PROGRESS("InProgress"),
    CANCELING("Canceling"),
    CANCELED("Canceled"),
    COMPLETED("Completed"),
    COMPLETED_PARTIAL("CompletedPartial"),
    FAILED("Failed");

    private final String display;

    JobState(String display) {
        this.display = display;
    }

    /** AMLFS's word for the state (also used in the import marker file name). */
    public String display() {
        return display;
    }

    /** True once the job has ended and nothing about it changes any more. */
    public boolean terminal() {
        return this == CANCELED || this == COMPLETED || this == COMPLETED_PARTIAL || this == FAILED;
    }

    /** The state for a word written by {@link #display()} or by {@link #name()}. */
    public static JobState parse(String text) {
        for (JobState state : values()) {
            if (state.display.equalsIgnoreCase(text) || state.name().equalsIgnoreCase(text)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown job state '" + text + "'");
    }
}
