package io.azlhsm.copytool.archive.azure;

import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import io.azlhsm.copytool.archive.RetryListener;
import reactor.core.publisher.Mono;

/**
 * Sits after the SDK's retry policy, so it sees every attempt of a request; the first attempt marks the call, and each
 * later one is a retry the SDK made on its own, reported to the listener. Without it the agent's retry counter would
 * stay at zero while the SDK quietly repeated requests.
 */
final class RetryCountingPolicy implements HttpPipelinePolicy {
    /** Call-context key; the context is shared by all attempts of one call and by no other call. */
    private static final String ATTEMPTED = "azlhsm.attempted";

    private final RetryListener listener;

    RetryCountingPolicy(RetryListener listener) {
        this.listener = listener;
    }

    @Override
    public HttpPipelinePosition getPipelinePosition() {
        return HttpPipelinePosition.PER_RETRY;
    }

    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        observe(context);
        return next.process();
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        observe(context);
        return next.processSync();
    }

    private void observe(HttpPipelineCallContext context) {
        if (context.getData(ATTEMPTED).isPresent()) {
            listener.retried(kind(context.getHttpRequest()));
        } else {
            context.setData(ATTEMPTED, Boolean.TRUE);
        }
    }

    /** The request kind as the blob request metrics name it, read from the REST call's method and query. */
    static String kind(HttpRequest request) {
        String query = request.getUrl().getQuery();
        query = query == null ? "" : "&" + query + "&";
        HttpMethod method = request.getHttpMethod();
        if (query.contains("&restype=container&")) {
            return query.contains("&comp=list&") ? "list_blobs" : "container";
        }
        return switch (method) {
            case PUT -> query.contains("&comp=block&") ? "put_block"
                    : query.contains("&comp=blocklist&") ? "put_block_list" : "put_blob";
            case GET -> "get_blob_range";
            case HEAD -> "get_properties";
            case DELETE -> "delete_blob";
            default -> method.toString().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
