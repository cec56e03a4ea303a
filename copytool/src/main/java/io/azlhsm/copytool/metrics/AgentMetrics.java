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
 *   <li>gauges sampled on demand: queued actions, running actions, chunks in the ring;</li>
 *   <li>histograms with buckets ({@link BucketHistograms}), which add up across data movers: action duration by
 *       action and size class, bytes per file by action, blob request duration by kind, and the time an action
 *       waited in the agent before it began;</li>
 *   <li>labelled gauges sampled on demand: build info, the jobs running or last finished.</li>
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
    private final BucketHistograms actionDuration = new BucketHistograms(BucketHistograms.SECONDS);
    private final BucketHistograms fileBytes = new BucketHistograms(BucketHistograms.BYTES);
    private final BucketHistograms blobRequestDuration = new BucketHistograms(BucketHistograms.SECONDS);
    private final BucketHistograms queueWait = new BucketHistograms(BucketHistograms.SECONDS);
    private final Map<String, LabelledGauge> labelledGauges = new ConcurrentHashMap<>();

    /** One sample of a labelled gauge: label names to values, in the order exported. */
    public record LabelledSample(Map<String, String> labels, double value) {
        public LabelledSample {
            labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
        }
    }

    /** A gauge family whose series (their labels) are found at each scrape, e.g. one per job. */
    public record LabelledGauge(String help, java.util.function.Supplier<java.util.List<LabelledSample>> samples) {
    }

    /** A histogram family: its help, label names, and series by comma-separated label values. */
    public record HistogramFamily(String help, java.util.List<String> labelNames,
                                  Map<String, BucketHistograms.Snapshot> series) {
    }

    /** Size classes of action duration: a transfer's time depends first on its size. */
    static String sizeClass(long bytes) {
        if (bytes < (1L << 20)) {
            return "lt_1MiB";
        }
        if (bytes < (32L << 20)) {
            return "1MiB_to_32MiB";
        }
        return bytes < (1L << 30) ? "32MiB_to_1GiB" : "ge_1GiB";
    }

    /**
     * @param action "archive", "restore" or "remove"
     * @param errno  0 for success
     */
    public void actionEnded(String action, long nanos, long bytes, int errno) {
        String outcome = errno == 0 ? "ok" : "failed";
        actionLatency.record(action, nanos);
        actionDuration.observe(action + "," + sizeClass(bytes), nanos / 1e9);
        if (errno == 0 && !action.equals("remove")) {
            fileBytes.observe(action, bytes);
        }
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
        blobRequestDuration.observe(kind, nanos / 1e9);
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

    /** An action began after waiting this long in the agent since the coordinator sent it (slots all taken). */
    public void waited(String action, long nanos) {
        queueWait.observe(action, nanos / 1e9);
    }

    /** Registers a gauge family whose series are sampled at each snapshot (one per job, build info...). */
    public void labelledGauge(String name, String help,
                              java.util.function.Supplier<java.util.List<LabelledSample>> samples) {
        labelledGauges.put(name, new LabelledGauge(help, samples));
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
        Map<String, HistogramFamily> histograms = new TreeMap<>();
        histograms.put("action_duration_seconds", new HistogramFamily("Time from action begin to end, by action and"
                + " the size class of its file.", java.util.List.of("action", "size"), actionDuration.snapshot()));
        histograms.put("file_size_bytes", new HistogramFamily("Bytes of each file archived or restored.",
                java.util.List.of("action"), fileBytes.snapshot()));
        histograms.put("blob_request_duration_seconds", new HistogramFamily("Time of one blob request, retries"
                + " included, by kind.", java.util.List.of("request"), blobRequestDuration.snapshot()));
        histograms.put("queue_wait_seconds", new HistogramFamily("Time an action waited in the agent, from its"
                + " arrival to its begin, by action.", java.util.List.of("action"), queueWait.snapshot()));
        Map<String, java.util.List<LabelledSample>> labelled = new TreeMap<>();
        Map<String, String> labelledHelp = new TreeMap<>();
        labelledGauges.forEach((name, gauge) -> {
            labelled.put(name, java.util.List.copyOf(gauge.samples().get()));
            labelledHelp.put(name, gauge.help());
        });
        return new Snapshot(actionLatency.snapshot(), blobRequestLatency.snapshot(), counters.snapshot(), gaugeValues,
                rehydrationLatency.snapshot(), listingValues, histograms, labelled, labelledHelp);
    }

    /** A consistent-enough copy for one scrape or one status print. */
    public record Snapshot(Map<String, org.HdrHistogram.Histogram> actionLatency,
                           Map<String, org.HdrHistogram.Histogram> blobRequestLatency,
                           Map<String, Map<String, Long>> counters, Map<String, Long> gauges,
                           Map<String, org.HdrHistogram.Histogram> rehydrationLatency,
                           Map<String, java.util.List<String>> listings,
                           Map<String, HistogramFamily> histograms,
                           Map<String, java.util.List<LabelledSample>> labelledGauges,
                           Map<String, String> labelledGaugeHelp) {
    }
}
