package io.azlhsm.copytool.metrics;

import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The metrics as an administrator reads them: what moved, how long actions and blob requests take (p50/p99/max),
 * what failed, and what is queued right now. Used by SIGUSR1 (into the log) and by {@code copytool status}.
 */
public final class StatusReport {
    private StatusReport() {
    }

    public static String render(AgentMetrics.Snapshot snapshot) {
        StringBuilder out = new StringBuilder();
        out.append("now:");
        snapshot.gauges().forEach((name, value) -> out.append(' ').append(name).append('=').append(value));
        out.append('\n');
        Map<String, Long> files = snapshot.counters().getOrDefault("files_total", Map.of());
        Map<String, Long> bytes = snapshot.counters().getOrDefault("bytes_total", Map.of());
        out.append(String.format("%-9s %10s %10s %16s %10s %10s %10s%n", "action", "ok", "failed", "bytes", "p50 ms",
                "p99 ms", "max ms"));
        for (String action : new String[] {"archive", "restore", "remove"}) {
            Histogram latency = snapshot.actionLatency().get(action);
            out.append(String.format("%-9s %10d %10d %16d %10s %10s %10s%n", action,
                    files.getOrDefault(action + ",ok", 0L), files.getOrDefault(action + ",failed", 0L),
                    bytes.getOrDefault(action, 0L), millis(latency, 50), millis(latency, 99), max(latency)));
        }
        if (!snapshot.blobRequestLatency().isEmpty()) {
            out.append(String.format("%-15s %10s %10s %10s %10s%n", "blob request", "count", "p50 ms", "p99 ms",
                    "max ms"));
            snapshot.blobRequestLatency().forEach((kind, latency) -> out.append(String.format(
                    "%-15s %10d %10s %10s %10s%n", kind, latency.getTotalCount(), millis(latency, 50),
                    millis(latency, 99), max(latency))));
        }
        snapshot.listings().forEach((name, lines) -> lines.forEach(line -> out.append(line).append('\n')));
        snapshot.rehydrationLatency().forEach((tier, latency) -> out.append(String.format(
                "rehydrated to %s: %d, p50 %s s, max %s s%n", tier, latency.getTotalCount(),
                seconds(latency, 50), seconds(latency.getMaxValue()))));
        for (String name : new String[] {"action_errors_total", "blob_request_errors_total",
                "blob_request_retries_total", "throttle_waits_total"}) {
            Map<String, Long> values = snapshot.counters().get(name);
            if (values != null && !values.isEmpty()) {
                out.append(name.replace("_total", "")).append(": ").append(values).append('\n');
            }
        }
        return out.toString();
    }

    private static String millis(Histogram latency, double percentile) {
        return latency == null || latency.getTotalCount() == 0 ? "-"
                : String.format("%.1f", latency.getValueAtPercentile(percentile) / 1000.0);
    }

    private static String seconds(Histogram latency, double percentile) {
        return String.format("%.0f", latency.getValueAtPercentile(percentile) / 1e6);
    }

    private static String seconds(long micros) {
        return String.format("%.0f", micros / 1e6);
    }

    private static String max(Histogram latency) {
        return latency == null || latency.getTotalCount() == 0 ? "-"
                : String.format("%.1f", latency.getMaxValue() / 1000.0);
    }
}
