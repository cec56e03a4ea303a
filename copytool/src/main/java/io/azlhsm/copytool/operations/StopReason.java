package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.lustre.HsmProgressFlags;

/** Why a running action was stopped before its data was all moved; each ends the action differently. */
public enum StopReason {
    /** The coordinator sent HSMA_CANCEL for the cookie: end with ECANCELED. */
    CANCELED_BY_COORDINATOR(ActionOutcome.CANCELED),
    /** The coordinator forgot the request (active_request_timeout): progress and end answer ENOENT. */
    TIMED_OUT(ActionOutcome.CANCELED),
    /**
     * The agent is stopping and this action's grace is over: ESHUTDOWN with HP_FLAG_RETRY. Under the coordinator's
     * default NRA policy the request FAILS and the file keeps its state (see {@link ActionOutcome#STOPPING}); where an
     * administrator cleared NRA it goes back to WAITING for the next agent.
     */
    AGENT_STOPPING(ActionOutcome.STOPPING);

    private final ActionOutcome outcome;

    StopReason(ActionOutcome outcome) {
        this.outcome = outcome;
    }

    public ActionOutcome outcome() {
        return outcome;
    }

    /** The failure that ends an action stopped for this reason while it was waiting (on its archive, say). */
    public ActionFailure failure(String why, Throwable cause) {
        return new ActionFailure(outcome.errno(), (outcome.flags() & HsmProgressFlags.RETRY) != 0, why, cause);
    }
}
