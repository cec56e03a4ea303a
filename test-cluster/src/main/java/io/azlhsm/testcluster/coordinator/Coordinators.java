package io.azlhsm.testcluster.coordinator;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.HsmAttributes;
import io.azlhsm.testcluster.namespace.HsmFileOperations;
import io.azlhsm.testcluster.namespace.Namespace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The coordinators of a file system, one per MDT, and what the client does to reach them (Lustre's LMV layer,
 * lustre/lmv/lmv_obd.c): a call about one FID goes to the coordinator of the FID's MDT (lmv_iocontrol ~1062-1085:
 * state get/set, current action, progress, which action_begin and action_end are made of), a user request is split
 * into one request per MDT holding that MDT's items (~1087-1131, lmv_hsm_req_count / lmv_hsm_req_build), and a
 * copytool registers with every MDT (lmv_hsm_ct_register ~829-905). The client keeps one group of copytools per
 * mount ({@link KucGroup}), whichever MDT's action list arrives.
 */
public final class Coordinators implements AutoCloseable {
    private final Namespace ns;
    private final Coordinator[] mdts;
    /** The MDS node's fail_loc / fail_val: one for all its MDTs, as libcfs has one per node. */
    private final FailPoints failPoints = new FailPoints();
    /** Per client UUID, every copytool registered on that mount: the client side of an agent. Guarded by this. */
    private final Map<String, KucGroup> kucGroups = new LinkedHashMap<>();
    /** Per client UUID, the MDTs whose MDC that client has deactivated (lctl set_param mdc.*.active=0). */
    private final Map<String, Set<Integer>> inactiveMdcs = new ConcurrentHashMap<>();

    public Coordinators(Namespace ns, HsmFileOperations files, String fsname, Path stateDir, Changelogs changelog) {
        this.ns = ns;
        this.mdts = new Coordinator[ns.mdtCount()];
        // Each MDT's coordinator seeds its cookies from the wall-clock second it started (mdt_coordinator.c
        // ~1064-1065); the MDTs of a file system start together, so their cookies are the same numbers. The simulator
        // gives them one seed: two MDTs' first requests always have the same cookie, and a copytool that tells
        // actions apart by cookie alone fails every time rather than now and then.
        long seed = System.currentTimeMillis() / 1000;
        for (int mdt = 0; mdt < mdts.length; mdt++) {
            mdts[mdt] = new Coordinator(ns, files, fsname, mdt, stateDir, changelog, seed, failPoints);
        }
    }

    public String fsname() {
        return mdts[0].fsname();
    }

    /** The simulated MDS's fail points (lctl set_param fail_loc, fail_val). */
    public FailPoints failPoints() {
        return failPoints;
    }

    public int mdtCount() {
        return mdts.length;
    }

    /** The coordinator of MDT mdt. */
    public Coordinator of(int mdt) {
        return mdts[mdt];
    }

    /**
     * The coordinator of fid's MDT. A FID of no MDT goes to MDT0, whose coordinator then finds no such file (ENOENT),
     * as a single-MDT file system answers.
     */
    public Coordinator of(Fid fid) {
        try {
            return mdts[ns.mdtOf(fid)];
        } catch (SimulatorException e) {
            return mdts[0];
        }
    }

    /**
     * llapi_hsm_request: one item, or one MDT, goes as it is to the first item's MDT; otherwise each MDT, in index
     * order, gets a request of its own items (with the request's action, archive, flags and data). As lmv_iocontrol
     * does, every MDT's part is sent even if an earlier one failed, and the first error is the answer; a FID whose
     * sequence no MDT has fails the request before any part is sent.
     */
    public void submit(UserRequest req, int uid, int gid) throws SimulatorException {
        if (req.items().size() <= 1 || mdts.length == 1) {
            Fid firstFid = req.items().isEmpty() ? Fid.ROOT : req.items().get(0).fid();
            of(firstFid).submit(req, uid, gid);
            return;
        }
        Map<Coordinator, List<UserRequest.Item>> byMdt = new LinkedHashMap<>();
        for (Coordinator c : mdts) {
            byMdt.put(c, new ArrayList<>());
        }
        for (UserRequest.Item item : req.items()) {
            // lmv_hsm_req_count: a FID of no MDT fails the whole request before any MDT is sent its part
            byMdt.get(mdts[ns.mdtOf(item.fid())]).add(item);
        }
        SimulatorException first = null;
        for (Map.Entry<Coordinator, List<UserRequest.Item>> part : byMdt.entrySet()) {
            if (part.getValue().isEmpty()) {
                continue; // nothing for this MDT
            }
            try {
                part.getKey().submit(new UserRequest(req.action(), req.archiveId(), req.flags(), part.getValue(),
                        req.data()), uid, gid);
            } catch (SimulatorException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** A client's I/O on a released file asks the coordinator of the file's MDT (the layout lock is the MDT's). */
    public void restoreAndWait(Fid fid, BlockedIo caller) throws SimulatorException {
        of(fid).restoreAndWait(fid, caller);
    }

    /** The MDT that unlinked the file's last name queues the REMOVE on its own coordinator (mdt_handle_last_unlink). */
    public void lastUnlinked(Fid fid, HsmAttributes attributes) {
        of(fid).lastUnlinked(fid, attributes);
    }

    // ------------------------------------------------------------------ copytools

    /**
     * A copytool registers on a client mount. A second one on the same mount succeeds too, as on Lustre: the client
     * adds its pipe to the mount's group (kernelcomm.c libcfs_kkuc_group_add) before asking every MDT, each MDT
     * answers EEXIST and keeps the FIRST registration's archive list (mdt_hsm_cdt_agent.c mdt_hsm_agent_register),
     * and the client ignores that EEXIST (mdc_request.c 2341-2345). From then on both receive every action list of
     * the mount, from every MDT. An MDT whose MDC this client has deactivated is skipped (its registration fails with
     * ESHUTDOWN on the invalid import, a transient error to lmv_hsm_ct_register, lmv_obd.c 878-905: the client
     * registers there when the MDC is active again); with every MDC inactive nothing is registered and the copytool
     * fails to start with ENOTCONN (lmv_obd.c 909-915, which also takes it out of the group again).
     */
    public void register(String uuid, List<Integer> archiveIds, AgentChannel channel) throws SimulatorException {
        KucGroup group;
        synchronized (this) {
            KucGroup existing = kucGroups.get(uuid);
            for (AgentChannel gone : existing == null ? List.<AgentChannel>of() : existing.dead()) {
                unregister(uuid, gone); // a copytool that died: the real client deregistered it when it exited
            }
            if (activeMdts(uuid).isEmpty()) {
                throw new SimulatorException(Errno.ENOTCONN, "every MDC of client " + uuid + " is inactive");
            }
            group = kucGroups.computeIfAbsent(uuid, key -> new KucGroup()); // after: the group may be gone
            group.add(channel, archiveIds);
        }
        for (int mdt : activeMdts(uuid)) {
            mdts[mdt].register(uuid, archiveIds, group);
        }
    }

    /**
     * A copytool is gone (unregister or process death): every MDT this client reaches forgets the mount's agent
     * (lmv_hsm_ct_unregister asks each connected MDC, continuing on error, lmv_obd.c 805-827;
     * mdt_hsm_agent_unregister looks it up by UUID only), so copytools still registered on that mount receive nothing
     * until one registers again. An MDT behind an inactive MDC is not told: it keeps the agent until it evicts the
     * client.
     */
    public void unregister(String uuid, AgentChannel channel) {
        synchronized (this) {
            KucGroup group = kucGroups.get(uuid);
            if (group == null || !group.contains(channel)) {
                return; // already handled (found dead at a later registration)
            }
            group.remove(channel);
            if (group.isEmpty()) {
                kucGroups.remove(uuid);
            }
        }
        for (int mdt : activeMdts(uuid)) {
            mdts[mdt].unregister(uuid);
        }
    }

    // ------------------------------------------------------------------ the client's MDC imports

    /**
     * Whether client uuid's MDC of MDT mdt is active. {@code lctl set_param mdc.FSNAME-MDTxxxx-mdc-INSTANCE.active=0}
     * on the client deactivates it (lproc_mdc.c active_store, 39-64 -> recover.c ptlrpc_set_import_active): the import
     * is invalidated and every request on it fails with ESHUTDOWN (client.c ptlrpc_import_delay_req 1407-1411).
     * Lock-free: the client mount asks on every metadata operation.
     */
    public boolean mdcActive(String uuid, int mdt) {
        Set<Integer> inactive = inactiveMdcs.get(uuid);
        return inactive == null || !inactive.contains(mdt);
    }

    private List<Integer> activeMdts(String uuid) {
        List<Integer> active = new ArrayList<>();
        for (int mdt = 0; mdt < mdts.length; mdt++) {
            if (mdcActive(uuid, mdt)) {
                active.add(mdt);
            }
        }
        return active;
    }

    /**
     * lctl set_param mdc.*.active on client uuid. Deactivating tells the MDT nothing (ptlrpc_set_import_active sends no
     * RPC, recover.c 246-258): the MDT keeps the client's export, and its agent, until it evicts the client
     * ({@link #evict}). Activating reconnects the import (recover.c 261-268); once connected the MDC's
     * IMP_EVENT_ACTIVE (import.c 411) re-registers every copytool of the mount with that MDT, newest first, each with
     * its own archive list (mdc_request.c 2930-2935 mdc_kuc_reregister, 2604-2650 mdc_hsm_ct_reregister, kernelcomm.c
     * 1320-1340): the MDT keeps the first it gets and answers EEXIST to the others, which the client ignores. A
     * repeated value changes nothing (lproc_mdc.c 56-61).
     */
    public void setMdcActive(String uuid, int mdt, boolean active) {
        Set<Integer> inactive = inactiveMdcs.computeIfAbsent(uuid, key -> ConcurrentHashMap.newKeySet());
        if (!active) {
            inactive.add(mdt);
            return;
        }
        if (inactive.remove(mdt)) {
            reconnected(uuid, mdt);
        }
    }

    /**
     * mdt.FSNAME-MDTxxxx.evict_client=UUID on the MDS (lprocfs_status_server.c evict_client_store 61-82): the MDT
     * destroys the client's export, and its cleanup unregisters the client's agent (mdt_handler.c 7434,
     * mdt_export_cleanup -> mdt_hsm_agent_unregister); requests the agent was running wait for their timeout. A client
     * whose MDC is active learns of the eviction at its next request or ping and reconnects, which re-registers its
     * copytools at once here; one whose MDC the administrator deactivated stays away until it is activated again.
     * An unknown UUID evicts nobody, without error.
     */
    public void evict(int mdt, String uuid) {
        mdts[mdt].unregister(uuid);
        if (mdcActive(uuid, mdt)) {
            reconnected(uuid, mdt);
        }
    }

    /** The client's import to MDT mdt is connected again: its copytools register there again (mdc_kuc_reregister). */
    private void reconnected(String uuid, int mdt) {
        KucGroup group;
        synchronized (this) {
            group = kucGroups.get(uuid);
        }
        if (group == null) {
            return; // no copytool on that mount
        }
        for (KucGroup.Member member : group.newestFirst()) {
            mdts[mdt].register(uuid, member.archiveIds(), group);
        }
    }

    /** Stops every MDT's coordinator, then shuts every copytool of every mount down (the client's KUC shutdown). */
    @Override
    public void close() {
        for (Coordinator c : mdts) {
            c.close();
        }
        List<KucGroup> all;
        synchronized (this) {
            all = new ArrayList<>(kucGroups.values());
            kucGroups.clear();
        }
        for (KucGroup group : all) {
            group.shutdown();
        }
    }
}
