package io.azlhsm.copytool.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The scrape read as Prometheus reads it (text exposition format 0.0.4): HELP and TYPE before a family's samples,
 * each family once and contiguous, label values unescaped back to what was recorded, and every histogram series with
 * buckets sorted by le, cumulative, ending at +Inf, which equals _count.
 */
public class PrometheusExpositionTest {

    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One sample line: name, optional {label="value",...} with \\, \" and \n escapes, one space, the value. */
    static Sample parseSample(String line) {
        int i = 0;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_'
                || line.charAt(i) == ':')) {
            i++;
        }
        String name = line.substring(0, i);
        assertTrue(name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"), "bad metric name in: " + line);
        Map<String, String> labels = new LinkedHashMap<>();
        if (i < line.length() && line.charAt(i) == '{') {
            i++;
            while (line.charAt(i) != '}') {
                int equals = line.indexOf('=', i);
                String label = line.substring(i, equals);
                assertTrue(label.matches("[a-zA-Z_][a-zA-Z0-9_]*"), "bad label name '" + label + "' in: " + line);
                assertEquals('"', line.charAt(equals + 1), line);
                StringBuilder value = new StringBuilder();
                int j = equals + 2;
                for (; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char escaped = line.charAt(++j);
                        switch (escaped) {
                            case '\\' -> value.append('\\');
                            case '"' -> value.append('"');
                            case 'n' -> value.append('\n');
                            default -> fail("bad escape \\" + escaped + " in: " + line);
                        }
                    } else {
                        value.append(c);
                    }
                }
                assertFalse(labels.containsKey(label), "label " + label + " twice in: " + line);
                labels.put(label, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            i++;
        }
        assertEquals(' ', line.charAt(i), "no single space before the value in: " + line);
        String value = line.substring(i + 1);
        double number = switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(value);
        };
        return new Sample(name, labels, number);
    }

    /** Parses a whole scrape, checking the rules that hold across lines; returns the samples by family. */
    public static Map<String, List<Sample>> parse(String text) {
        assertTrue(text.endsWith("\n"), "the last line must end with a newline");
        Map<String, String> types = new HashMap<>();
        Set<String> helped = new HashSet<>();
        Map<String, List<Sample>> families = new TreeMap<>();
        Set<String> closed = new HashSet<>();
        String current = null;
        for (String line : text.split("\n")) {
            assertFalse(line.isEmpty(), "empty line in:\n" + text);
            if (line.startsWith("# HELP ")) {
                String name = line.substring(7).split(" ", 2)[0];
                assertTrue(helped.add(name), "HELP twice for " + name);
                assertFalse(types.containsKey(name), "HELP after TYPE for " + name);
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).split(" ");
                assertEquals(2, parts.length, line);
                assertTrue(Set.of("counter", "gauge", "histogram", "summary", "untyped").contains(parts[1]), line);
                assertTrue(helped.contains(parts[0]), "no HELP line before TYPE for " + parts[0]);
                assertTrue(types.put(parts[0], parts[1]) == null, "TYPE twice for " + parts[0]);
                if (current != null) {
                    closed.add(current);
                }
                current = parts[0];
                continue;
            }
            assertFalse(line.startsWith("#"), "unexpected comment: " + line);
            Sample sample = parseSample(line);
            String family = familyOf(sample.name(), types);
            assertNotNull(family, "sample before its TYPE line: " + line);
            assertEquals(current, family, "samples of " + family + " are not contiguous: " + line);
            assertFalse(closed.contains(family), "family " + family + " resumed: " + line);
            families.computeIfAbsent(family, key -> new ArrayList<>()).add(sample);
        }
        families.forEach((family, samples) -> {
            if (types.get(family).equals("histogram")) {
                checkHistogram(family, samples);
            }
        });
        return families;
    }

    private static String familyOf(String name, Map<String, String> types) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                String type = types.get(base);
                if ("histogram".equals(type) || ("summary".equals(type) && !suffix.equals("_bucket"))) {
                    return base;
                }
            }
        }
        return null;
    }

    /** Per series (labels without le): le ascending to +Inf, counts cumulative, +Inf == _count, a _sum. */
    private static void checkHistogram(String family, List<Sample> samples) {
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new HashMap<>();
        Map<Map<String, String>, Double> sums = new HashMap<>();
        for (Sample sample : samples) {
            Map<String, String> series = new LinkedHashMap<>(sample.labels());
            if (sample.name().equals(family + "_bucket")) {
                assertTrue(series.containsKey("le"), "bucket without le: " + sample);
                series.remove("le");
                buckets.computeIfAbsent(series, key -> new ArrayList<>()).add(sample);
            } else if (sample.name().equals(family + "_count")) {
                counts.put(series, sample.value());
            } else if (sample.name().equals(family + "_sum")) {
                sums.put(series, sample.value());
            } else {
                fail("a histogram has only _bucket, _sum and _count samples: " + sample);
            }
        }
        assertFalse(buckets.isEmpty(), family + " has no series");
        buckets.forEach((series, list) -> {
            double previousLe = Double.NEGATIVE_INFINITY;
            double previousCount = 0;
            for (Sample bucket : list) {
                String leText = bucket.labels().get("le");
                double le = leText.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(leText);
                assertTrue(le > previousLe, family + " " + series + ": le not ascending at " + leText);
                assertTrue(bucket.value() >= previousCount, family + " " + series + ": not cumulative at " + leText);
                previousLe = le;
                previousCount = bucket.value();
            }
            assertEquals(Double.POSITIVE_INFINITY, previousLe, family + " " + series + ": last bucket is not +Inf");
            assertEquals(counts.get(series), previousCount, family + " " + series + ": +Inf differs from _count");
            assertNotNull(sums.get(series), family + " " + series + ": no _sum");
        });
        assertEquals(buckets.keySet(), counts.keySet(), family + ": series with buckets and with _count differ");
    }

    @Test
    void theScrapeFollowsTheTextFormatRules() {
        AgentMetrics metrics = new AgentMetrics();
        metrics.actionEnded("archive", TimeUnit.MILLISECONDS.toNanos(80), 4096, 0);
        metrics.actionEnded("archive", TimeUnit.SECONDS.toNanos(3), 48L << 20, 0);
        metrics.actionEnded("archive", TimeUnit.SECONDS.toNanos(7200), 2L << 30, 0); // beyond the last bound
        metrics.actionEnded("restore", TimeUnit.MILLISECONDS.toNanos(5), 1L << 20, 0); // exactly on a bound
        metrics.actionEnded("remove", TimeUnit.MILLISECONDS.toNanos(20), 0, 2);
        metrics.blobRequest("put_block", TimeUnit.MILLISECONDS.toNanos(40), true, 201);
        metrics.blobRequest("get \"odd\" \\ kind\nline", TimeUnit.MILLISECONDS.toNanos(1), true, 200);
        metrics.waited("restore", TimeUnit.MILLISECONDS.toNanos(2));
        metrics.gauge("queued_actions", () -> 7);
        metrics.labelledGauge("build_info", "Build.", () -> List.of(
                new AgentMetrics.LabelledSample(Map.of("version", "1.2.3-\"q\"\\"), 1)));

        Map<String, List<Sample>> families = parse(PrometheusText.render(metrics.snapshot()));

        for (String histogram : new String[] {"azlhsm_action_duration_seconds", "azlhsm_file_size_bytes",
                "azlhsm_blob_request_duration_seconds", "azlhsm_queue_wait_seconds"}) {
            assertTrue(families.containsKey(histogram), histogram + " missing: " + families.keySet());
        }
        assertEquals(1.0, value(families, "azlhsm_action_duration_seconds_bucket",
                Map.of("action", "restore", "size", "1MiB_to_32MiB", "le", "0.005")));
        assertEquals(0.0, value(families, "azlhsm_action_duration_seconds_bucket",
                Map.of("action", "archive", "size", "ge_1GiB", "le", "3600")));
        assertEquals(1.0, value(families, "azlhsm_action_duration_seconds_bucket",
                Map.of("action", "archive", "size", "ge_1GiB", "le", "+Inf")));
        assertEquals(1.0, value(families, "azlhsm_file_size_bytes_bucket",
                Map.of("action", "restore", "le", "1048576")));
        assertEquals(2.0, value(families, "azlhsm_file_size_bytes_bucket",
                Map.of("action", "archive", "le", "67108864")));
        assertEquals(1.0, value(families, "azlhsm_blob_request_duration_seconds_count",
                Map.of("request", "get \"odd\" \\ kind\nline")), "escaped label values read back as recorded");
        assertEquals(1.0, value(families, "azlhsm_queue_wait_seconds_bucket",
                Map.of("action", "restore", "le", "0.005")));
        assertEquals(1.0, value(families, "azlhsm_build_info", Map.of("version", "1.2.3-\"q\"\\")));
        assertEquals(7.0, value(families, "azlhsm_queued_actions", Map.of()));
    }

    private static double value(Map<String, List<Sample>> families, String name, Map<String, String> labels) {
        for (List<Sample> samples : families.values()) {
            for (Sample sample : samples) {
                if (sample.name().equals(name) && sample.labels().equals(labels)) {
                    return sample.value();
                }
            }
        }
        throw new AssertionError(name + labels + " not in the scrape: " + families);
    }
}
