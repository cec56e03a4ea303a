package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.namespace.HsmAttributes;
import io.azlhsm.testcluster.namespace.HsmFlags;
import io.azlhsm.testcluster.namespace.Namespace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A coordinator's dispatch: which WAITING records go to which agent now, and sending them. As mdt_coordinator.c
 * mdt_cdt_waiting_cb (~165-322) and the sending loop of mdt_coordinator (~770-830) do it: up to max_requests running
 * (cdt_max_requests, counted over STARTED records), but at least one restore per pass even when full ("Restore
 * requests are too important not to schedule at least one", ~186-197), each record to the agent serving its archive
 * with the fewest running ({@link Agents#choose}), the records of one agent and archive id batched into as few
 * hsm_action_lists as fit ({@link ActionListSender}). A record whose file went away or no longer allows its action
 * fails here. Whether the coordinator is enabled is the caller's check. Guarded by the Coordinator's lock: called
 * holding its monitor (no lock of its own), so lists reach an agent in dispatch order.
 */
final class Dispatcher {
    private final Coordinator coordinator;
    private final Namespace ns;
    private final Tunables tunables;
    private final ActionTable records;
    private final Agents agents;
    private final ActionListSender lists;

    /** coordinator: where a record that cannot go ends ({@link Coordinator#finish}) and the log is saved. */
    Dispatcher(Coordinator coordinator, Namespace ns, String fsname, Tunables tunables, ActionTable records,
               Agents agents) {
        this.coordinator = coordinator;
        this.ns = ns;
        this.tunables = tunables;
        this.records = records;
        this.agents = agents;
        this.lists = new ActionListSender(fsname);
    }

    /** Hands waiting requests to agents: up to max_requests running, but at least one restore per pass. */
    void dispatch() {
        int running = records.startedCount();
        boolean restoreDispatched = false;
        Map<String, List<ActionRecord>> batches = new LinkedHashMap<>();
        boolean changed = false;
        long now = System.currentTimeMillis();
        // restores go first in every pass (restore priority), then the rest in submission order; each list is walked
        // from its head while a record can still go (records leave the lists as they are dispatched or failed)
        for (boolean restores : new boolean[] {true, false}) {
            for (ActionRecord r = records.firstWaiting(restores); r != null; r = records.nextWaiting(restores, r)) {
                if (running >= tunables.maxRequests && (!restores || restoreDispatched)) {
                    break; // no priority left and max_requests running: nothing further can go in this pass
                }
                if (r.notBeforeMillis > now) {
                    continue;
                }
                Agent agent = agents.choose(r.archiveId);
                if (agent == null) {
                    continue; // no copytool serves this archive: the request waits, with no timeout
                }
                HsmAttributes a;
                try {
                    a = ns.hsm(r.fid);
                } catch (SimulatorException e) {
                    if (r.action != HsmCodes.HSMA_REMOVE) {
                        coordinator.finish(r, RequestStatus.FAILED); // the file went away while the request waited
                        changed = true;
                        continue;
                    }
                    a = null; // removing the archive copy of an unlinked file
                }
                if (a != null && !RequestRules.isCompatible(r.action, r.archiveId, a)) {
                    coordinator.finish(r, RequestStatus.FAILED);
                    changed = true;
                    continue;
                }
                if (r.action == HsmCodes.HSMA_ARCHIVE) {
                    try {
                        ns.setHsm(r.fid, a.withFlags(a.flags() | HsmFlags.EXISTS).withArchiveId(r.archiveId));
                    } catch (SimulatorException e) {
                        coordinator.finish(r, RequestStatus.FAILED);
                        continue;
                    }
                }
                records.setStatus(r, RequestStatus.STARTED);
                r.agentUuid = agent.uuid;
                r.lastActivityMillis = System.currentTimeMillis();
                agent.current++;
                running++;
                restoreDispatched |= r.action == HsmCodes.HSMA_RESTORE;
                batches.computeIfAbsent(agent.uuid + "/" + r.archiveId, k -> new ArrayList<>()).add(r);
                changed = true;
            }
        }
        if (changed) {
            coordinator.save();
        }
        for (List<ActionRecord> batch : batches.values()) {
            lists.send(agents.get(batch.get(0).agentUuid), batch);
        }
    }
}
