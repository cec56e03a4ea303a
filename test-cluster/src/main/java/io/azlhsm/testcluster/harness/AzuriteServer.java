package io.azlhsm.testcluster.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One Azurite blob service process on a free 127.0.0.1 port, from test-cluster's npm packages: plain HTTP, or HTTPS
 * with OAuth bearer tokens accepted ({@link #startHttpsOAuth()}).
 *
 * <p>Data lives in a temporary directory (so large test blobs do not sit in the JVM-sized heap of Node) that is
 * deleted on {@link #close()}. Closing stops the process and everything it spawned; a JVM shutdown hook does the same
 * if a test run is killed.
 */
public final class AzuriteServer implements AutoCloseable {
    /** Azurite's well-known development account. Its key is public, documented with Azurite, and not a secret. */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path executable;
    /** HTTPS and OAuth: the server's certificate; null for plain HTTP. */
    private final SelfSignedCertificate certificate;
    private volatile Process process;
    private final int port;
    private final Path dataDirectory;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final Thread shutdownHook;

    private AzuriteServer(Path executable, SelfSignedCertificate certificate, Process process, int port,
                          Path dataDirectory) {
        this.executable = executable;
        this.certificate = certificate;
        this.process = process;
        this.port = port;
        this.dataDirectory = dataDirectory;
        this.shutdownHook = new Thread(this::stopProcess, "azurite-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts Azurite (plain HTTP) and returns once it accepts connections. */
    public static AzuriteServer start() {
        return start(false);
    }

    /**
     * Starts Azurite over HTTPS with a certificate for 127.0.0.1 made for it ({@link #certificate()}), accepting
     * OAuth bearer tokens ({@code --oauth basic}: a JWT's audience, issuer and lifetime are checked, not its
     * signature) beside shared keys and SAS. Azurite accepts bearer tokens only over HTTPS.
     */
    public static AzuriteServer startHttpsOAuth() {
        return start(true);
    }

    private static AzuriteServer start(boolean httpsOAuth) {
        Path executable = TestClusterHome.directory().resolve("node_modules/.bin/azurite-blob");
        if (!Files.isExecutable(executable)) {
            throw new IllegalStateException(executable + " is missing: run test-cluster/bin/npm-ensure");
        }
        IOException lastFailure = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return startOnce(executable, freePort(), httpsOAuth);
            } catch (IOException e) {
                lastFailure = e; // most likely the port was taken between probe and bind: try another
            }
        }
        throw new UncheckedIOException("Azurite did not start", lastFailure);
    }

    private static AzuriteServer startOnce(Path executable, int port, boolean httpsOAuth) throws IOException {
        Path data = Files.createTempDirectory("azurite-");
        SelfSignedCertificate certificate = null;
        if (httpsOAuth) {
            Path tls = Files.createDirectory(data.resolve("tls"));
            certificate = SelfSignedCertificate.create(tls);
        }
        AzuriteServer server = new AzuriteServer(executable, certificate,
                launch(executable, port, data, certificate), port, data);
        server.pumpOutput();
        try {
            server.awaitListening();
        } catch (IOException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static Process launch(Path executable, int port, Path data, SelfSignedCertificate certificate)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(executable.toString(),
                "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
                "--location", data.toString(), "--loose", "--skipApiVersionCheck", "--disableProductStyleUrl",
                "--disableTelemetry", "--silent"));
        if (certificate != null) {
            command.addAll(List.of("--cert", certificate.keyStore().toString(), "--pwd", certificate.password(),
                    "--oauth", "basic"));
        }
        return new ProcessBuilder(command)
                .directory(data.toFile())
                .redirectErrorStream(true)
                .start();
    }

    /** Stops the process but keeps its data, so {@link #restart()} brings back the same blobs on the same port. */
    public void stop() {
        stopProcess();
    }

    /** Starts Azurite again after {@link #stop()}, on the same port with the same data. */
    public void restart() throws IOException {
        if (process.isAlive()) {
            return;
        }
        process = launch(executable, port, dataDirectory, certificate);
        pumpOutput();
        awaitListening();
    }

    private void pumpOutput() {
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    output.add(line);
                }
            } catch (IOException ignored) {
                // the process ended; its output is complete
            }
        }, "azurite-output-" + port);
        pump.setDaemon(true);
        pump.start();
    }

    private void awaitListening() throws IOException {
        Process process = this.process;
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("Azurite exited with status " + process.exitValue() + ": " + String.join("\n", output));
            }
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(Duration.ofMillis(100));
            }
        }
        throw new IOException("Azurite did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT);
    }

    /** The blob endpoint, path-style as Azurite serves it (https:// after {@link #startHttpsOAuth()}). */
    public String blobEndpoint() {
        return (certificate == null ? "http" : "https") + "://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** The server certificate of an HTTPS Azurite, for the clients that should trust it. */
    public SelfSignedCertificate certificate() {
        if (certificate == null) {
            throw new IllegalStateException("this Azurite serves plain HTTP; start it with startHttpsOAuth()");
        }
        return certificate;
    }

    public int port() {
        return port;
    }

    /** A connection string any Azure SDK or azcopy-compatible tool accepts. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=" + (certificate == null ? "http" : "https") + ";AccountName=" + ACCOUNT + ";AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=" + blobEndpoint() + ";";
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** What Azurite printed so far, for failure messages. */
    public List<String> output() {
        synchronized (output) {
            return List.copyOf(output);
        }
    }

    @Override
    public void close() {
        stopProcess();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or has run
        }
        deleteTree(dataDirectory);
    }

    private void stopProcess() {
        Process process = this.process;
        List<ProcessHandle> family = new ArrayList<>();
        process.descendants().forEach(family::add);
        process.destroy();
        family.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Azurite", e);
        }
    }

    private static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary directory is not worth failing a test over
        }
    }
}
