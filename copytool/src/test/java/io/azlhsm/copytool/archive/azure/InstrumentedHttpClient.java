package io.azlhsm.copytool.archive.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * A transport for tests: counts requests, records the most in flight at once, and can flip a byte in the body of
 * Put Block requests, as a faulty network would.
 */
final class InstrumentedHttpClient implements HttpClient {
    private final HttpClient delegate;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile boolean corruptBlocks;

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

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return send(request, Context.NONE);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        return Mono.defer(() -> {
            begin(request);
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
            return delegate.sendSync(request, context);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private void begin(HttpRequest request) {
        requests.incrementAndGet();
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        String query = request.getUrl().getQuery();
        if (corruptBlocks && query != null && query.contains("comp=block&") && request.getBodyAsBinaryData() != null) {
            byte[] body = request.getBodyAsBinaryData().toBytes();
            body[body.length / 2] ^= 0x01;
            request.setBody(body);
        }
    }
}
