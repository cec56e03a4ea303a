package io.azlhsm.copytool.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Everything the agent measures. Names follow Prometheus conventions and are the ones exported; see
 * {@link PrometheusText} for the units.
 *
 * <ul>
 *   <li>{@code action} latencies and {@code files}/{@code bytes} counters by action type (archive, restore, remove)
 *       and outcome;</li>
 *   <li>{@code blob_request} latencies by request kind (put_blob, put_block, put_block_list, get_blob_range,
 *       get_properties, delete_blob, list_blobs, snapshot_blob, find_blobs_by_tags);</li>
 *   <li>errors by errno (actions) and by HTTP status (blob requests), retries and throttling waits;</li>
 *   <li>bytes of staged blocks a resumed archive reused instead of sending them again, by archive id;</li>
 *   <li>gauges sampled on demand: queued actions, running actions, chunks in the ring.</li>
 * </ul>
 */
public final class AgentMetrics {
    public static final String ACTION_LATENCY = "action";
    public static final String BLOB_REQUEST_LATENCY = "blob_request";

    private final LatencyHistograms actionLatency = new LatencyHistograms();
    private final LatencyHistograms blobRequestLatency = new LatencyHistograms();
    private final LatencyHistograms rehydrationLatency = new LatencyHistograms();
    private final Map<String, java.util.function.Supplier<java.util.List<String>>> listings =
            new ConcurrentHashMap<>();
    private final Counters counters = new Counters();
    private final Map<String, LongSupplier> gauges = new ConcurrentHashMap<>();

    /**
     * @param action "archive", "restore" or "remove"
     * @param errno  0 for success
     */
    public void actionEnded(String action, long nanos, long bytes, int errno) {
        String outcome = errno == 0 ? "ok" : "failed";
        actionLatency.record(action, nanos);
        counters.increment("files_total", action + "," + outcome);
        if (errno == 0) {
            counters.add("bytes_total", action, bytes);
        } else {
            counters.increment("action_errors_total", action + "," + errno);
        }
    }

    /** @param httpStatus the final status, 0 when the request never got an answer */
    public void blobRequest(String kind, long nanos, boolean succeeded, int httpStatus) {
        blobRequestLatency.record(kind, nanos);
        if (!succeeded) {
            counters.increment("blob_request_errors_total", kind + "," + httpStatus);
        }
    }

    /**
     * A restore's wait for its blob to leave the Archive tier, from the first offline answer until the blob read as
     * online, by the tier it was rehydrated to: the part of a restore's latency the tier costs.
     */
    public void rehydrated(String toTier, long nanos) {
        rehydrationLatency.record(toTier, nanos);
    }

    /** Registers lines sampled at each snapshot for {@code copytool status} (the restores waiting for rehydration). */
    public void listing(String name, java.util.function.Supplier<java.util.List<String>> lines) {
        listings.put(name, lines);
    }

    /** Bytes an archive did not send because an earlier attempt had staged them (resumed upload). */
    public void archiveResumed(int archiveId, long bytes) {
        if (bytes > 0) {
            counters.add("archive_resumed_bytes_total", Integer.toString(archiveId), bytes);
        }
    }

    public void retried(String kind) {
        counters.increment("blob_request_retries_total", kind);
    }

    public void throttled(String direction, long waitedNanos) {
        counters.increment("throttle_waits_total", direction);
        counters.add("throttle_wait_nanoseconds_total", direction, waitedNanos);
    }

    /** Registers a value sampled at each snapshot (queue depth, running actions...). */
    public void gauge(String name, LongSupplier value) {
        gauges.put(name, value);
    }

    public Snapshot snapshot() {
        Map<String, Long> gaugeValues = new TreeMap<>();
        gauges.forEach((name, supplier) -> gaugeValues.put(name, supplier.getAsLong()));
        Map<String, java.util.List<String>> listingValues = new TreeMap<>();
        listings.forEach((name, supplier) -> listingValues.put(name, java.util.List.copyOf(supplier.get())));
        return new Snapshot(actionLatency.snapshot(), blobRequestLatency.snapshot(), counters.snapshot(), gaugeValues,
                rehydrationLatency.snapshot(), listingValues);
    }

    /** A consistent-enough copy for one scrape or one status print. */
    public record Snapshot(Map<String, org.HdrHistogram.Histogram> actionLatency,
                           Map<String, org.HdrHistogram.Histogram> blobRequestLatency,
                           Map<String, Map<String, Long>> counters, Map<String, Long> gauges,
                           Map<String, org.HdrHistogram.Histogram> rehydrationLatency,
                           Map<String, java.util.List<String>> listings) {
    }
}
