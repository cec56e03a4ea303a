package io.azlhsm.copytool.metrics;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Renders a metrics snapshot in the Prometheus text exposition format (version 0.0.4).
 *
 * <p>Latencies and sizes are histograms ({@link BucketHistograms}: cumulative {@code _bucket} series by {@code le},
 * {@code +Inf} equal to {@code _count}, and {@code _sum}) in seconds and bytes, so that they add up across data movers
 * and over any window; the rehydration wait (hours, and rare) stays a summary. Everything is prefixed
 * {@code azlhsm_}, every family has HELP and TYPE lines, and label values are escaped (backslash, quote, newline).
 * Counter names carry their labels as comma-separated values in the order documented on each metric.
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

    private static final Map<String, String> GAUGE_HELP = Map.of(
            "queued_actions", "Actions received from the coordinator and not begun.",
            "running_actions", "Actions begun and not ended.",
            "begun_actions", "Actions between llapi_hsm_action_begin and _end.",
            "receive_paused", "1 while the agent stops reading from the coordinator (max_actions_waiting reached).",
            "rehydrations_pending", "Restores waiting for their blob to leave the Archive tier.",
            "requests_waiting_restore", "Restore requests waiting for a request slot of their archive.",
            "requests_waiting_other", "Other requests waiting for a request slot of their archive.");

    private PrometheusText() {
    }

    public static String render(AgentMetrics.Snapshot snapshot) {
        StringBuilder out = new StringBuilder(4096);
        snapshot.histograms().forEach((name, family) -> histogram(out, "azlhsm_" + name, family));
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
            out.append("# HELP ").append(metric).append(' ').append(GAUGE_HELP.getOrDefault(name,
                    "Sampled at each scrape: " + name.replace('_', ' ') + ".")).append('\n');
            out.append("# TYPE ").append(metric).append(" gauge\n").append(metric).append(' ').append(value)
                    .append('\n');
        });
        snapshot.labelledGauges().forEach((name, samples) -> {
            String metric = "azlhsm_" + name;
            out.append("# HELP ").append(metric).append(' ').append(snapshot.labelledGaugeHelp().get(name))
                    .append('\n');
            out.append("# TYPE ").append(metric).append(" gauge\n");
            for (AgentMetrics.LabelledSample sample : samples) {
                out.append(metric).append(labels(sample.labels())).append(' ').append(number(sample.value()))
                        .append('\n');
            }
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

    /** One histogram family: per series, its buckets by ascending le, +Inf (the count), _sum and _count. */
    private static void histogram(StringBuilder out, String metric, AgentMetrics.HistogramFamily family) {
        out.append("# HELP ").append(metric).append(' ').append(family.help()).append('\n');
        out.append("# TYPE ").append(metric).append(" histogram\n");
        String[] labelNames = family.labelNames().toArray(String[]::new);
        family.series().forEach((labelValues, series) -> {
            String[] values = labelValues.split(",", -1);
            for (int i = 0; i <= series.bounds().length; i++) {
                String le = i < series.bounds().length ? number(series.bounds()[i]) : "+Inf";
                out.append(metric).append("_bucket").append(labels(labelNames, values, "le", le)).append(' ')
                        .append(series.cumulative()[i]).append('\n');
            }
            out.append(metric).append("_sum").append(labels(labelNames, values)).append(' ')
                    .append(number(series.sum())).append('\n');
            out.append(metric).append("_count").append(labels(labelNames, values)).append(' ')
                    .append(series.count()).append('\n');
        });
    }

    /** A sample value or bound: whole numbers without a fraction (1, not 1.0), others as Java prints doubles. */
    private static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    private static String labels(Map<String, String> labels) {
        return labels(labels.keySet().toArray(String[]::new), labels.values().toArray(String[]::new));
    }

    private static String labels(String[] names, String[] values, String extraName, String extraValue) {
        String[] allNames = java.util.Arrays.copyOf(names, names.length + 1);
        String[] allValues = java.util.Arrays.copyOf(values, names.length + 1);
        allNames[names.length] = extraName;
        allValues[names.length] = extraValue;
        return labels(allNames, allValues);
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
