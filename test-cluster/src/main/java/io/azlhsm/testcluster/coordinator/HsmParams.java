package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;

import java.util.ArrayList;
import java.util.List;

/**
 * A coordinator's lctl parameters: mdt.FSNAME-MDTxxxx.hsm_control (its state machine is {@link HsmControl}) and
 * mdt.FSNAME-MDTxxxx.hsm.*: the tunables ({@link Tunables}: the sysfs attributes of mdt_coordinator.c,
 * loop_period_show/_store :2323-2349 to remove_archive_on_last_unlink :2704-2732, and the policy and request masks,
 * :2226-2237, :2579-2693) and the read-only listings that hsm_cdt_tunables_init adds (:2831-2850,
 * ldebugfs_mdt_hsm_vars :2772-2781): agents (mdt_hsm_cdt_agent.c mdt_hsm_agent_debugfs_show :689), actions
 * (mdt_hsm_cdt_actions.c mdt_hsm_actions_debugfs_show :360) and active_requests (mdt_hsm_cdt_requests.c
 * mdt_hsm_active_requests_proc_show :518). A new loop_period restarts the coordinator's pass; a change of
 * hsm_control or of a tunable is followed by a dispatch. Takes the Coordinator's lock itself: each method holds the
 * Coordinator's monitor throughout (as the synchronized methods of the Coordinator it was split out of did); a
 * shutdown waits on that monitor ({@link HsmControl}).
 */
public final class HsmParams {
    private final Coordinator coordinator;
    private final HsmControl control;
    private final Tunables tunables;
    private final ActionTable records;
    private final Agents agents;
    private final PeriodicPass loop;

    /** coordinator: whose lock guards the parameters, and which dispatches after a change. */
    HsmParams(Coordinator coordinator, HsmControl control, Tunables tunables, ActionTable records, Agents agents,
              PeriodicPass loop) {
        this.coordinator = coordinator;
        this.control = control;
        this.tunables = tunables;
        this.records = records;
        this.agents = agents;
        this.loop = loop;
    }

    /** Every parameter name after "hsm." (hsm_control is not one). */
    public static List<String> names() {
        List<String> names = new ArrayList<>(Tunables.names());
        names.addAll(List.of("agents", "actions", "active_requests"));
        return names;
    }

    /** hsm_control as lctl get_param shows it. */
    public String control() {
        synchronized (coordinator) {
            return control.show();
        }
    }

    /** lctl set_param hsm_control ({@link HsmControl#store}), then a dispatch. */
    public void setControl(String value) throws SimulatorException {
        synchronized (coordinator) {
            control.store(value);
            coordinator.dispatch();
        }
    }

    /** A parameter (the part after "hsm."), as lctl get_param shows it. */
    public String get(String name) throws SimulatorException {
        synchronized (coordinator) {
            return value(name);
        }
    }

    private String value(String name) throws SimulatorException {
        return switch (name) {
            case "agents" -> agents.listing();
            case "actions" -> String.join("", records.all().stream().map(r -> r.listing() + "\n").toList());
            case "active_requests" -> String.join("", records.all().stream()
                    .filter(r -> r.status.isActive())
                    .map(r -> r.listing().substring(r.listing().indexOf("fid=")) + "\n").toList());
            default -> {
                if (!Tunables.names().contains(name)) {
                    throw new SimulatorException(Errno.ENOENT, "no parameter " + name);
                }
                yield tunables.get(name);
            }
        };
    }

    /** A tunable set and kept across a restart (a new loop_period reschedules the pass), then a dispatch. */
    public void set(String name, String value) throws SimulatorException {
        synchronized (coordinator) {
            tunables.set(name, value);
            tunables.persist();
            if (name.equals("loop_period")) {
                loop.schedule(tunables.loopPeriodSeconds);
            }
            coordinator.dispatch();
        }
    }
}
