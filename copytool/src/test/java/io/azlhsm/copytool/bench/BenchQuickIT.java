package io.azlhsm.copytool.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of test-cluster/bench: `bench --quick` runs every scenario with every tool and reports every figure.
 * It checks that the harness works, never a speed (the machine running the build is not a benchmark machine).
 * It lives in copytool because the bench runs the packaged copytool, which exists only after copytool's package phase.
 */
class BenchQuickIT {
    private static final Path REPO = Path.of(System.getProperty("azlhsm.native.dir"), "..", "..").normalize();
    private static final Path BENCH = REPO.resolve("test-cluster/bench");

    private static final List<String> THROUGHPUT = List.of(
            "archive_mib_s", "archive_cpu_s_per_gib", "archive_wall_s",
            "restore_mib_s", "restore_cpu_s_per_gib", "restore_wall_s");

    @Test
    void quickRunReportsEveryScenarioToolAndMetric(@TempDir Path results) throws Exception {
        assertTrue(Files.isExecutable(BENCH), BENCH + " is not executable");
        Path output = results.resolve("bench.out");
        Process process = new ProcessBuilder(BENCH.toString(), "--quick", "--results", results.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(8, TimeUnit.MINUTES)) {
            process.destroy(); // bench's trap stops the cluster and the agent
            process.waitFor(60, TimeUnit.SECONDS);
            throw new AssertionError("bench --quick did not finish in 8 minutes:\n" + tail(output));
        }
        assertEquals(0, process.exitValue(), () -> "bench --quick failed:\n" + tail(output));

        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertFalse(lines.isEmpty());
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("summary ours/peer: ") && last.contains("large/azcopy")
                && last.contains("posix-large/cp") && last.contains("memory peak RSS")
                && last.contains(" files/s, --deep ") && last.contains("jobs export ")
                && last.contains("x lfs hsm_archive, prefetch ") && last.contains(" stubs/s"), last);

        JsonNode doc = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        Set<String> present = new HashSet<>();
        for (JsonNode figure : doc.get("figures")) {
            String key = figure.get("scenario").asText() + "/" + figure.get("tool").asText() + "/"
                    + figure.get("metric").asText();
            present.add(key);
            assertTrue(figure.get("runs").size() >= 1, key);
            double median = figure.get("median").asDouble();
            assertTrue(figure.get("min").asDouble() <= median && median <= figure.get("max").asDouble(), key);
        }
        List<String> missing = new ArrayList<>();
        for (String scenario : List.of("large", "small", "posix-large", "posix-small")) {
            // c-posix: native-shim's reference C copytool, the posix backend's peer on the same cluster; sdk-java: the
            // bare Azure SDK for Java (bench.d/SdkCopy.java), a peer of both Azure scenarios
            List<String> tools = scenario.startsWith("posix") ? List.of("ours", "c-posix", "cp")
                    : List.of("ours", "azcopy", "rclone", "sdk-java");
            for (String tool : tools) {
                List<String> metrics = new ArrayList<>(THROUGHPUT);
                if (scenario.endsWith("small")) {
                    metrics.addAll(List.of("archive_files_s", "restore_files_s", "archive_cpu_ms_per_file",
                            "restore_cpu_ms_per_file"));
                }
                if (tool.equals("c-posix")) { // run by lfs on the simulator as ours is, so its share is recorded too
                    metrics.addAll(List.of("archive_simulator_cpu_s", "restore_simulator_cpu_s"));
                }
                if (!scenario.startsWith("posix")) {
                    metrics.addAll(List.of("archive_azurite_cpu_s", "restore_azurite_cpu_s"));
                }
                for (String metric : metrics) {
                    if (!present.contains(scenario + "/" + tool + "/" + metric)) {
                        missing.add(scenario + "/" + tool + "/" + metric);
                    }
                }
            }
        }
        for (String metric : List.of("peak_rss_mib", "budget_mib", "archive_mib_s", "archive_cpu_s_per_gib")) {
            if (!present.contains("memory/ours/" + metric)) {
                missing.add("memory/ours/" + metric);
            }
        }
        for (String metric : List.of("check_files_s", "check_wall_s", "check_simulator_cpu_s", "check_azurite_cpu_s",
                "check_listing_prof_s", "check_tree_walk_prof_s", "check_HSM_state_prof_s", "check_judging_prof_s",
                "deep_mib_s", "deep_files_s", "deep_deep_read_prof_s")) {
            if (!present.contains("check/ours/" + metric)) {
                missing.add("check/ours/" + metric);
            }
        }
        // the jobs against the lfs commands they stand for (both through the same agent), and the import
        for (String tool : List.of("ours", "lfs")) {
            for (String op : List.of("export", "prefetch")) {
                for (String metric : List.of("files_s", "wall_s", "cpu_ms_per_file", "agent_cpu_ms_per_file",
                        "simulator_ms_per_action", "azurite_cpu_s")) {
                    if (!present.contains("jobs/" + tool + "/" + op + "_" + metric)) {
                        missing.add("jobs/" + tool + "/" + op + "_" + metric);
                    }
                }
            }
        }
        for (String metric : List.of("export_job_s", "export_walk_s", "prefetch_job_s", "import_stubs_s",
                "import_job_stubs_s", "import_cpu_ms_per_file", "import_simulator_ms_per_action",
                "import_simulator_cores", "import_peak_rss_mib")) {
            if (!present.contains("jobs/ours/" + metric)) {
                missing.add("jobs/ours/" + metric);
            }
        }
        assertEquals(List.of(), missing, "figures missing from results.json");
        assertTrue(doc.get("ratios").size() >= 20, "ratios ours/peer");
        for (String scenario : List.of("small", "posix-small")) {
            for (String op : List.of("archive", "restore")) {
                String figure = scenario + "/ours/" + op + "_simulator_ms_per_action";
                if (!present.contains(figure)) {
                    missing.add(figure);
                }
            }
        }
        assertEquals(List.of(), missing, "simulator CPU per action missing from results.json");
        // 13 of the product against azcopy and rclone, 8 of the posix backend against the C copytool, 3 of the jobs
        // (export and prefetch against lfs, import stubs/s) and 4 of the simulator's CPU per action (it must not be
        // the ceiling)
        assertEquals(28, doc.get("targets").size(), "every target of the issue is judged");
        assertTrue(last.contains("posix-small/c-posix") && last.contains("posix-large/c-posix"), last);
        assertTrue(last.contains("large/sdk-java") && last.contains("small/sdk-java"), last);
        assertTrue(Files.size(results.resolve("table.txt")) > 0);
    }

    /**
     * The scaling charts of bench's opt-in scale-* scenarios (too slow for the quick run): report.py turns samples of
     * scenarios CHART@X into results.json's "scaling" (medians per tool, metric and x) and one PNG per chart, and
     * keeps them out of the table of scenarios. Needs matplotlib (Debian's python3-matplotlib; run-tests installs it).
     */
    @Test
    void reportDrawsScalingCharts(@TempDir Path results) throws Exception {
        StringBuilder samples = new StringBuilder();
        for (String tool : List.of("ours", "azcopy", "rclone")) {
            for (int kib : new int[] {64, 1024, 16384}) {
                for (double value : new double[] {kib / 100.0, kib / 50.0}) { // two repetitions: median 3/200 kib
                    samples.append("scale-size@").append(kib).append('\t').append(tool).append("\tarchive_mib_s\t")
                            .append(value).append('\n');
                    samples.append("scale-size@").append(kib).append('\t').append(tool).append("\trestore_mib_s\t")
                            .append(value * 2).append('\n');
                }
            }
        }
        for (int n : new int[] {1, 16, 256}) {
            samples.append("scale-inflight@").append(n).append("\tours\tarchive_files_s\t").append(10 * n).append('\n');
            samples.append("scale-inflight@").append(n).append("\tours\trestore_files_s\t").append(20 * n).append('\n');
            List<String> percentiles = List.of("p50_ms", "p90_ms", "p99_ms");
            for (String p : percentiles) {
                samples.append("scale-latency@").append(n).append("\tours\t").append(p).append('\t')
                        .append(n * (1 + percentiles.indexOf(p))).append('\n');
            }
        }
        for (int n : new int[] {10000, 100000}) {
            samples.append("scale-import@").append(n).append("\tours\tstubs_s\t").append(n / 50).append('\n');
            samples.append("scale-import@").append(n).append("\tours\tpeak_rss_mib\t150.5\n");
        }
        samples.append("small\tours\tarchive_files_s\t100\n");
        Files.writeString(results.resolve("samples.tsv"), samples);
        Path output = results.resolve("report.out");
        Process process = new ProcessBuilder(REPO.resolve("test-cluster/bench.d/report").toString(), results.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(process.waitFor(2, TimeUnit.MINUTES), "report did not finish in 2 minutes");
        assertEquals(0, process.exitValue(), () -> "report failed:\n" + tail(output));

        JsonNode doc = new ObjectMapper().readTree(results.resolve("results.json").toFile());
        List<String> charts = new ArrayList<>();
        doc.get("charts").forEach(c -> charts.add(c.asText()));
        assertEquals(Set.of("scale-size.png", "scale-inflight.png", "scale-latency.png", "scale-import.png"),
                Set.copyOf(charts), () -> "charts drawn (is python3-matplotlib installed?):\n" + tail(output));
        for (String chart : charts) {
            byte[] png = Files.readAllBytes(results.resolve(chart));
            assertTrue(png.length > 10_000 && png[0] == (byte) 0x89 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G',
                    chart + " is not a PNG image of a chart");
        }
        JsonNode size = doc.get("scaling").get("scale-size");
        assertEquals(3 * 3 * 2, size.size(), "a point per tool, size and metric");
        boolean found = false;
        for (JsonNode point : size) {
            if (point.get("tool").asText().equals("rclone") && point.get("metric").asText().equals("archive_mib_s")
                    && point.get("x").asDouble() == 16384) {
                assertEquals(16384 * 3 / 200.0, point.get("median").asDouble(), 1e-6, "median of the repetitions");
                assertEquals(2, point.get("runs").size());
                found = true;
            }
        }
        assertTrue(found, "rclone's 16 MiB archive point: " + size);
        assertEquals(2 * 3, doc.get("scaling").get("scale-inflight").size());
        assertEquals(3 * 3, doc.get("scaling").get("scale-latency").size());
        assertEquals(2 * 2, doc.get("scaling").get("scale-import").size());
        // the points are not scenarios of the table
        assertEquals(1, doc.get("figures").size(), doc.get("figures").toString());
        String table = Files.readString(results.resolve("table.txt"));
        assertTrue(table.contains("scaling (medians; charts: ") && table.contains("x=16 MiB"), table);
    }

    private static String tail(Path output) {
        List<String> lines;
        try {
            lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
