package io.azlhsm.testcluster.fuse;

import io.azlhsm.testcluster.Errno;
import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.namespace.Namespace;
import io.azlhsm.testcluster.protocol.ClientMounts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Logger;

/** The client mounts of one simulated file system; each has its own client UUID, as separate Lustre clients do. */
public final class ClientMountRegistry implements ClientMounts, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClientMountRegistry.class.getName());

    private final Namespace ns;
    private final Changelogs changelog;
    private final ImplicitRestore restorer;
    private final LastUnlink lastUnlink;
    private final MdcImports imports;
    private final String source;
    private final Map<Path, ClientMount> mounts = new LinkedHashMap<>();
    private final RootCoherence root;

    /** source: the mount source libhsmsim parses, hsmsim@SOCKET:/FSNAME. */
    public ClientMountRegistry(Namespace ns, Changelogs changelog, ImplicitRestore restorer, LastUnlink lastUnlink,
                               MdcImports imports, String source) {
        this.ns = ns;
        this.imports = imports;
        this.lastUnlink = lastUnlink;
        this.restorer = restorer;
        this.changelog = changelog;
        this.source = source;
        this.root = new RootCoherence(ns.backingRoot(), imports);
    }

    @Override
    public synchronized String uuidOf(Path mountPoint) throws SimulatorException {
        ClientMount m = mounts.get(mountPoint.toAbsolutePath().normalize());
        if (m == null) {
            throw new SimulatorException(Errno.ENOENT, mountPoint + " is not a client mount");
        }
        return m.uuid();
    }

    @Override
    public synchronized String mount(Path mountPoint, String options) throws SimulatorException {
        MountOptions parsed = MountOptions.parse(options);
        Path mp = mountPoint.toAbsolutePath().normalize();
        if (mounts.containsKey(mp)) {
            throw new SimulatorException(Errno.EBUSY, mp + " is already mounted");
        }
        try {
            Files.createDirectories(mp);
        } catch (java.io.IOException e) {
            throw new SimulatorException(Errno.EIO, e.toString());
        }
        ClientMount m = new ClientMount(ns, changelog, restorer, lastUnlink, imports, UUID.randomUUID().toString(),
                parsed, root::check);
        m.mountAt(mp, source);
        mounts.put(mp, m);
        root.add(m);
        LOG.info("client " + m.uuid() + " mounted at " + mp + " (" + parsed + ")");
        return m.uuid();
    }

    @Override
    public synchronized Map<String, Long> fuseRequests(Path mountPoint) throws SimulatorException {
        ClientMount m = mounts.get(mountPoint.toAbsolutePath().normalize());
        if (m == null) {
            throw new SimulatorException(Errno.ENOENT, mountPoint + " is not a client mount");
        }
        return m.requestCounts();
    }

    @Override
    public void rootMayHaveChanged() {
        root.check();
    }

    @Override
    public synchronized List<Path> mountPoints() {
        return new ArrayList<>(mounts.keySet());
    }

    @Override
    public synchronized List<Client> clients() {
        return mounts.entrySet().stream().map(e -> new Client(e.getKey(), e.getValue().uuid())).toList();
    }

    @Override
    public synchronized void close() {
        for (ClientMount m : mounts.values()) {
            root.remove(m);
            try {
                m.umount();
            } catch (RuntimeException e) {
                LOG.warning("unmount failed: " + e);
            }
        }
        mounts.clear();
    }
}
