package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.lustre.HsmCopytoolAction;

/**
 * How far the agent's stop has come, for the actions it holds. Until SIGTERM every action starts and runs. From then
 * on ARCHIVEs no longer start (one may take hours; those received end when the agent unregisters), REMOVEs (a request
 * or two each) start and run until the shutdown grace ends, and RESTOREs (a reader may be blocked on each) until the
 * restore grace ends. An action whose grace is over stops and ends with ESHUTDOWN and HP_FLAG_RETRY.
 */
public final class StopPhase {
    private volatile boolean stopping;
    private volatile boolean othersOver;
    private volatile boolean restoresOver;

    /** SIGTERM: no new archives. */
    public void begin() {
        stopping = true;
    }

    /** The shutdown grace is over: archives and removes end now. */
    public void endOthers() {
        stopping = true;
        othersOver = true;
    }

    /** The restore grace is over too: everything ends now. */
    public void endRestores() {
        endOthers();
        restoresOver = true;
    }

    public boolean stopping() {
        return stopping;
    }

    /** Whether an action of this kind, received and not started, may still start. */
    public boolean mayStart(HsmCopytoolAction action) {
        return switch (action) {
            case RESTORE -> !restoresOver;
            case REMOVE -> !othersOver;
            default -> !stopping;
        };
    }

    /** Whether running actions of this kind must end now. */
    public boolean graceOver(HsmCopytoolAction action) {
        return action == HsmCopytoolAction.RESTORE ? restoresOver : othersOver;
    }
}
