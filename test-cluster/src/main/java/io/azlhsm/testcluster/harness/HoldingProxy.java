package io.azlhsm.testcluster.harness;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A plain HTTP/1.1 proxy in front of an HTTP Azurite that passes every request through unchanged, except those a
 * test asks it to {@linkplain #hold hold}: these wait, unsent, until the test lets them go. A held request is a
 * stalled network or a slow service at the moment the test chooses, so a test that must act while a job or a transfer
 * is part-way (kill an import after its first pages, cancel an upload, stop the service mid-archive) reaches that
 * state whatever the machine's speed, instead of racing the product.
 *
 * <p>Requests are framed by Content-Length or chunked encoding, as the Azure SDK and azcopy send them; responses are
 * copied back byte for byte. Shared Key signatures cover the path and headers, never the host, so clients sign as
 * they would for Azurite itself. Listens on 127.0.0.1 only.
 */
public final class HoldingProxy implements AutoCloseable {
    private final AzuriteServer upstream;
    private final ServerSocket listener;
    private final ExecutorService connections;
    private final List<Hold> holds = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private HoldingProxy(AzuriteServer upstream, ServerSocket listener) {
        this.upstream = upstream;
        this.listener = listener;
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "holding-proxy");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A proxy for {@code upstream} (which must serve plain HTTP), listening on an ephemeral port. */
    public static HoldingProxy start(AzuriteServer upstream) throws IOException {
        HoldingProxy proxy = new HoldingProxy(upstream,
                new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
        proxy.connections.execute(proxy::accept);
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Azurite's blob endpoint, reached through this proxy. */
    public String blobEndpoint() {
        return "http://127.0.0.1:" + port() + "/" + AzuriteServer.ACCOUNT;
    }

    /** Azurite's connection string, reached through this proxy. */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + AzuriteServer.ACCOUNT + ";AccountKey="
                + AzuriteServer.ACCOUNT_KEY + ";BlobEndpoint=" + blobEndpoint() + ";";
    }

    /**
     * From now on, every request that {@code which} accepts waits unsent until the hold is released or closed. The
     * predicate sees each request once, in arrival order, so it may count (hold the fourth listing, for example).
     */
    public Hold hold(String description, Predicate<Request> which) {
        Hold hold = new Hold(description, which);
        holds.add(hold);
        return hold;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                open.add(client);
                connections.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("holding proxy: accept failed: " + e);
                }
            }
        }
    }

    private void serve(Socket client) {
        Socket server = null;
        try (client) {
            server = new Socket(InetAddress.getLoopbackAddress(), upstream.port());
            open.add(server);
            Socket toServer = server;
            connections.execute(() -> copyResponses(toServer, client));
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = server.getOutputStream();
            Request request;
            while ((request = Request.read(in)) != null) {
                for (Hold hold : holds) {
                    if (hold.matches(request)) {
                        hold.await(request);
                    }
                }
                out.write(request.head);
                request.copyBody(in, out);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the client or Azurite went away (a stopped service, a client's timeout): end both sides
        } finally {
            close(server);
            open.remove(client);
            open.remove(server);
        }
    }

    private static void copyResponses(Socket server, Socket client) {
        try {
            server.getInputStream().transferTo(client.getOutputStream());
        } catch (IOException e) {
            // one side closed
        } finally {
            close(client);
            close(server);
        }
    }

    private static void close(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        holds.forEach(Hold::release);
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        open.forEach(HoldingProxy::close);
        connections.shutdownNow();
    }

    /** One request's head as it arrived: method, path and query, headers. */
    public static final class Request {
        private final byte[] head;
        private final String method;
        private final String target;
        private final long contentLength;
        private final boolean chunked;

        private Request(byte[] head, String method, String target, long contentLength, boolean chunked) {
            this.head = head;
            this.method = method;
            this.target = target;
            this.contentLength = contentLength;
            this.chunked = chunked;
        }

        public String method() {
            return method;
        }

        /** The request target: path and query, as sent ({@code /devstoreaccount1/container/blob?comp=block&...}). */
        public String target() {
            return target;
        }

        /** The blob or container path after the account, without the query, still URL-encoded. */
        public String path() {
            int query = target.indexOf('?');
            String path = query < 0 ? target : target.substring(0, query);
            String account = "/" + AzuriteServer.ACCOUNT + "/";
            return path.startsWith(account) ? path.substring(account.length()) : path;
        }

        /** The value of a query parameter, still URL-encoded, or null. */
        public String query(String name) {
            int start = target.indexOf('?');
            if (start < 0) {
                return null;
            }
            for (String pair : target.substring(start + 1).split("&")) {
                int equals = pair.indexOf('=');
                String key = equals < 0 ? pair : pair.substring(0, equals);
                if (key.equals(name)) {
                    return equals < 0 ? "" : pair.substring(equals + 1);
                }
            }
            return null;
        }

        /** A List Blobs request (the first page has no marker). */
        public boolean isListing() {
            return "GET".equals(method) && "list".equals(query("comp")) && "container".equals(query("restype"));
        }

        /** A request that writes blob data: Put Blob, Put Block, Put Block From URL. */
        public boolean isDataWrite() {
            return "PUT".equals(method) && (query("comp") == null || "block".equals(query("comp")))
                    && query("restype") == null;
        }

        /** A Get Blob (whole or ranged). */
        public boolean isDataRead() {
            return "GET".equals(method) && query("comp") == null && query("restype") == null;
        }

        /** Whether this request is for the blob {@code name} of {@code container}. */
        public boolean isFor(String container, String name) {
            return percentDecoded(path()).equals(container + "/" + name);
        }

        /** RFC 3986 percent-decoding ('+' stays '+': the SDK sends a space as %20). */
        private static String percentDecoded(String text) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '%' && i + 2 < text.length()) {
                    bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    i += 2;
                } else {
                    bytes.write(c);
                }
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return method + " " + target;
        }

        static Request read(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int last4 = 0; // the last four bytes read, to find the blank line that ends the head
            while (last4 != 0x0d0a0d0a) {
                int b = in.read();
                if (b < 0) {
                    if (head.size() == 0) {
                        return null;
                    }
                    throw new IOException("connection closed inside a request head");
                }
                head.write(b);
                last4 = (last4 << 8) | b;
            }
            byte[] bytes = head.toByteArray();
            String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] requestLine = lines[0].split(" ");
            if (requestLine.length < 3) {
                throw new IOException("not an HTTP request: " + lines[0]);
            }
            long length = 0;
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            return new Request(bytes, requestLine[0], requestLine[1], length, chunked);
        }

        void copyBody(InputStream in, OutputStream out) throws IOException {
            if (chunked) {
                copyChunks(in, out);
            } else {
                copyExactly(in, out, contentLength);
            }
        }

        private static void copyChunks(InputStream in, OutputStream out) throws IOException {
            while (true) {
                String sizeLine = readLine(in);
                out.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                int extension = sizeLine.indexOf(';');
                long size = Long.parseLong((extension < 0 ? sizeLine : sizeLine.substring(0, extension)).trim(), 16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in);
                        out.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    } while (!trailer.isEmpty());
                    return;
                }
                copyExactly(in, out, size + 2); // the chunk and its CRLF
            }
        }

        private static String readLine(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("connection closed inside a chunked body");
                }
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }

        private static void copyExactly(InputStream in, OutputStream out, long count) throws IOException {
            byte[] buffer = new byte[64 << 10];
            while (count > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, count));
                if (n < 0) {
                    throw new IOException("connection closed inside a request body");
                }
                out.write(buffer, 0, n);
                count -= n;
            }
        }
    }

    /** Requests held until {@link #release()}; closing releases too. */
    public static final class Hold implements AutoCloseable {
        private final String description;
        private final Predicate<Request> which;
        private final List<String> held = new ArrayList<>();
        private boolean released;

        private Hold(String description, Predicate<Request> which) {
            this.description = description;
            this.which = which;
        }

        synchronized boolean matches(Request request) {
            return !released && which.test(request);
        }

        synchronized void await(Request request) throws InterruptedException {
            held.add(request.toString());
            notifyAll();
            while (!released) {
                wait();
            }
        }

        /** How many requests this hold has stopped so far (released ones included). */
        public synchronized int held() {
            return held.size();
        }

        /**
         * Waits until at least {@code count} requests are held; on a timeout, fails naming the hold, what it held and
         * what {@code diagnostics} shows (a job's record, a process's output).
         */
        public void awaitHeld(int count, Duration timeout, Supplier<String> diagnostics) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (this) {
                while (held.size() < count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("timed out after " + timeout + " waiting for " + count
                                + " requests held by '" + description + "'; held " + held + "\n" + diagnostics.get());
                    }
                    wait(Math.max(1, left / 1_000_000));
                }
            }
        }

        /** Lets every held request go on and holds no more. */
        public synchronized void release() {
            released = true;
            notifyAll();
        }

        @Override
        public void close() {
            release();
        }

        @Override
        public synchronized String toString() {
            return "hold '" + description + "' (" + held.size() + " held" + (released ? ", released" : "") + ")";
        }
    }
}
