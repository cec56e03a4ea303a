package io.azlhsm.testcluster.protocol;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.coordinator.Coordinator;
import io.azlhsm.testcluster.coordinator.Coordinators;
import io.azlhsm.testcluster.coordinator.FileStates;
import io.azlhsm.testcluster.coordinator.HsmParams;
import io.azlhsm.testcluster.coordinator.UserRequest;
import io.azlhsm.testcluster.fuse.OstSpace;
import io.azlhsm.testcluster.namespace.DirectoryLayout;
import io.azlhsm.testcluster.namespace.Fid;
import io.azlhsm.testcluster.namespace.FileLayout;
import io.azlhsm.testcluster.namespace.HsmFileOperations;
import io.azlhsm.testcluster.namespace.Namespace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Executes one request line of the libhsmsim protocol (see test-cluster/PROTOCOL.md) and returns the reply line.
 * CT_REGISTER is handled by {@link ProtocolServer} because it keeps its connection.
 */
public final class RequestHandler {
    private final Namespace ns;
    private final HsmFileOperations files;
    private final Coordinators coordinators;
    private final ClientMounts mounts;
    private final Changelogs changelog;
    private final Runnable stopDaemon;
    /**
     * Requests served, by verb (COUNTERS); only the verbs of {@link #execute}, so a client sending made-up verbs
     * cannot grow it.
     */
    private final java.util.concurrent.ConcurrentHashMap<String, java.util.concurrent.atomic.LongAdder> calls =
            new java.util.concurrent.ConcurrentHashMap<>();

    public RequestHandler(Namespace ns, HsmFileOperations files, Coordinators coordinators, ClientMounts mounts,
                          Changelogs changelog, Runnable stopDaemon) {
        this.changelog = changelog;
        this.ns = ns;
        this.files = files;
        this.coordinators = coordinators;
        this.mounts = mounts;
        this.stopDaemon = stopDaemon;
    }

    Message handle(Message req, PeerIdentity peer) {
        try {
            Message reply = execute(req, peer);
            counted(req.verb());
            return reply;
        } catch (SimulatorException e) {
            return error(e.errno(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(Errno.EINVAL, e.getMessage());
        } catch (RuntimeException e) {
            return error(Errno.EIO, e.toString());
        }
    }

    private void counted(String verb) {
        java.util.concurrent.atomic.LongAdder n = calls.get(verb);
        if (n == null) {
            n = calls.computeIfAbsent(verb, v -> new java.util.concurrent.atomic.LongAdder());
        }
        n.increment();
    }

    /**
     * Verbs that only read: nothing a client's kernel may keep about the root (its attributes, the MDC's state) can
     * differ after them, so their replies need no {@link ClientMounts#rootMayHaveChanged} check (a stat of the root
     * and a look at every mount). An archive's FID2PATH, the polls of STATE_GET and GET_PARAM are most of a busy
     * copytool's calls after ACTION_BEGIN and END. Any verb not listed is checked.
     */
    private static final java.util.Set<String> READ_ONLY = java.util.Set.of("PATH2FID", "FID2PATH", "STATE_GET",
            "CURRENT_ACTION", "GET_PARAM", "LIST_PARAM", "FID2MDT", "GETDIRSTRIPE", "COUNTERS", "STATUS",
            "OST_STATFS", "POOL_MEMBERS");

    /** Whether a request of this verb may change something a client's kernel keeps (see {@link #READ_ONLY}). */
    static boolean mayChangeWhatClientsKeep(String verb) {
        return !READ_ONLY.contains(verb);
    }

    static Message error(int errno, String text) {
        return new Message("ERR").put("errno", errno).put("text", text == null ? "" : text);
    }

    private Message execute(Message req, PeerIdentity peer) throws SimulatorException {
        Message ok = new Message("OK");
        switch (req.verb()) {
            case "PATH2FID" -> {
                return ok.put("fid", ns.fidOf(relative(req.get("path"))));
            }
            case "FID2PATH" -> {
                Fid fid = Fid.parse(req.get("fid"));
                if (Integer.parseInt(req.get("linkno", "0")) > 0) {
                    throw new SimulatorException(Errno.ENOENT, "no further link"); // no hard links simulated
                }
                return ok.put("path", ns.pathOf(fid)).put("linkno", 0);
            }
            case "STATE_GET" -> {
                Fid fid = Fid.parse(req.get("fid"));
                FileStates.State s = coordinators.of(fid).fileStates().state(fid);
                return ok.put("states", s.flags()).put("archive_id", s.archiveId())
                        .put("ip_state", s.inProgressState()).put("ip_action", s.inProgressAction())
                        .put("offset", Long.toUnsignedString(s.offset()))
                        .put("length", Long.toUnsignedString(s.length()));
            }
            case "STATE_SET" -> {
                Fid fid = Fid.parse(req.get("fid"));
                coordinators.of(fid).fileStates().setState(fid, req.getLong("set"), req.getLong("clear"),
                        req.getInt("archive_id"), peer.uid());
                return ok;
            }
            case "CURRENT_ACTION" -> {
                Fid fid = Fid.parse(req.get("fid"));
                FileStates.CurrentAction c = coordinators.of(fid).fileStates().currentAction(fid);
                return ok.put("state", c.state()).put("action", c.action())
                        .put("offset", Long.toUnsignedString(c.offset()))
                        .put("length", Long.toUnsignedString(c.length()));
            }
            case "REQUEST" -> {
                List<UserRequest.Item> items = new ArrayList<>();
                for (String item : req.all("item")) {
                    String[] f = item.split(",");
                    items.add(new UserRequest.Item(Fid.parse(f[0]), Long.parseUnsignedLong(f[1]),
                            Long.parseUnsignedLong(f[2])));
                }
                byte[] data = HexFormat.of().parseHex(req.get("data", ""));
                coordinators.submit(new UserRequest(req.getInt("action"), req.getInt("archive_id"),
                        req.getLong("flags"), items, data), peer.uid(), peer.gid());
                return ok;
            }
            case "DATA_VERSION_SET" -> {
                Fid fid = Fid.parse(req.get("fid"));
                coordinators.of(fid).fileStates().setArchiveVersion(fid, req.getLong("dv"));
                return ok;
            }
            case "IMPORT" -> {
                requireRoot(peer);
                files.importFile(Fid.parse(req.get("fid")), req.getLong("archive_id"), req.getLong("size"),
                        req.getInt("mode"), req.getInt("uid"), req.getInt("gid"), req.getLong("atime"),
                        req.getLong("mtime"));
                return ok;
            }
            case "ACTION_BEGIN" -> {
                // action_begin, progress and end go to the MDT of the action's FID (ll_ioc_copy_start sends
                // LL_IOC_HSM_PROGRESS, which lmv_iocontrol routes by hpk_fid: lmv_obd.c ~1078-1085): cookies of two
                // MDTs may be equal
                Fid fid = Fid.parse(req.get("fid"));
                Coordinator.Begin b = coordinators.of(fid).begin(req.getLong("cookie"), fid,
                        req.getInt("is_error") != 0, Integer.parseInt(req.get("mdt", "-1")),
                        Integer.parseInt(req.get("delay_layout", "0")) != 0);
                ok.put("action", b.action()).put("dfid", b.dataFid());
                if (b.dataPath() != null) {
                    ok.put("path", b.dataPath());
                }
                return ok;
            }
            case "PROGRESS" -> {
                Fid fid = Fid.parse(req.get("fid"));
                coordinators.of(fid).progress(req.getLong("cookie"), fid, req.getLong("offset"),
                        req.getLong("length"));
                return ok;
            }
            case "END" -> {
                Fid fid = Fid.parse(req.get("fid"));
                coordinators.of(fid).end(req.getLong("cookie"), fid, req.getLong("offset"),
                        req.getLong("length"), req.getInt("flags"), req.getInt("errval"));
                return ok;
            }
            case "GET_PARAM" -> {
                for (Param param : matching(req.get("pattern"))) {
                    if (param.local().equals(EVICT_CLIENT)) {
                        continue; // write-only
                    }
                    ok.put("param", param.name()).put("value", getParam(param));
                }
                return ok;
            }
            case "SET_PARAM" -> {
                requireRoot(peer);
                for (Param param : matching(req.get("pattern"))) {
                    setParam(param, req.get("value"));
                    ok.put("param", param.name());
                }
                return ok;
            }
            case "LIST_PARAM" -> {
                for (Param param : matching(req.get("pattern"))) {
                    ok.put("param", param.name());
                }
                return ok;
            }
            case "CHANGELOG_REGISTER" -> {
                requireRoot(peer);
                return ok.put("id", changelog.of(mdtIndex(req.get("mdt"))).register());
            }
            case "CHANGELOG_DEREGISTER" -> {
                requireRoot(peer);
                changelog.of(mdtIndex(req.get("mdt"))).deregister(req.get("id"));
                return ok;
            }
            case "CHANGELOG_CLEAR" -> {
                changelog.of(mdtIndex(req.get("mdt"))).clear(req.get("id"), Long.parseLong(req.get("endrec")));
                return ok;
            }
            case "FID2MDT" -> {
                return ok.put("mdt", ns.mdtOf(Fid.parse(req.get("fid"))));
            }
            case "MKDIR" -> {
                // lfs mkdir -i / setdirstripe: a directory created by the MDS on a chosen MDT; as Lustre's default
                // enable_remote_dir_gid=0 allows, only root may place one
                requireRoot(peer);
                String rel = relative(req.get("path"));
                Fid fid = ns.mkdir(rel, req.getInt("offset"), req.getInt("count"), req.getInt("mode"), peer.uid(),
                        peer.gid());
                int slash = rel.lastIndexOf('/');
                changelog.add(ChangelogRecord.CL_MKDIR, 0, fid, ns.fidOf(slash < 0 ? "" : rel.substring(0, slash)),
                        rel.substring(slash + 1));
                return ok.put("fid", fid);
            }
            case "GETDIRSTRIPE" -> {
                DirectoryLayout layout = ns.layout(relative(req.get("path")));
                ok.put("offset", layout.offset()).put("count", layout.stripeCount())
                        .put("hash", layout.stripeCount() == 0 ? "none" : DirectoryLayout.HASH_TYPE);
                for (int i = 0; i < layout.stripeCount(); i++) {
                    ok.put("stripe", layout.mdts()[i] + "," + layout.fids()[i]);
                }
                return ok;
            }
            case "MOUNT" -> {
                requireRoot(peer);
                return ok.put("uuid", mounts.mount(Path.of(req.get("path")), req.get("options", "")));
            }
            case "CLIENT" -> {
                // lfs getname: the client mounted at a mount point (llapi_getname, llapi_get_instance)
                Path mp = Path.of(req.get("mount")).toAbsolutePath().normalize();
                for (ClientMounts.Client c : mounts.clients()) {
                    if (c.mountPoint().equals(mp)) {
                        return ok.put("uuid", c.uuid()).put("instance", c.instance());
                    }
                }
                throw new SimulatorException(Errno.ENOENT, mp + " is not a client mount");
            }
            case "COUNTERS" -> {
                // what a job cost the simulator: FUSE requests of one client mount (default: the first) by opcode,
                // and the daemon's protocol requests (every client and copytool) answered OK, by verb
                List<Path> all = mounts.mountPoints();
                String mount = req.get("mount", all.isEmpty() ? "" : all.get(0).toString());
                mounts.fuseRequests(Path.of(mount)).forEach((op, n) -> ok.put("fuse." + op, n));
                new java.util.TreeMap<>(calls).forEach((verb, n) -> ok.put("call." + verb, n.sum()));
                return ok;
            }
            case "STATUS" -> {
                ok.put("fsname", coordinators.fsname()).put("pid", ProcessHandle.current().pid())
                        .put("mdts", ns.mdtCount()).put("osts", FileLayout.OST_COUNT);
                for (Path p : mounts.mountPoints()) {
                    ok.put("mount", p);
                }
                return ok;
            }
            case "OST_STATFS" -> {
                // llapi_obd_statfs(LL_STATFS_LOV, index): one OST's space; ENODEV past the last one
                OstSpace.OstStatfs st = new OstSpace(ns, coordinators.fsname()).statfs(req.getInt("index"));
                return ok.put("uuid", st.uuid()).put("bsize", 4096).put("blocks", st.blocks())
                        .put("bfree", st.bfree()).put("bavail", st.bavail());
            }
            case "POOL_MEMBERS" -> {
                // llapi_get_poolmembers: the member OST UUIDs of a pool of this file system
                for (String member : new OstSpace(ns, coordinators.fsname()).poolMembers(req.get("pool"))) {
                    ok.put("member", member);
                }
                return ok;
            }
            case "STOP" -> {
                requireRoot(peer);
                Thread t = new Thread(stopDaemon, "daemon-stop");
                t.start();
                return ok;
            }
            default -> throw new SimulatorException(Errno.EPROTO, "unknown verb " + req.verb());
        }
    }

    /** The index of an MDT named in a changelog call ("lustre-MDT0001"; the file system's name: MDT0000). */
    int mdtIndex(String mdt) throws SimulatorException {
        if (mdt.equals(coordinators.fsname())) {
            return 0;
        }
        for (int index = 0; index < ns.mdtCount(); index++) {
            if (mdt.equals(mdtName(index))) {
                return index;
            }
        }
        throw new SimulatorException(Errno.ENODEV, "no MDT " + mdt);
    }

    private static void requireRoot(PeerIdentity peer) throws SimulatorException {
        if (peer.uid() != 0) {
            throw new SimulatorException(Errno.EPERM, "root only");
        }
    }

    /** Paths on the wire are relative to the file system root; a leading slash is tolerated. */
    private static String relative(String path) {
        String p = path;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.equals(".")) {
            return "";
        }
        for (String part : p.split("/")) {
            if (part.equals("..")) {
                throw new IllegalArgumentException("path escapes the file system: " + path);
            }
        }
        return p;
    }

    // ------------------------------------------------------------------ lctl parameters

    /** The device name of MDT index: "lustre-MDT0001". */
    private String mdtName(int index) {
        return String.format("%s-MDT%04x", coordinators.fsname(), index);
    }

    /**
     * A parameter: its full name, its MDT and the part after "mdt.FSNAME-MDTxxxx." (a coordinator's, or the MDT's
     * evict_client), or after "mdc.FSNAME-MDTxxxx-mdc-INSTANCE." of a client (client: that client's UUID).
     */
    private record Param(String name, int mdt, String local, String client) {
        Param(String name, int mdt, String local) {
            this(name, mdt, local, null);
        }
    }

    /** mdt.*.evict_client: write-only (lprocfs_status_server.c evict_client_store). */
    private static final String EVICT_CLIENT = "evict_client";
    /** mdc.*.active of a client (lproc_mdc.c active_show/active_store). */
    private static final String MDC_ACTIVE = "active";

    /** The mdt of a parameter of the node rather than of an MDT. */
    private static final int NODE = -1;

    /**
     * Every MDT has its own coordinator parameters (mdt.FSNAME-MDT0001.hsm_control, ...hsm.*: hsm_cdt_tunables_init
     * adds them under each MDT device, mdt_coordinator.c ~2830-2850), listed in MDT order as lctl lists devices.
     */
    private List<Param> allParams() {
        List<Param> params = new ArrayList<>();
        // libcfs' fault injection of the MDS node (/proc/sys/lnet/fail_loc, fail_val): no MDT of its own
        params.add(new Param("fail_loc", NODE, "fail_loc"));
        params.add(new Param("fail_val", NODE, "fail_val"));
        for (int mdt = 0; mdt < coordinators.mdtCount(); mdt++) {
            String prefix = "mdt." + mdtName(mdt) + ".";
            params.add(new Param(prefix + "hsm_control", mdt, "hsm_control"));
            for (String n : HsmParams.names()) {
                params.add(new Param(prefix + "hsm." + n, mdt, "hsm." + n));
            }
            params.add(new Param(prefix + EVICT_CLIENT, mdt, EVICT_CLIENT));
        }
        // the clients' MDC devices, FSNAME-MDTxxxx-mdc-INSTANCE (llite_lib.c 1620, 1626: "%s-%016lx"): every client
        // of this file system runs on this machine, so a client's lctl sees them all, as on one node with several
        // mounts
        for (ClientMounts.Client client : mounts.clients()) {
            for (int mdt = 0; mdt < coordinators.mdtCount(); mdt++) {
                params.add(new Param("mdc." + mdtName(mdt) + "-mdc-" + client.instance() + "." + MDC_ACTIVE, mdt,
                        MDC_ACTIVE, client.uuid()));
            }
        }
        return params;
    }

    /** lctl's glob: '*' and '?' match within one dotted component. */
    private List<Param> matching(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append("[^.]*");
                case '?' -> regex.append("[^.]");
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        Pattern p = Pattern.compile(regex.toString());
        return allParams().stream().filter(param -> p.matcher(param.name()).matches()).toList();
    }

    private String getParam(Param param) throws SimulatorException {
        if (param.client() != null) {
            return coordinators.mdcActive(param.client(), param.mdt()) ? "1" : "0";
        }
        if (param.mdt() == NODE) {
            return coordinators.failPoints().get(param.local());
        }
        HsmParams hsm = coordinators.of(param.mdt()).params();
        if (param.local().equals("hsm_control")) {
            return hsm.control();
        }
        return hsm.get(param.local().substring("hsm.".length()));
    }

    /** The kernel's kstrtobool, as active_store parses its value (lproc_mdc.c 48): 1/0, y/n, on/off. */
    private static boolean kernelBool(Param param, String value) throws SimulatorException {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.startsWith("1") || v.startsWith("y") || v.equals("on")) {
            return true;
        }
        if (v.startsWith("0") || v.startsWith("n") || v.equals("off")) {
            return false;
        }
        throw new SimulatorException(Errno.EINVAL, param.name() + ": not a boolean: " + value);
    }

    /**
     * evict_client_store (lprocfs_status_server.c 61-82): "uuid:UUID" or a bare UUID evicts that client's export of
     * this MDT; an unknown UUID evicts nobody and is no error. "nid:" evicts by network address, which the simulated
     * clients do not have: refused.
     */
    private void evictClient(Param param, String value) throws SimulatorException {
        String v = value.trim();
        if (v.startsWith("nid:")) {
            throw new SimulatorException(Errno.EOPNOTSUPP, param.name() + ": the simulated clients have no NID");
        }
        coordinators.evict(param.mdt(), v.startsWith("uuid:") ? v.substring("uuid:".length()) : v);
    }

    private void setParam(Param param, String value) throws SimulatorException {
        if (param.client() != null) {
            coordinators.setMdcActive(param.client(), param.mdt(), kernelBool(param, value));
            return;
        }
        if (param.local().equals(EVICT_CLIENT)) {
            evictClient(param, value);
            return;
        }
        if (param.mdt() == NODE) {
            coordinators.failPoints().set(param.local(), value);
            return;
        }
        HsmParams hsm = coordinators.of(param.mdt()).params();
        if (param.local().equals("hsm_control")) {
            hsm.setControl(value);
        } else {
            String name = param.local().substring("hsm.".length());
            if (List.of("agents", "actions", "active_requests").contains(name)) {
                throw new SimulatorException(Errno.EACCES, param.name() + " is read-only");
            }
            hsm.set(name, value);
        }
    }
}
