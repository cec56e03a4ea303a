package io.azlhsm.copytool.operations;

/** Why a running action was stopped before its data was all moved; each ends the action differently. */
public enum StopReason {
    /** The coordinator sent HSMA_CANCEL for the cookie: end with ECANCELED. */
    CANCELED_BY_COORDINATOR(ActionOutcome.CANCELED),
    /** The coordinator forgot the request (active_request_timeout): progress and end answer ENOENT. */
    TIMED_OUT(ActionOutcome.CANCELED),
    /** The agent is shutting down: hand the request back with RETRY so it is re-queued at once. */
    AGENT_STOPPING(ActionOutcome.STOPPING);

    private final ActionOutcome outcome;

    StopReason(ActionOutcome outcome) {
        this.outcome = outcome;
    }

    public ActionOutcome outcome() {
        return outcome;
    }
}
