package io.azlhsm.copytool.archive.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * A transport for tests: counts requests, records the most in flight at once, and misbehaves on Put Block requests
 * as a faulty network or a throttling service would: flips a byte of the body, resets the connection, or answers
 * 503 Server Busy without passing the request on.
 */
final class InstrumentedHttpClient implements HttpClient {
    private final HttpClient delegate;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile boolean corruptBlocks;
    private final AtomicInteger blockResetsLeft = new AtomicInteger();
    private final AtomicInteger blockThrottlesLeft = new AtomicInteger();
    private volatile boolean refuseTags;
    private final AtomicInteger taggedRequests = new AtomicInteger();

    InstrumentedHttpClient(HttpClient delegate) {
        this.delegate = delegate;
    }

    int requests() {
        return requests.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    void corruptBlocks(boolean corrupt) {
        corruptBlocks = corrupt;
    }

    /** The next {@code count} Put Block requests fail with a connection reset. */
    void resetNextBlocks(int count) {
        blockResetsLeft.set(count);
    }

    /** The next {@code count} Put Block requests are answered 503 Server Busy with Retry-After. */
    void throttleNextBlocks(int count) {
        blockThrottlesLeft.set(count);
    }

    /**
     * Every request carrying blob index tags ({@code x-ms-tags}) is answered 403 AuthorizationPermissionMismatch, as
     * for a SAS without the t permission (Azurite does not check that permission).
     */
    void refuseTags(boolean refuse) {
        refuseTags = refuse;
    }

    /** Requests that carried {@code x-ms-tags}, refused or not. */
    int taggedRequests() {
        return taggedRequests.get();
    }

    private boolean refused(HttpRequest request) {
        if (request.getHeaders().getValue(com.azure.core.http.HttpHeaderName.fromString("x-ms-tags")) == null) {
            return false;
        }
        taggedRequests.incrementAndGet();
        return refuseTags;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return send(request, Context.NONE);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        return Mono.defer(() -> {
            begin(request);
            if (isPutBlock(request) && blockResetsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                inFlight.decrementAndGet();
                return Mono.error(new java.io.IOException("injected: Connection reset by peer"));
            }
            if (isPutBlock(request) && blockThrottlesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                inFlight.decrementAndGet();
                return Mono.just(new ServerBusyResponse(request));
            }
            if (refused(request)) {
                inFlight.decrementAndGet();
                return Mono.just(new ServerBusyResponse(request, 403, "AuthorizationPermissionMismatch"));
            }
            // End the count before the caller sees the outcome (doFinally would run after it, racing the next request).
            java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
            Runnable end = () -> {
                if (ended.compareAndSet(false, true)) {
                    inFlight.decrementAndGet();
                }
            };
            return delegate.send(request, context)
                    .doOnSuccess(response -> end.run())
                    .doOnError(error -> end.run())
                    .doOnCancel(end);
        });
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        begin(request);
        try {
            if (isPutBlock(request) && blockResetsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new java.io.UncheckedIOException(new java.io.IOException("injected: Connection reset by peer"));
            }
            if (isPutBlock(request) && blockThrottlesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                return new ServerBusyResponse(request);
            }
            if (refused(request)) {
                return new ServerBusyResponse(request, 403, "AuthorizationPermissionMismatch");
            }
            return delegate.sendSync(request, context);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void begin(HttpRequest request) {
        requests.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        if (corruptBlocks && isPutBlock(request) && request.getBodyAsBinaryData() != null) {
            byte[] body = request.getBodyAsBinaryData().toBytes();
            body[body.length / 2] ^= 0x01;
            request.setBody(body);
        }
    }

    private static boolean isPutBlock(HttpRequest request) {
        String query = request.getUrl().getQuery();
        return query != null && query.contains("comp=block&");
    }

    /** What a throttling storage account answers (503 ServerBusy), or another injected error. */
    private static final class ServerBusyResponse extends HttpResponse {
        private final int status;
        private final String body;
        private final com.azure.core.http.HttpHeaders headers;

        ServerBusyResponse(HttpRequest request) {
            this(request, 503, "ServerBusy");
        }

        ServerBusyResponse(HttpRequest request, int status, String code) {
            super(request);
            this.status = status;
            this.body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>" + code
                    + "</Code><Message>injected</Message></Error>";
            this.headers = new com.azure.core.http.HttpHeaders()
                    .set(com.azure.core.http.HttpHeaderName.fromString("x-ms-error-code"), code)
                    .set(com.azure.core.http.HttpHeaderName.RETRY_AFTER, "1")
                    .set(com.azure.core.http.HttpHeaderName.CONTENT_TYPE, "application/xml");
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(com.azure.core.http.HttpHeaderName.fromString(name));
        }

        @Override
        public com.azure.core.http.HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public reactor.core.publisher.Flux<java.nio.ByteBuffer> getBody() {
            return reactor.core.publisher.Flux.just(java.nio.ByteBuffer.wrap(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.just(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        @Override
        public Mono<String> getBodyAsString() {
            return Mono.just(body);
        }

        @Override
        public Mono<String> getBodyAsString(java.nio.charset.Charset charset) {
            return Mono.just(body);
        }
    }
}
