package io.azlhsm.testcluster.protocol;

import io.azlhsm.testcluster.SimulatorException;
import io.azlhsm.testcluster.changelog.Changelogs;
import io.azlhsm.testcluster.changelog.ChangelogRecord;
import io.azlhsm.testcluster.coordinator.Coordinators;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * The daemon's Unix socket: one thread per connection, one reply line per request line. A CT_REGISTER connection
 * becomes the agent's channel and lives until the copytool closes it (unregister or process death).
 */
public final class ProtocolServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ProtocolServer.class.getName());

    private final Path socketPath;
    private final ServerSocketChannel server;
    private final RequestHandler handler;
    private final Coordinators coordinators;
    private final ClientMounts mounts;
    private final Changelogs changelog;
    private final ExecutorService connections = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "protocol-connection");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;
    /** Requests being handled whose reply is not written yet: a shutdown lets them answer (see {@link #close}). */
    private int answering;

    public ProtocolServer(Path socketPath, RequestHandler handler, Coordinators coordinators, ClientMounts mounts,
                          Changelogs changelog) throws IOException {
        this.socketPath = socketPath;
        this.changelog = changelog;
        this.coordinators = coordinators;
        this.mounts = mounts;
        this.handler = handler;
        Files.deleteIfExists(socketPath);
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socketPath));
        // everyone may connect (lfs is for all users); the daemon checks each caller's credentials
        Files.setPosixFilePermissions(socketPath, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        Thread acceptor = new Thread(this::acceptLoop, "protocol-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                SocketChannel ch = server.accept();
                connections.execute(() -> serve(ch));
            } catch (IOException e) {
                if (!closed) {
                    LOG.warning("accept failed: " + e);
                }
                return;
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            PeerIdentity peer = PeerIdentity.of(ch);
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch),
                    StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                Message req = Message.parse(line);
                if (req.verb().equals("CT_REGISTER")) {
                    serveAgent(ch, in, req, peer);
                    return;
                }
                if (req.verb().equals("CHANGELOG_READ")) {
                    serveChangelog(ch, req);
                    return;
                }
                synchronized (this) {
                    answering++;
                }
                try {
                    Message answer = handler.handle(req, peer);
                    if (RequestHandler.mayChangeWhatClientsKeep(req.verb())) {
                        mounts.rootMayHaveChanged(); // before the reply: what follows it must see the root as it is
                    }
                    reply(ch, answer);
                } finally {
                    synchronized (this) {
                        answering--;
                        notifyAll();
                    }
                }
            }
        } catch (IOException e) {
            // client went away
        }
    }

    /** Registers the agent, then waits for the connection to close to unregister it. */
    private void serveAgent(SocketChannel ch, BufferedReader in, Message req, PeerIdentity peer) throws IOException {
        String uuid;
        try {
            if (peer.uid() != 0) {
                throw new SimulatorException(io.azlhsm.testcluster.Errno.EPERM, "a copytool needs CAP_SYS_ADMIN");
            }
            uuid = mounts.uuidOf(Path.of(req.get("mount")));
        } catch (SimulatorException e) {
            reply(ch, RequestHandler.error(e.errno(), e.getMessage()));
            return;
        }
        String ids = req.get("archives", "");
        List<Integer> archives = ids.isEmpty() ? List.of()
                : Arrays.stream(ids.split(",")).map(Integer::parseInt).toList();
        long pid = Long.parseLong(req.get("pid", "0"));
        AgentConnection agent = new AgentConnection(ch, uuid, pid);
        try {
            coordinators.register(uuid, archives, agent);
        } catch (SimulatorException e) {
            reply(ch, RequestHandler.error(e.errno(), e.getMessage())); // ENOTCONN: every MDC of the mount inactive
            return;
        }
        // action lists dispatched at registration are only queued: the writer starts after the OK is out
        reply(ch, new Message("OK").put("uuid", uuid));
        agent.start();
        try {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("CT_UNREGISTER")) {
                    break; // llapi_hsm_copytool_unregister: it waits for this connection to close
                }
            }
        } finally {
            coordinators.unregister(uuid, agent);
            agent.stop();
            ch.close(); // only now: the copytool's unregister returns when it sees the end of the connection
        }
    }

    /** Streams changelog records from start; then EOF, or when following, waits for more until the reader leaves. */
    private void serveChangelog(SocketChannel ch, Message req) throws IOException {
        io.azlhsm.testcluster.changelog.Changelog changelog;
        try {
            changelog = this.changelog.of(handler.mdtIndex(req.get("mdt")));
        } catch (SimulatorException e) {
            reply(ch, RequestHandler.error(e.errno(), e.getMessage()));
            return;
        }
        long next = Math.max(0, Long.parseLong(req.get("start")));
        boolean follow = req.get("follow", "0").equals("1");
        try {
            while (!closed) {
                for (ChangelogRecord r : changelog.from(next)) {
                    Message m = new Message("REC").put("index", r.index()).put("type", r.type())
                            .put("flags", r.flags()).put("time", Long.toUnsignedString(r.time()))
                            .put("tfid", r.targetFid()).put("pfid", r.parentFid()).put("name", r.name());
                    if (r.sourceFid() != null) {
                        m.put("sfid", r.sourceFid()).put("spfid", r.sourceParentFid());
                    }
                    if (r.sourceName() != null) {
                        m.put("sname", r.sourceName());
                    }
                    reply(ch, m);
                    next = r.index() + 1;
                }
                if (!follow) {
                    reply(ch, new Message("EOF"));
                    return;
                }
                changelog.awaitAfter(next - 1, 500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void reply(SocketChannel ch, Message m) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap((m.format() + "\n").getBytes(StandardCharsets.UTF_8));
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        // A request already handled gets its reply, as a write to a real MDS's /proc completes whatever follows: the
        // `lctl set_param fail_loc=0` that lets a stopping MDS go on must not see the stop as a lost connection.
        // Bounded, as a request could be one blocked for good; long-lived agent and changelog connections are not
        // counted, they are ended below.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        synchronized (this) {
            while (answering > 0 && System.nanoTime() < deadline) {
                try {
                    wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        connections.shutdownNow();
        Files.deleteIfExists(socketPath);
    }
}
