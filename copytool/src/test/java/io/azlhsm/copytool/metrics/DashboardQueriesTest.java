package io.azlhsm.copytool.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Reading conf/grafana-dashboard.json: the metric names of a PromQL query (what the live check in GrafanaDashboardIT
 * holds against a scrape), and the dashboard's shape for an import into Grafana 10 or later.
 */
class DashboardQueriesTest {
    @Test
    void metricNamesLeaveOutFunctionsLabelsRangesAndVariables() {
        assertEquals(Set.of("azlhsm_action_duration_seconds_bucket"), DashboardQueries.metricNames(
                "histogram_quantile(0.9, sum by (le, action, size) (rate(azlhsm_action_duration_seconds_bucket"
                        + "{instance=~\"$instance\",action=\"archive\"}[$__rate_interval])))"));
        assertEquals(Set.of("azlhsm_job_start_seconds"), DashboardQueries.metricNames(
                "max by (kind, job_id) (azlhsm_job_start_seconds{instance=~\"$instance\"}) * 1000"));
        assertEquals(Set.of("a_total", "b:rate5m"), DashboardQueries.metricNames(
                "sum(rate(a_total[5m] offset 1h)) without (job) / on (instance) group_left (version) b:rate5m"
                        + " > bool 0"));
        assertEquals(Set.of("azlhsm_build_info"),
                DashboardQueries.metricNames("label_values(azlhsm_build_info, instance)"));
        assertEquals(Set.of("x"), DashboardQueries.metricNames("label_replace(x, \"dst\", \"$1\", \"src\", \"(.*)\")"));
    }

    @Test
    void missingNamesThePlaceAndTheMetric() {
        List<String> missing = DashboardQueries.missing(List.of(
                new DashboardQueries.Query("panel \"Throughput\" (A)", "rate(azlhsm_bytes_total[5m])"),
                new DashboardQueries.Query("panel \"Bogus\" (B)", "sum(azlhsm_no_such_metric)")),
                Set.of("azlhsm_bytes_total"));
        assertEquals(1, missing.size(), missing.toString());
        assertTrue(missing.get(0).startsWith("panel \"Bogus\" (B) reads azlhsm_no_such_metric,"), missing.get(0));
    }

    @Test
    void dashboardImportsIntoGrafanaWithAPrometheusDatasourceVariable() throws Exception {
        JsonNode root = new ObjectMapper().readTree(DashboardQueries.FILE.toFile());
        assertTrue(root.path("schemaVersion").asInt() >= 36, "Grafana 10's schema (36+): " + root.path("schemaVersion"));
        assertFalse(root.path("uid").asText().isEmpty(), "a stable uid keeps re-imports as one dashboard");
        JsonNode datasource = null;
        for (JsonNode variable : root.path("templating").path("list")) {
            if ("datasource".equals(variable.path("type").asText())) {
                datasource = variable;
            }
        }
        assertTrue(datasource != null && "prometheus".equals(datasource.path("query").asText()),
                "a datasource variable of type prometheus: " + root.path("templating"));
        String reference = "${" + datasource.path("name").asText() + "}";
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : root.path("panels")) {
            assertTrue(ids.add(panel.path("id").asInt()), "panel id used twice: " + panel.path("id"));
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertEquals(reference, panel.path("datasource").path("uid").asText(), panel.path("title").asText());
            assertTrue(panel.path("targets").size() > 0, "no query in panel " + panel.path("title"));
            for (JsonNode target : panel.path("targets")) {
                assertEquals(reference, target.path("datasource").path("uid").asText(), panel.path("title").asText());
                assertFalse(DashboardQueries.metricNames(target.path("expr").asText()).isEmpty(),
                        "panel " + panel.path("title") + " reads no metric: " + target.path("expr"));
            }
        }
        List<DashboardQueries.Query> queries = DashboardQueries.read(DashboardQueries.FILE);
        assertTrue(queries.size() > 20, queries.toString());
        for (DashboardQueries.Query query : queries) {
            for (String name : DashboardQueries.metricNames(query.expr())) {
                assertTrue(name.startsWith("azlhsm_"), query.place() + " reads " + name + ": not the agent's");
            }
        }
    }
}
