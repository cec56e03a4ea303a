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
                && last.contains(" files/s, --deep "), last);

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
            List<String> tools = scenario.startsWith("posix") ? List.of("ours", "cp") : List.of("ours", "azcopy", "rclone");
            for (String tool : tools) {
                List<String> metrics = new ArrayList<>(THROUGHPUT);
                if (scenario.endsWith("small")) {
                    metrics.addAll(List.of("archive_files_s", "restore_files_s"));
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
        // 13 of the product against its peers, and 4 of the simulator's CPU per action (it must not be the ceiling)
        assertEquals(17, doc.get("targets").size(), "every target of the issue is judged");
        assertTrue(Files.size(results.resolve("table.txt")) > 0);
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
