package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.namespace.HsmFileOperations;

/**
 * A coordinator's hsm_control state machine, as mdt_coordinator.c hsm_control_store (:2479-2545) and
 * hsm_control_show (:2546) run it: enabled, disabled, shutdown (mdt_hsm_cdt_stop, :1352, waiting for the requests
 * being registered, then forgetting the agents as mdt_hsm_cdt_cleanup does, :513), purge (hsm_cancel_all_actions,
 * :1998); and the stop of an MDS that goes away. The state is kept in the tunables, so that it survives a daemon
 * restart. Guarded by the Coordinator's lock: called holding its monitor (no lock of its own); a stop waits on that
 * monitor ({@link RequestRefs#awaitNone}) and a purge wakes the clients waiting on it.
 */
final class HsmControl {
    /** What get_param shows (mdt_internal.h cdt_mdt_state2str; no INIT: the start is immediate). */
    enum State { ENABLED, DISABLED, STOPPING, STOPPED }

    private final Coordinator coordinator;
    private final HsmFileOperations files;
    private final Tunables tunables;
    private final ActionTable records;
    private final Agents agents;
    private final RequestRefs refs;
    private final Cancels cancels;
    private State state;

    /** coordinator: the monitor a purge notifies, and where it saves the log. */
    HsmControl(Coordinator coordinator, HsmFileOperations files, Tunables tunables, ActionTable records,
               Agents agents, RequestRefs refs, Cancels cancels) {
        this.coordinator = coordinator;
        this.files = files;
        this.tunables = tunables;
        this.records = records;
        this.agents = agents;
        this.refs = refs;
        this.cancels = cancels;
        this.state = State.valueOf(tunables.control);
    }

    /** The coordinator dispatches. */
    boolean enabled() {
        return state == State.ENABLED;
    }

    /** The coordinator is stopped or stopping: it takes no request. */
    boolean stoppedOrStopping() {
        return state == State.STOPPED || state == State.STOPPING;
    }

    /** hsm_control as get_param shows it. */
    String show() {
        return state.name().toLowerCase();
    }

    /**
     * hsm_control as hsm_control_store does it (mdt_coordinator.c:2478-2545): enabled (start, or resume a disabled
     * coordinator; EALREADY while stopping), disabled (record, do not dispatch; no effect on a stopped or stopping
     * coordinator), shutdown (stop: see {@link #stop()}; EALREADY while stopping), purge (cancel every request, as
     * hsm_cancel_all_actions does, and drop them). The state is kept across a daemon restart.
     */
    void store(String value) throws SimulatorException {
        switch (value.trim()) {
            case "enabled" -> {
                if (state == State.STOPPING) { // mdt_hsm_cdt_start: no transition from stopping to init
                    throw new SimulatorException(Errno.EALREADY, "coordinator is stopping");
                }
                state = State.ENABLED;
            }
            case "disabled" -> {
                if (state != State.STOPPED && state != State.STOPPING) {
                    state = State.DISABLED;
                }
            }
            case "shutdown" -> {
                if (state == State.STOPPING) {
                    throw new SimulatorException(Errno.EALREADY, "coordinator is already stopping");
                }
                if (state != State.STOPPED) {
                    stop();
                }
            }
            case "purge" -> purge();
            default -> throw new SimulatorException(Errno.EINVAL, "hsm_control: " + value);
        }
        tunables.control = state.name();
        tunables.persist();
    }

    /** Running requests are canceled at their agents; clients blocked on a restore stop waiting (EIO). */
    private void purge() {
        for (ActionRecord r : records.all().stream().filter(r -> r.status.isActive()
                && r.action != HsmCodes.HSMA_CANCEL).toList()) {
            cancels.cancel(r); // every request, as hsm_cancel_all_actions does
        }
        for (ActionRecord r : records.all()) {
            agents.leaveStarted(r);
            if (r.volatileFile != null) {
                files.discard(r.volatileFile);
            }
        }
        records.clear();
        coordinator.save();
        coordinator.notifyAll();
    }

    /**
     * mdt_hsm_cdt_stop: hsm_control reads "stopping" until no request is being registered (the coordinator thread
     * drops its reference and waits for the others, mdt_coordinator.c:704-712, 1361-1380; a request sleeping at
     * OBD_FAIL_MDS_HSM_CDT_DELAY is recorded first), then mdt_hsm_cdt_cleanup (:511-546) forgets every agent, so a
     * copytool must register again after the coordinator is enabled; the action log stays, its requests WAITING.
     */
    private void stop() {
        state = State.STOPPING;
        boolean interrupted = refs.awaitNone();
        agents.clear();
        state = State.STOPPED;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The MDS stops: the coordinator stops as for a shutdown, without changing the hsm_control saved for the next
     * start (a shutdown under way ends as stopped).
     */
    void stopForClose() {
        State saved = state;
        if (state != State.STOPPED) {
            stop();
        }
        state = saved == State.STOPPING ? State.STOPPED : saved; // a shutdown was under way
    }
}
