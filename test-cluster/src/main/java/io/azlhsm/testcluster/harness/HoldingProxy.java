package io.azlhsm.testcluster.harness;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A plain HTTP/1.1 proxy in front of an HTTP Azurite that passes every request through unchanged, except those a
 * test asks it to {@linkplain #hold hold}: these wait, unsent, until the test lets them go. A held request is a
 * stalled network or a slow service at the moment the test chooses, so a test that must act while a job or a transfer
 * is part-way (kill an import after its first pages, cancel an upload, stop the service mid-archive) reaches that
 * state whatever the machine's speed, instead of racing the product.
 *
 * <p>A test can also {@linkplain #corrupt corrupt} the responses to the requests it selects: one byte of the body is
 * inverted in transit, every header and length kept, as a faulty network card or middlebox past TCP's checksum
 * would do, so that a test can show the product verifies what it downloads rather than trusting the service.
 *
 * <p>A test can also make a blob {@linkplain #rehydrateSlowly rehydrate slowly}: Azurite moves a blob out of the
 * Archive tier the moment Set Blob Tier asks, where Azure takes hours, so from the Set Blob Tier that starts a
 * rehydration until the test {@linkplain Rehydration#complete completes} it (or its time is up) the proxy answers for
 * that blob as Azure does for one being rehydrated.
 *
 * <p>Requests and responses are framed by Content-Length or chunked encoding (a response without either ends with
 * its connection; one to HEAD, 1xx, 204 and 304 has no body), and copied on byte for byte apart from a corrupted
 * byte. Responses on a connection answer its requests in order: HTTP/1.1 clients such as the JDK's and Node's do
 * not pipeline, and even with pipelining responses come back in request order, which is all the pairing needs.
 * Shared Key signatures cover the path and headers, never the host, so clients sign as they would for Azurite
 * itself. Listens on 127.0.0.1 only.
 */
public final class HoldingProxy implements AutoCloseable {
    private final AzuriteServer upstream;
    private final ServerSocket listener;
    private final ExecutorService connections;
    private final List<Hold> holds = new CopyOnWriteArrayList<>();
    private final List<Corruption> corruptions = new CopyOnWriteArrayList<>();
    private final List<Rehydration> rehydrations = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger idleClosesByServer =
            new java.util.concurrent.atomic.AtomicInteger();
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

    /**
     * How many upstream connections Azurite has closed with nothing outstanding on them (its keep-alive timeout); each
     * was replaced without the client noticing.
     */
    public int idleClosesByServer() {
        return idleClosesByServer.get();
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

    /**
     * From now on, the response to every request that {@code which} accepts has the byte at {@code bodyOffset} of its
     * body inverted (all eight bits), until the corruption is closed; a body shorter than that passes unchanged. For a
     * Get Blob with a range, {@code bodyOffset} counts from the start of the range. The predicate sees each request
     * once, in arrival order (after any hold), so it may count or look at headers such as {@code x-ms-range}.
     */
    public Corruption corrupt(String description, Predicate<Request> which, long bodyOffset) {
        if (bodyOffset < 0) {
            throw new IllegalArgumentException("negative body offset " + bodyOffset);
        }
        Corruption corruption = new Corruption(description, which, bodyOffset);
        corruptions.add(corruption);
        return corruption;
    }

    /**
     * From now on, blob {@code name} of {@code container} rehydrates as slowly as on Azure: the first Set Blob Tier
     * ({@code PUT ?comp=tier}) that Azurite answers 202 (Archive to an online tier: Azurite has then changed the tier
     * already) starts a rehydration that lasts until {@link Rehydration#complete} or {@code duration} (null: until
     * completed). Meanwhile, as Azure's REST reference describes a blob in rehydration: Get Blob answers 409 with
     * error code BlobArchived; Get Blob Properties answers as Azurite does but with {@code x-ms-access-tier: Archive},
     * {@code x-ms-archive-status: rehydrate-pending-to-<tier>} and {@code x-ms-rehydrate-priority} (Standard unless
     * the request asked for High); another Set Blob Tier answers 409 BlobBeingRehydrated. Not rewritten: listings,
     * which show Azurite's tier.
     */
    public Rehydration rehydrateSlowly(String container, String name, Duration duration) {
        Rehydration rehydration = new Rehydration(container, name, duration);
        rehydrations.add(rehydration);
        return rehydration;
    }

    /** The answer the proxy gives in place of Azurite's for a request a rehydration concerns, or null. */
    private Rewrite rewriteFor(Request request) {
        for (Rehydration rehydration : rehydrations) {
            Rewrite rewrite = rehydration.rewriteFor(request);
            if (rewrite != null) {
                return rewrite;
            }
        }
        return null;
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

    /**
     * Passes one client connection's requests on, each after any hold that selects it. Azurite closes a keep-alive
     * connection after 5 idle seconds, and a held request keeps its upstream connection idle for as long as the test
     * holds it: were that close passed on, the client would see its request fail and send it again, unheld (the JDK
     * client retries a GET by itself), and the test would have stopped nothing. So upstream connections are the
     * proxy's own: one Azurite closes while nothing is outstanding on it is simply replaced at the next request, and a
     * request that was held always goes out on a new one.
     */
    private void serve(Socket client) {
        Upstream upstream = null;
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            Request request;
            while ((request = Request.read(in)) != null) {
                boolean held = false;
                for (Hold hold : holds) {
                    if (hold.matches(request)) {
                        hold.await(request);
                        held = true;
                    }
                }
                if (upstream == null || upstream.closedByServer() || (held && upstream.idle())) {
                    if (upstream != null) {
                        upstream.close();
                    }
                    upstream = connect(client);
                }
                upstream.send(request, corruptionFor(request), rewriteFor(request), in);
            }
        } catch (IOException | InterruptedException e) {
            // the client or Azurite went away (a stopped service, a client's timeout): end both sides
        } finally {
            if (upstream != null) {
                upstream.close();
            }
            open.remove(client);
        }
    }

    private Upstream connect(Socket client) throws IOException {
        Socket server = new Socket(InetAddress.getLoopbackAddress(), upstream.port());
        open.add(server);
        Upstream connection = new Upstream(server);
        connections.execute(() -> copyResponses(connection, client));
        return connection;
    }

    /** One connection to Azurite on behalf of a client connection, and the requests sent on it not yet answered. */
    private final class Upstream {
        private final Socket socket;
        private final OutputStream out;
        private final BlockingQueue<Exchange> sent = new LinkedBlockingQueue<>();
        private int unanswered; // guarded by this
        private boolean closedByServer; // guarded by this

        Upstream(Socket socket) throws IOException {
            this.socket = socket;
            this.out = socket.getOutputStream();
        }

        void send(Request request, Corruption corruption, Rewrite rewrite, InputStream body) throws IOException {
            synchronized (this) {
                unanswered++;
            }
            // queued before the request leaves: its response finds it
            sent.add(new Exchange(request, corruption, rewrite));
            out.write(request.head);
            request.copyBody(body, out);
            out.flush();
        }

        synchronized void answered() {
            unanswered--;
        }

        synchronized boolean idle() {
            return unanswered == 0;
        }

        /** Azurite ended the connection; true only once every request on it was answered. */
        synchronized boolean endedByServer() {
            closedByServer = true;
            return unanswered == 0;
        }

        synchronized boolean closedByServer() {
            return closedByServer;
        }

        void close() {
            HoldingProxy.close(socket);
            open.remove(socket);
        }
    }

    /** The first open corruption that selects the request; every open one sees it, so each may count. */
    private Corruption corruptionFor(Request request) {
        Corruption chosen = null;
        for (Corruption corruption : corruptions) {
            if (corruption.matches(request) && chosen == null) {
                chosen = corruption;
            }
        }
        return chosen;
    }

    /**
     * Copies the responses of one upstream connection to its client, each by its framing, corrupting those whose
     * request was selected. Azurite's close of an idle connection ends only this copy; a close with a request still
     * unanswered ends the client's connection too, as the client would have seen without the proxy.
     */
    private void copyResponses(Upstream upstream, Socket client) {
        boolean keepClient = false;
        try {
            InputStream in = new BufferedInputStream(upstream.socket.getInputStream());
            OutputStream out = new BufferedOutputStream(client.getOutputStream());
            Exchange exchange = null;
            ResponseHead head;
            while ((head = ResponseHead.read(in)) != null) {
                if (exchange == null) {
                    exchange = upstream.sent.poll(30, TimeUnit.SECONDS);
                }
                Rewrite rewrite = exchange == null ? null : exchange.rewrite;
                if (rewrite != null && head.status >= 200) {
                    boolean headRequest = "HEAD".equals(exchange.request.method());
                    boolean hasBody = !(head.status == 204 || head.status == 304 || headRequest);
                    byte[] replaced = rewrite.answer(exchange.request, head);
                    if (replaced != null && hasBody) {
                        // Azurite's own answer is read and dropped: the client gets the proxy's in its place
                        MessageBody.copy(in, OutputStream.nullOutputStream(), head.chunked, head.contentLength,
                                MessageBody.NO_FLIP, () -> { });
                    }
                    if (replaced != null) {
                        out.write(replaced);
                        out.flush();
                        exchange = null;
                        upstream.answered();
                        continue;
                    }
                }
                out.write(head.bytes);
                if (head.status == 101) {
                    out.flush();
                    in.transferTo(out); // switched protocols: no more HTTP/1.1 framing to follow
                    out.flush();
                    return;
                }
                if (head.status < 200) {
                    out.flush(); // an interim response (100 Continue): the final one answers the same request
                    continue;
                }
                boolean noBody = head.status == 204 || head.status == 304
                        || (exchange != null && "HEAD".equals(exchange.request.method()));
                if (!noBody) {
                    Corruption corruption = exchange == null ? null : exchange.corruption;
                    Request request = exchange == null ? null : exchange.request;
                    // counted as the byte is inverted, before it is sent: the client may have read the whole
                    // response (and the test asked the count) before copy returns
                    MessageBody.copy(in, out, head.chunked, head.contentLength,
                            corruption == null ? MessageBody.NO_FLIP : corruption.bodyOffset,
                            () -> corruption.corrupted(request));
                    if (!head.chunked && head.contentLength == MessageBody.UNTIL_CLOSE) {
                        out.flush();
                        return; // the body ended with the connection: the client's must end to say so
                    }
                }
                out.flush();
                exchange = null;
                upstream.answered();
            }
            keepClient = upstream.endedByServer();
            if (keepClient) {
                idleClosesByServer.incrementAndGet();
            }
        } catch (IOException | InterruptedException e) {
            // one side closed
        } finally {
            if (!keepClient) {
                close(client);
            }
            upstream.close();
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
        private final Map<String, String> headers;
        private final long contentLength;
        private final boolean chunked;

        private Request(byte[] head, String method, String target, Map<String, String> headers) {
            this.head = head;
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.contentLength = headers.containsKey("content-length")
                    ? Long.parseLong(headers.get("content-length")) : 0;
            this.chunked = isChunked(headers);
        }

        public String method() {
            return method;
        }

        /** The request target: path and query, as sent ({@code /devstoreaccount1/container/blob?comp=block&...}). */
        public String target() {
            return target;
        }

        /** A header's value (name in any case), or null; of a repeated header, the last. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
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
            byte[] bytes = readHead(in);
            if (bytes == null) {
                return null;
            }
            String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] requestLine = lines[0].split(" ");
            if (requestLine.length < 3) {
                throw new IOException("not an HTTP request: " + lines[0]);
            }
            return new Request(bytes, requestLine[0], requestLine[1], headers(lines));
        }

        void copyBody(InputStream in, OutputStream out) throws IOException {
            MessageBody.copy(in, out, chunked, contentLength, MessageBody.NO_FLIP, () -> { });
        }
    }

    /** A response's head: status code and framing. */
    private static final class ResponseHead {
        private final byte[] bytes;
        private final int status;
        private final long contentLength;
        private final boolean chunked;

        private ResponseHead(byte[] bytes, int status, Map<String, String> headers) {
            this.bytes = bytes;
            this.status = status;
            this.contentLength = headers.containsKey("content-length")
                    ? Long.parseLong(headers.get("content-length")) : MessageBody.UNTIL_CLOSE;
            this.chunked = isChunked(headers);
        }

        static ResponseHead read(InputStream in) throws IOException {
            byte[] bytes = readHead(in);
            if (bytes == null) {
                return null;
            }
            String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] statusLine = lines[0].split(" ");
            if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                throw new IOException("not an HTTP response: " + lines[0]);
            }
            return new ResponseHead(bytes, Integer.parseInt(statusLine[1]), headers(lines));
        }
    }

    /** A request sent upstream on a connection, and the corruption or replacement its response is to get, if any. */
    private record Exchange(Request request, Corruption corruption, Rewrite rewrite) {
    }

    /** What a rehydration makes of Azurite's answer to one request. */
    private interface Rewrite {
        /** The whole response the client gets instead (head and body), or null to pass Azurite's on. */
        byte[] answer(Request request, ResponseHead upstream);
    }

    /** A message head up to and including its blank line; null at the end of the connection before its first byte. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0; // the last four bytes read, to find the blank line that ends the head
        while (last4 != 0x0d0a0d0a) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new IOException("connection closed inside a message head");
            }
            head.write(b);
            last4 = (last4 << 8) | b;
        }
        return head.toByteArray();
    }

    /** The header lines after the start line, names lower-cased. */
    private static Map<String, String> headers(String[] lines) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim());
            }
        }
        return headers;
    }

    private static boolean isChunked(Map<String, String> headers) {
        String encoding = headers.get("transfer-encoding");
        return encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
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

    /** Responses corrupted until {@link #close()}; see {@link #corrupt}. */
    public static final class Corruption implements AutoCloseable {
        private final String description;
        private final Predicate<Request> which;
        private final long bodyOffset;
        private final List<String> corrupted = new ArrayList<>();
        private boolean closed;

        private Corruption(String description, Predicate<Request> which, long bodyOffset) {
            this.description = description;
            this.which = which;
            this.bodyOffset = bodyOffset;
        }

        synchronized boolean matches(Request request) {
            return !closed && which.test(request);
        }

        synchronized void corrupted(Request request) {
            corrupted.add(request.toString());
            notifyAll();
        }

        /** How many responses had a byte inverted so far. */
        public synchronized int corrupted() {
            return corrupted.size();
        }

        /** The requests whose responses had a byte inverted, as "METHOD target", in order. */
        public synchronized List<String> corruptedRequests() {
            return List.copyOf(corrupted);
        }

        /** Corrupts no more responses (one already selected is still corrupted as it passes). */
        @Override
        public synchronized void close() {
            closed = true;
        }

        @Override
        public synchronized String toString() {
            return "corruption '" + description + "' at body offset " + bodyOffset + " (" + corrupted.size()
                    + " corrupted" + (closed ? ", closed" : "") + ")";
        }
    }

    /**
     * A blob that rehydrates as slowly as on Azure; see {@link #rehydrateSlowly}. Its state changes only through the
     * requests the proxy sees and through {@link #complete}.
     */
    public static final class Rehydration implements AutoCloseable {
        private final String container;
        private final String name;
        private final Duration duration;
        private final List<String> tierRequests = new ArrayList<>();
        private String pendingTo; // "hot", "cool", "cold" while rehydrating
        private String priority;
        private long startedNanos;
        private boolean completed;

        private Rehydration(String container, String name, Duration duration) {
            this.container = container;
            this.name = name;
            this.duration = duration;
        }

        private synchronized boolean pending() {
            if (pendingTo != null && duration != null && System.nanoTime() - startedNanos >= duration.toNanos()) {
                complete();
            }
            return pendingTo != null;
        }

        Rewrite rewriteFor(Request request) {
            if (!request.isFor(container, name) || request.query("snapshot") != null) {
                return null;
            }
            boolean setTier = "PUT".equals(request.method()) && "tier".equals(request.query("comp"));
            if (setTier) {
                synchronized (this) {
                    tierRequests.add(request.header("x-ms-access-tier") + "/" + request.header("x-ms-rehydrate-priority"));
                    notifyAll();
                }
                if (pending()) {
                    return (r, head) -> errorResponse(r, 409, "BlobBeingRehydrated",
                            "This operation is not permitted because the blob is being rehydrated.");
                }
                return (r, head) -> {
                    if (head.status == 202) { // Azurite moved it out of the Archive tier: on Azure that takes hours
                        start(r.header("x-ms-access-tier"), r.header("x-ms-rehydrate-priority"));
                    }
                    return null;
                };
            }
            if (!pending()) {
                return null;
            }
            if ("GET".equals(request.method()) && request.query("comp") == null) {
                return (r, head) -> !pending() ? null : errorResponse(r, 409, "BlobArchived",
                        "This operation is not permitted on an archived blob.");
            }
            if ("HEAD".equals(request.method()) && request.query("comp") == null) {
                return (r, head) -> head.status != 200 || !pending() ? null : propertiesWhileRehydrating(head);
            }
            return null;
        }

        private synchronized void start(String tier, String requestedPriority) {
            if (completed || pendingTo != null) {
                return;
            }
            pendingTo = tier == null ? "hot" : tier.toLowerCase(Locale.ROOT);
            priority = "High".equalsIgnoreCase(requestedPriority) ? "High" : "Standard";
            startedNanos = System.nanoTime();
            notifyAll();
        }

        /** Azurite's Get Blob Properties head, with the tier headers Azure sends while the blob rehydrates. */
        private synchronized byte[] propertiesWhileRehydrating(ResponseHead head) {
            String[] lines = new String(head.bytes, StandardCharsets.ISO_8859_1).split("\r\n");
            StringBuilder text = new StringBuilder(lines[0]).append("\r\n");
            for (int i = 1; i < lines.length; i++) {
                String lower = lines[i].toLowerCase(Locale.ROOT);
                if (lines[i].isEmpty() || lower.startsWith("x-ms-access-tier") || lower.startsWith("x-ms-archive-status")
                        || lower.startsWith("x-ms-rehydrate-priority")) {
                    continue;
                }
                text.append(lines[i]).append("\r\n");
            }
            text.append("x-ms-access-tier: Archive\r\n")
                    .append("x-ms-archive-status: rehydrate-pending-to-").append(pendingTo).append("\r\n")
                    .append("x-ms-rehydrate-priority: ").append(priority).append("\r\n\r\n");
            return text.toString().getBytes(StandardCharsets.ISO_8859_1);
        }

        /** An error as Azure Storage sends it: status, x-ms-error-code, and the XML body with Code and Message. */
        private static byte[] errorResponse(Request request, int status, String code, String message) {
            String requestId = java.util.UUID.randomUUID().toString();
            String body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code + "</Code><Message>"
                    + message + "\nRequestId:" + requestId + "\nTime:" + java.time.Instant.now() + "</Message></Error>";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            String version = request.header("x-ms-version");
            String head = "HTTP/1.1 " + status + " " + (status == 409 ? "Conflict" : "Error") + "\r\n"
                    + "Content-Length: " + bytes.length + "\r\n"
                    + "Content-Type: application/xml\r\n"
                    + "x-ms-request-id: " + requestId + "\r\n"
                    + (version == null ? "" : "x-ms-version: " + version + "\r\n")
                    + "x-ms-error-code: " + code + "\r\n"
                    + "Date: " + java.time.format.DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'",
                            java.util.Locale.US).format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)) + "\r\n"
                    + "\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = java.util.Arrays.copyOf(headBytes, headBytes.length + bytes.length);
            System.arraycopy(bytes, 0, all, headBytes.length, bytes.length);
            return all;
        }

        /** Ends the rehydration: from now on the blob answers as Azurite does (online, in the requested tier). */
        public synchronized void complete() {
            pendingTo = null;
            completed = true;
            notifyAll();
        }

        /** Whether a rehydration was started and has not completed. */
        public boolean rehydrating() {
            return pending();
        }

        /** Every Set Blob Tier seen for the blob, as "tier/priority" (the headers as sent; null when absent). */
        public synchronized List<String> tierRequests() {
            return List.copyOf(tierRequests);
        }

        /** Waits until a Set Blob Tier started the rehydration; on a timeout, fails saying what was seen. */
        public void awaitStarted(Duration timeout, Supplier<String> diagnostics) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (this) {
                while (pendingTo == null && !completed) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("timed out after " + timeout + " waiting for a Set Blob Tier to start"
                                + " rehydrating " + container + "/" + name + "; tier requests seen: " + tierRequests
                                + "\n" + diagnostics.get());
                    }
                    wait(Math.max(1, left / 1_000_000));
                }
            }
        }

        @Override
        public void close() {
            complete();
        }

        @Override
        public synchronized String toString() {
            return "rehydration of " + container + "/" + name + (pendingTo != null ? " pending to " + pendingTo
                    : completed ? " completed" : " not started") + ", tier requests " + tierRequests;
        }
    }
}
