package io.azlhsm.testcluster.protocol;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.coordinator.Coordinator;
import io.azlhsm.testcluster.coordinator.UserRequest;
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
    private final Coordinator coordinator;
    private final ClientMounts mounts;
    private final Changelogs changelog;
    private final Runnable stopDaemon;

    public RequestHandler(Namespace ns, HsmFileOperations files, Coordinator coordinator, ClientMounts mounts,
                          Changelogs changelog, Runnable stopDaemon) {
        this.changelog = changelog;
        this.ns = ns;
        this.files = files;
        this.coordinator = coordinator;
        this.mounts = mounts;
        this.stopDaemon = stopDaemon;
    }

    Message handle(Message req, PeerIdentity peer) {
        try {
            return execute(req, peer);
        } catch (SimulatorException e) {
            return error(e.errno(), e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(Errno.EINVAL, e.getMessage());
        } catch (RuntimeException e) {
            return error(Errno.EIO, e.toString());
        }
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
                Coordinator.State s = coordinator.state(Fid.parse(req.get("fid")));
                return ok.put("states", s.flags()).put("archive_id", s.archiveId())
                        .put("ip_state", s.inProgressState()).put("ip_action", s.inProgressAction())
                        .put("offset", Long.toUnsignedString(s.offset()))
                        .put("length", Long.toUnsignedString(s.length()));
            }
            case "STATE_SET" -> {
                coordinator.setState(Fid.parse(req.get("fid")), req.getLong("set"), req.getLong("clear"),
                        req.getInt("archive_id"), peer.uid());
                return ok;
            }
            case "CURRENT_ACTION" -> {
                Coordinator.CurrentAction c = coordinator.currentAction(Fid.parse(req.get("fid")));
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
                coordinator.submit(new UserRequest(req.getInt("action"), req.getInt("archive_id"),
                        req.getLong("flags"), items, data), peer.uid(), peer.gid());
                return ok;
            }
            case "DATA_VERSION" -> {
                return ok.put("dv", Long.toUnsignedString(ns.dataVersion(Fid.parse(req.get("fid")))));
            }
            case "DATA_VERSION_SET" -> {
                coordinator.setArchiveVersion(Fid.parse(req.get("fid")), req.getLong("dv"));
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
                Coordinator.Begin b = coordinator.begin(req.getLong("cookie"), Fid.parse(req.get("fid")),
                        req.getInt("is_error") != 0, Integer.parseInt(req.get("mdt", "-1")),
                        Integer.parseInt(req.get("delay_layout", "0")) != 0);
                ok.put("action", b.action()).put("dfid", b.dataFid());
                if (b.dataPath() != null) {
                    ok.put("path", b.dataPath());
                }
                return ok;
            }
            case "PROGRESS" -> {
                coordinator.progress(req.getLong("cookie"), Fid.parse(req.get("fid")), req.getLong("offset"),
                        req.getLong("length"));
                return ok;
            }
            case "END" -> {
                coordinator.end(req.getLong("cookie"), Fid.parse(req.get("fid")), req.getLong("offset"),
                        req.getLong("length"), req.getInt("flags"), req.getInt("errval"));
                return ok;
            }
            case "GET_PARAM" -> {
                for (String name : matching(req.get("pattern"))) {
                    ok.put("param", name).put("value", getParam(name));
                }
                return ok;
            }
            case "SET_PARAM" -> {
                requireRoot(peer);
                List<String> names = matching(req.get("pattern"));
                for (String name : names) {
                    setParam(name, req.get("value"));
                    ok.put("param", name);
                }
                return ok;
            }
            case "LIST_PARAM" -> {
                for (String name : matching(req.get("pattern"))) {
                    ok.put("param", name);
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
            case "STATUS" -> {
                ok.put("fsname", coordinator.fsname()).put("pid", ProcessHandle.current().pid())
                        .put("mdts", ns.mdtCount()).put("osts", FileLayout.OST_COUNT);
                for (Path p : mounts.mountPoints()) {
                    ok.put("mount", p);
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
        if (mdt.equals(coordinator.fsname())) {
            return 0;
        }
        for (int index = 0; index < ns.mdtCount(); index++) {
            if (mdt.equals(String.format("%s-MDT%04x", coordinator.fsname(), index))) {
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

    private String mdtPrefix() {
        return "mdt." + coordinator.fsname() + "-MDT0000.";
    }

    private List<String> allParams() {
        List<String> names = new ArrayList<>();
        names.add(mdtPrefix() + "hsm_control");
        for (String n : Coordinator.paramNames()) {
            names.add(mdtPrefix() + "hsm." + n);
        }
        return names;
    }

    /** lctl's glob: '*' and '?' match within one dotted component. */
    private List<String> matching(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append("[^.]*");
                case '?' -> regex.append("[^.]");
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        Pattern p = Pattern.compile(regex.toString());
        return allParams().stream().filter(n -> p.matcher(n).matches()).toList();
    }

    private String getParam(String name) throws SimulatorException {
        String local = name.substring(mdtPrefix().length());
        if (local.equals("hsm_control")) {
            return coordinator.control();
        }
        return coordinator.getParam(local.substring("hsm.".length()));
    }

    private void setParam(String name, String value) throws SimulatorException {
        String local = name.substring(mdtPrefix().length());
        if (local.equals("hsm_control")) {
            coordinator.setControl(value);
        } else {
            String param = local.substring("hsm.".length());
            if (List.of("agents", "actions", "active_requests").contains(param)) {
                throw new SimulatorException(Errno.EACCES, name + " is read-only");
            }
            coordinator.setParam(param, value);
        }
    }
}
