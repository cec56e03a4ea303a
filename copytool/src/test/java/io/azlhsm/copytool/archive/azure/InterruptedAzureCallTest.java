package io.azlhsm.copytool.archive.azure;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.azlhsm.copytool.archive.ArchiveException;
import io.azlhsm.copytool.archive.BackendSecret;
import io.azlhsm.copytool.archive.BackendSettings;
import io.azlhsm.copytool.archive.BackendSettings.BackendType;
import io.azlhsm.copytool.archive.BackendSettings.RetrySettings;
import io.azlhsm.copytool.archive.ChunkedUpload;
import io.azlhsm.testcluster.harness.AzuriteServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A canceled action interrupts its thread; each kind of blob request must then give up at once, although the client
 * library's retry policy (here 5 tries of up to 5 minutes, 60 s apart) would go on for many minutes: a request the
 * service never answers, and a service that drops every connection (the retry policy's backoff).
 */
class InterruptedAzureCallTest {
    /** Far longer than an interrupted call may take, far shorter than the retry policy would go on. */
    private static final Duration PROMPT = Duration.ofSeconds(10);
    private static final RetrySettings SLOW_RETRIES =
            new RetrySettings(5, Duration.ofMinutes(5), Duration.ofSeconds(60), Duration.ofSeconds(60));

    private ServerSocket server;
    private Thread acceptor;
    private final LinkedBlockingQueue<Socket> accepted = new LinkedBlockingQueue<>();
    private final List<Socket> all = new CopyOnWriteArrayList<>();
    private volatile boolean dropConnections;

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    all.add(socket);
                    if (dropConnections) {
                        socket.close(); // the request fails on the network: the retry policy backs off
                    }
                    accepted.add(socket);
                } catch (IOException closed) {
                    return;
                }
            }
        }, "silent-blob-service");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void close() throws Exception {
        server.close();
        for (Socket socket : all) {
            socket.close();
        }
        acceptor.join(5000);
    }

    private AzureBlobBackend backend() {
        String connection = "DefaultEndpointsProtocol=http;AccountName=" + AzuriteServer.ACCOUNT + ";AccountKey="
                + AzuriteServer.ACCOUNT_KEY + ";BlobEndpoint=http://127.0.0.1:" + server.getLocalPort() + "/"
                + AzuriteServer.ACCOUNT + ";";
        return AzureBlobBackend.create(BackendSettings.builder(1, BackendType.AZURE).container("silent")
                .connectionString(BackendSecret.of(connection)).createContainer(false).chunkSize(1 << 20)
                .retry(SLOW_RETRIES).build());
    }

    @FunctionalInterface
    private interface BlobCall {
        void run(AzureBlobBackend backend) throws Exception;
    }

    /** Starts the call, interrupts it once the service has its connection, and returns how long it took to give up. */
    private Duration interruptOnceConnected(BlobCall call) throws Exception {
        try (AzureBlobBackend backend = backend()) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    call.run(backend);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            }, "canceled-action");
            caller.start();
            Socket connection = accepted.poll(60, TimeUnit.SECONDS);
            assertNotNull(connection, "the request never reached the service");
            long interrupted = System.nanoTime();
            caller.interrupt();
            caller.join(PROMPT.toMillis());
            Duration took = Duration.ofNanos(System.nanoTime() - interrupted);
            assertFalse(caller.isAlive(), "the call went on for " + PROMPT + " after its thread was interrupted");
            assertTrue(thrown.get() instanceof ArchiveException, "the interrupted call ended with " + thrown.get());
            System.out.println("interrupted blob call gave up after " + took.toMillis() + " ms");
            return took;
        }
    }

    @Test
    void anUnansweredPutBlockEndsWhenItsThreadIsInterrupted() throws Exception {
        interruptOnceConnected(backend -> {
            ChunkedUpload upload = backend.beginUpload("dir/file", 2 << 20, 1 << 20);
            upload.stage(0, ByteBuffer.allocate(1 << 20));
        });
    }

    @Test
    void anUnansweredRangedReadEndsWhenItsThreadIsInterrupted() throws Exception {
        interruptOnceConnected(backend -> backend.read("dir/file", "\"etag\"", 0, ByteBuffer.allocate(1 << 20)));
    }

    /** Small objects go through OkHttp (AzureTransports), whose blocking calls an interrupt would not end. */
    @Test
    void anUnansweredSmallPutBlobEndsWhenItsThreadIsInterrupted() throws Exception {
        interruptOnceConnected(backend -> backend.putWhole("dir/small", ByteBuffer.allocate(64 * 1024),
                io.azlhsm.copytool.archive.ObjectAttributes.none(),
                io.azlhsm.copytool.archive.WriteCondition.absent()));
    }

    @Test
    void anUnansweredSmallRangedReadEndsWhenItsThreadIsInterrupted() throws Exception {
        interruptOnceConnected(backend -> backend.read("dir/small", "\"etag\"", 0, ByteBuffer.allocate(64 * 1024)));
    }

    @Test
    void anUnansweredPropertiesRequestEndsWhenItsThreadIsInterrupted() throws Exception {
        interruptOnceConnected(backend -> backend.stat("dir/file"));
    }

    @Test
    void thePolicysBackoffBetweenRetriesEndsWhenTheThreadIsInterrupted() throws Exception {
        dropConnections = true;
        interruptOnceConnected(backend -> backend.putWhole("dir/small", ByteBuffer.allocate(100),
                io.azlhsm.copytool.archive.ObjectAttributes.none(), io.azlhsm.copytool.archive.WriteCondition.absent()));
    }
}
