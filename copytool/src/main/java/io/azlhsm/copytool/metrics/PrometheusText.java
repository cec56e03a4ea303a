package io.azlhsm.copytool.metrics;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Renders a metrics snapshot in the Prometheus text exposition format (version 0.0.4).
 *
 * <p>Latencies are summaries in seconds (quantiles 0.5, 0.9, 0.99, 0.999, max, plus _sum and _count); byte counts
 * are in bytes; everything is prefixed {@code azlhsm_}. Counter names carry their labels as
 * comma-separated values in the order documented on each metric.
 */
public final class PrometheusText {
    private static final double[] QUANTILES = {0.5, 0.9, 0.99, 0.999};
    private static final Map<String, String[]> COUNTER_LABELS = Map.of(
            "files_total", new String[] {"action", "outcome"},
            "bytes_total", new String[] {"action"},
            "action_errors_total", new String[] {"action", "errno"},
            "blob_request_errors_total", new String[] {"request", "status"},
            "blob_request_retries_total", new String[] {"request"},
            "throttle_waits_total", new String[] {"direction"},
            "throttle_wait_nanoseconds_total", new String[] {"direction"},
            "archive_resumed_bytes_total", new String[] {"archive"});
    private static final Map<String, String> HELP = Map.of(
            "files_total", "Actions ended, by action and outcome.",
            "bytes_total", "Bytes moved by successful actions.",
            "action_errors_total", "Failed actions by errno.",
            "blob_request_errors_total", "Failed blob requests by HTTP status (0: no answer).",
            "blob_request_retries_total", "Blob requests retried after a transient failure.",
            "throttle_waits_total", "Times a transfer waited for bandwidth.",
            "throttle_wait_nanoseconds_total", "Time spent waiting for bandwidth.",
            "archive_resumed_bytes_total", "Bytes of blocks an earlier, interrupted archive of the same file version"
                    + " had staged, reused instead of sent again, by archive id.");

    private PrometheusText() {
    }

    public static String render(AgentMetrics.Snapshot snapshot) {
        StringBuilder out = new StringBuilder(4096);
        summary(out, "azlhsm_action_duration_seconds", "Time from action begin to end, by action.", "action",
                snapshot.actionLatency());
        summary(out, "azlhsm_blob_request_duration_seconds", "Time of one blob request, retries included, by kind.",
                "request", snapshot.blobRequestLatency());
        if (!snapshot.rehydrationLatency().isEmpty()) {
            summary(out, "azlhsm_rehydration_duration_seconds", "Time a restore waited for its blob to leave the"
                    + " Archive tier, by the tier it was rehydrated to.", "tier", snapshot.rehydrationLatency());
        }
        snapshot.counters().forEach((name, byLabel) -> {
            String metric = "azlhsm_" + name;
            out.append("# HELP ").append(metric).append(' ').append(HELP.getOrDefault(name, name)).append('\n');
            out.append("# TYPE ").append(metric).append(" counter\n");
            String[] labelNames = COUNTER_LABELS.getOrDefault(name, new String[] {"label"});
            byLabel.forEach((labelValues, value) ->
                    out.append(metric).append(labels(labelNames, labelValues.split(",", -1))).append(' ')
                            .append(value).append('\n'));
        });
        snapshot.gauges().forEach((name, value) -> {
            String metric = "azlhsm_" + name;
            out.append("# TYPE ").append(metric).append(" gauge\n").append(metric).append(' ').append(value)
                    .append('\n');
        });
        return out.toString();
    }

    private static void summary(StringBuilder out, String metric, String help, String labelName,
                                Map<String, Histogram> histograms) {
        out.append("# HELP ").append(metric).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(metric).append(" summary\n");
        histograms.forEach((name, histogram) -> {
            for (double quantile : QUANTILES) {
                out.append(metric).append("{").append(labelName).append("=\"").append(escape(name))
                        .append("\",quantile=\"").append(quantile).append("\"} ")
                        .append(seconds(histogram.getValueAtPercentile(quantile * 100))).append('\n');
            }
            double sumSeconds = histogram.getMean() * histogram.getTotalCount() / 1e6;
            out.append(metric).append("_sum{").append(labelName).append("=\"").append(escape(name)).append("\"} ")
                    .append(sumSeconds).append('\n');
            out.append(metric).append("_count{").append(labelName).append("=\"").append(escape(name)).append("\"} ")
                    .append(histogram.getTotalCount()).append('\n');
        });
    }

    private static String labels(String[] names, String[] values) {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < names.length && i < values.length; i++) {
            if (i > 0) {
                text.append(',');
            }
            text.append(names[i]).append("=\"").append(escape(values[i])).append('"');
        }
        return text.append('}').toString();
    }

    private static String seconds(long micros) {
        return Double.toString(micros / 1e6);
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
