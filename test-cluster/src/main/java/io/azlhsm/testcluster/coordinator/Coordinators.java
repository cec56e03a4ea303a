package io.azlhsm.testcluster.coordinator;

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
     * the mount, from every MDT.
     */
    public void register(String uuid, List<Integer> archiveIds, AgentChannel channel) {
        KucGroup group;
        synchronized (this) {
            KucGroup existing = kucGroups.get(uuid);
            for (AgentChannel gone : existing == null ? List.<AgentChannel>of() : existing.dead()) {
                unregister(uuid, gone); // a copytool that died: the real client deregistered it when it exited
            }
            group = kucGroups.computeIfAbsent(uuid, key -> new KucGroup()); // after: the group may be gone
            group.add(channel);
        }
        for (Coordinator c : mdts) {
            c.register(uuid, archiveIds, group);
        }
    }

    /**
     * A copytool is gone (unregister or process death): every MDT forgets the mount's agent (lmv_hsm_ct_unregister
     * asks each, lmv_obd.c ~805-827; mdt_hsm_agent_unregister looks it up by UUID only), so copytools still
     * registered on that mount receive nothing until one registers again.
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
        for (Coordinator c : mdts) {
            c.unregister(uuid);
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
