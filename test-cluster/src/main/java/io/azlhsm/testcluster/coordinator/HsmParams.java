package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;

import java.util.ArrayList;
import java.util.List;

/**
 * A coordinator's lctl parameters under mdt.FSNAME-MDTxxxx.hsm.*, but hsm_control ({@link HsmControl}): the tunables
 * ({@link Tunables}: the sysfs attributes of mdt_coordinator.c, loop_period_show/_store :2323-2349 to
 * remove_archive_on_last_unlink :2704-2732, and the policy and request masks, :2226-2237, :2579-2693) and the
 * read-only listings that hsm_cdt_tunables_init adds (:2831-2850, ldebugfs_mdt_hsm_vars :2772-2781): agents (mdt_hsm_cdt_agent.c mdt_hsm_agent_debugfs_show :689), actions
 * (mdt_hsm_cdt_actions.c mdt_hsm_actions_debugfs_show :360) and active_requests (mdt_hsm_cdt_requests.c
 * mdt_hsm_active_requests_proc_show :518). A new loop_period restarts the coordinator's pass. Guarded by the
 * Coordinator's lock: called holding its monitor (no lock of its own).
 */
final class HsmParams {
    private final Tunables tunables;
    private final ActionTable records;
    private final Agents agents;
    private final PeriodicPass loop;

    HsmParams(Tunables tunables, ActionTable records, Agents agents, PeriodicPass loop) {
        this.tunables = tunables;
        this.records = records;
        this.agents = agents;
        this.loop = loop;
    }

    /** Every parameter name after "hsm.", but hsm_control. */
    static List<String> names() {
        List<String> names = new ArrayList<>(Tunables.names());
        names.addAll(List.of("agents", "actions", "active_requests"));
        return names;
    }

    /** A parameter (the part after "hsm."), as lctl get_param shows it. */
    String get(String name) throws SimulatorException {
        return switch (name) {
            case "agents" -> agents.listing();
            case "actions" -> String.join("", records.all().stream().map(r -> r.listing() + "\n").toList());
            case "active_requests" -> String.join("", records.all().stream()
                    .filter(r -> r.status.isActive()).map(r -> r.listing().substring(r.listing().indexOf("fid=")) + "\n")
                    .toList());
            default -> {
                if (!Tunables.names().contains(name)) {
                    throw new SimulatorException(Errno.ENOENT, "no parameter " + name);
                }
                yield tunables.get(name);
            }
        };
    }

    /** A tunable set and kept across a restart; a new loop_period reschedules the pass. */
    void set(String name, String value) throws SimulatorException {
        tunables.set(name, value);
        tunables.persist();
        if (name.equals("loop_period")) {
            loop.schedule(tunables.loopPeriodSeconds);
        }
    }
}
