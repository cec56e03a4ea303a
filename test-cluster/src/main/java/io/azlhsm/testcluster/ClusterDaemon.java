package io.azlhsm.testcluster;

import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.coordinator.Coordinators;
import io.azlhsm.testcluster.fuse.ClientMountRegistry;
import io.azlhsm.testcluster.namespace.HsmFileOperations;
import io.azlhsm.testcluster.namespace.Namespace;
import io.azlhsm.testcluster.protocol.ProtocolServer;
import io.azlhsm.testcluster.protocol.RequestHandler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/**
 * One simulated Lustre file system: namespace over ROOT/backing, an HSM coordinator per MDT (state in ROOT/state),
 * client mounts (ROOT/mnt first) and the Unix socket libhsmsim talks to (ROOT/run/coordinator.sock).
 *
 * <pre>java io.azlhsm.testcluster.ClusterDaemon --root DIR [--fsname lustre] [--mdts N] [--mount-options user_xattr]</pre>
 *
 * Prints "READY" on stdout once the first mount answers. SIGTERM or the STOP request shuts everything down: agents
 * are told (their recv gets ESHUTDOWN), mounts are unmounted, the socket is removed.
 */
public final class ClusterDaemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ClusterDaemon.class.getName());

    private final Coordinators coordinators;
    private final ClientMountRegistry mounts;
    private final ProtocolServer server;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** @param mountOptions the default mount's Lustre client options ({@code -o} list; empty: defaults) */
    public ClusterDaemon(Path root, String fsname, String mountOptions) throws IOException, SimulatorException {
        this(root, fsname, 1, mountOptions);
    }

    /** @param mdts how many MDTs (more than one: DNE) */
    public ClusterDaemon(Path root, String fsname, int mdts, String mountOptions)
            throws IOException, SimulatorException {
        Path run = Files.createDirectories(root.resolve("run"));
        Path state = Files.createDirectories(root.resolve("state"));
        Namespace ns = new Namespace(root.resolve("backing"), root.resolve("volatile"), state, mdts);
        cleanVolatileFiles(root.resolve("volatile"));
        HsmFileOperations files = new HsmFileOperations(ns);
        Changelogs changelog = new Changelogs(state, ns);
        coordinators = new Coordinators(ns, files, fsname, state, changelog); // one per MDT
        Path socket = run.resolve("coordinator.sock");
        mounts = new ClientMountRegistry(ns, changelog, coordinators::restoreAndWait,
                coordinators::lastUnlinked, coordinators::mdcActive, "hsmsim@" + socket + ":/" + fsname);
        server = new ProtocolServer(socket,
                new RequestHandler(ns, files, coordinators, mounts, changelog, this::stop), coordinators, mounts,
                changelog);
        mounts.mount(root.resolve("mnt"), mountOptions);
    }

    /** Restores in flight at a crash left volatile files; their requests start over. */
    private static void cleanVolatileFiles(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void stop() {
        stopped.countDown();
    }

    void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        coordinators.close();
        mounts.close();
        try {
            server.close();
        } catch (IOException e) {
            LOG.warning("socket close: " + e);
        }
    }

    public static void main(String[] args) throws Exception {
        Path root = null;
        String fsname = "lustre";
        String mountOptions = "";
        int mdts = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--fsname" -> fsname = args[++i];
                case "--mdts" -> mdts = Integer.parseInt(args[++i]);
                case "--mount-options" -> mountOptions = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (root == null) {
            throw new IllegalArgumentException("usage: ClusterDaemon --root DIR [--fsname NAME] [--mdts N]"
                    + " [--mount-options OPTS]");
        }
        ClusterDaemon daemon = new ClusterDaemon(root, fsname, mdts, mountOptions);
        Thread hook = new Thread(daemon::close, "cluster-daemon-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("READY");
        System.out.flush();
        daemon.awaitStop();
        System.exit(0); // runs the shutdown hook: one shutdown path for STOP and SIGTERM
    }
}
