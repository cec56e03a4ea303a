package io.azlhsm.copytool.operations;

import io.azlhsm.copytool.archive.RequestPriority;

/** An action that may wait out an outage of its archive: when to stop waiting, and how to stay alive meanwhile. */
interface PatientAction {
    /** Why waiting must end now (a cancel, a timeout, the end of the agent's grace), or null to go on. */
    StopReason stopReason();

    /** The action's stop: its calls to the archive run inside it, so that a stop interrupts them. */
    ActionStop actionStop();

    /** Another part of the action already failed, so waiting is pointless: that failure decides the outcome. */
    boolean abandoned();

    /**
     * Resets the coordinator's active_request_timeout for the action: a progress report of length 0, which only
     * refreshes the timeout (mdt_coordinator.c). Learns of a cancel or a timeout from the answer.
     */
    void keepAlive();

    /**
     * The priority of the action's requests in every queue on their way to the archive: {@link RequestPriority#RESTORE}
     * for a RESTORE, {@link RequestPriority#OTHER} for the rest.
     */
    RequestPriority requestPriority();

    /** Action, FID, path or blob, cookie: for log lines. */
    String describe();
}
