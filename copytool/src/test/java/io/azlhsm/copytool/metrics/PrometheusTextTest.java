package io.azlhsm.copytool.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    @Test
    void everyLineIsACommentOrAWellFormedSampleAndValuesAreRight() {
        AgentMetrics metrics = new AgentMetrics();
        metrics.actionEnded("archive", TimeUnit.MILLISECONDS.toNanos(250), 1_000_000, 0);
        metrics.actionEnded("archive", TimeUnit.MILLISECONDS.toNanos(750), 0, 16);
        metrics.actionEnded("restore", TimeUnit.SECONDS.toNanos(2), 5_000, 0);
        metrics.blobRequest("put_block", TimeUnit.MILLISECONDS.toNanos(40), true, 201);
        metrics.blobRequest("put_block", TimeUnit.MILLISECONDS.toNanos(90), false, 503);
        metrics.gauge("queued_actions", () -> 7);

        Map<String, Double> samples = new HashMap<>();
        for (String line : PrometheusText.render(metrics.snapshot()).split("\n")) {
            if (line.startsWith("#")) {
                continue;
            }
            Matcher matcher = SAMPLE.matcher(line);
            assertTrue(matcher.matches(), "not a sample line: " + line);
            samples.put(matcher.group(1) + (matcher.group(2) == null ? "" : matcher.group(2)),
                    Double.parseDouble(matcher.group(3)));
        }
        assertEquals(1.0, samples.get("azlhsm_files_total{action=\"archive\",outcome=\"ok\"}"));
        assertEquals(1.0, samples.get("azlhsm_files_total{action=\"archive\",outcome=\"failed\"}"));
        assertEquals(1.0, samples.get("azlhsm_action_errors_total{action=\"archive\",errno=\"16\"}"));
        assertEquals(1_000_000.0, samples.get("azlhsm_bytes_total{action=\"archive\"}"));
        assertEquals(2.0, samples.get("azlhsm_action_duration_seconds_count{action=\"archive\",size=\"lt_1MiB\"}"));
        assertEquals(0.0, samples.get("azlhsm_action_duration_seconds_bucket{action=\"restore\",size=\"lt_1MiB\","
                + "le=\"1\"}"));
        assertEquals(1.0, samples.get("azlhsm_action_duration_seconds_bucket{action=\"restore\",size=\"lt_1MiB\","
                + "le=\"2.5\"}"));
        assertEquals(1.0, samples.get("azlhsm_blob_request_errors_total{request=\"put_block\",status=\"503\"}"));
        assertEquals(7.0, samples.get("azlhsm_queued_actions"));
    }
}
