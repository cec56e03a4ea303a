package io.azlhsm.testcluster.coordinator;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * One coordinator's registered copytools (struct coordinator's cdt_agents, mdt_hsm_cdt_agent.c), one per client
 * mount by the mount's UUID, in registration order: which one gets a request, and how many each runs. Guarded by the
 * Coordinator's lock: every method is called holding it (no lock of its own).
 */
final class Agents {
    /** Logged under the coordinator's name, as before registration was split out of it. */
    private static final Logger LOG = Logger.getLogger(Coordinator.class.getName());

    private final Map<String, Agent> byUuid = new LinkedHashMap<>();
    /** The index of the coordinator's MDT, for the log. */
    private final int mdt;

    Agents(int mdt) {
        this.mdt = mdt;
    }

    /**
     * A client mount's copytools register with this MDT (lmv_hsm_ct_register asks every MDT, lmv_obd.c ~829-905), as
     * an agent serving archiveIds; an id 0 among them means every archive (ANY). A second registration of the same
     * mount keeps the FIRST registration's archive list (mdt_hsm_cdt_agent.c mdt_hsm_agent_register answers EEXIST,
     * which the client ignores: mdc_request.c 2341-2345). The channel is the mount's group of copytools
     * ({@link KucGroup}), kept by {@link Coordinators}.
     */
    void register(String uuid, List<Integer> archiveIds, AgentChannel channel) {
        if (byUuid.containsKey(uuid)) {
            LOG.info("MDT" + mdt + ": agent " + uuid + " already registered: archive list kept");
            return;
        }
        List<Integer> ids = archiveIds.contains(0) ? List.of() : List.copyOf(archiveIds);
        byUuid.put(uuid, new Agent(uuid, ids, channel));
    }

    /** The agent of that UUID, or null (unregistered, or never registered). */
    Agent get(String uuid) {
        return byUuid.get(uuid);
    }

    void remove(String uuid) {
        byUuid.remove(uuid);
    }

    void clear() {
        byUuid.clear();
    }

    /**
     * The agent serving archiveId (or all archives) with the fewest current requests. Archive id 0 (a REMOVE by FID
     * of an unlinked file) prefers an agent serving all archives, else takes any agent: Lustre would broadcast it to
     * one agent per archive id, which the simulator does not do.
     */
    Agent choose(int archiveId) {
        Agent best = null;
        for (Agent a : byUuid.values()) {
            if (a.serves(archiveId) && (best == null || a.current < best.current)) {
                best = a;
            }
        }
        if (best == null && archiveId == 0) {
            for (Agent a : byUuid.values()) {
                if (best == null || a.current < best.current) {
                    best = a;
                }
            }
        }
        return best;
    }

    /**
     * A request of r's agent ended with result: its ok or errors count goes up (mdt_hsm_agent_update_statistics,
     * mdt_hsm_cdt_agent.c:222); a request that waits again counts neither.
     */
    void countEnd(ActionRecord r, RequestStatus result) {
        Agent agent = byUuid.get(r.agentUuid);
        if (agent != null) {
            if (result == RequestStatus.SUCCEED) {
                agent.succeeded++;
            } else if (result == RequestStatus.FAILED) {
                agent.failed++;
            }
        }
    }

    /**
     * r timed out: its agent counts an error (mdt_cdt_started_cb, mdt_coordinator.c:361:
     * mdt_hsm_agent_update_statistics(cdt, 0, 1, 0, ...)). Only an agent that still knows the request counts it: a
     * request found STARTED in the log after a restart has no agent (Lustre: no cdt_agent_req, car == NULL, :343-349).
     */
    void countTimeout(ActionRecord r) {
        Agent agent = r.agentUuid == null ? null : byUuid.get(r.agentUuid);
        if (agent != null) {
            agent.failed++;
        }
    }

    /** r leaves STARTED (it ends, is canceled, times out or waits again): its agent runs one request fewer. */
    void leaveStarted(ActionRecord r) {
        if (r.status == RequestStatus.STARTED) {
            Agent agent = byUuid.get(r.agentUuid);
            if (agent != null && agent.current > 0) {
                agent.current--;
            }
        }
    }

    /** {@code lctl get_param mdt.*.hsm.agents}: a line per agent. */
    String listing() {
        return String.join("", byUuid.values().stream().map(a -> a.listing() + "\n").toList());
    }
}
