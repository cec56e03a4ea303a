package io.azlhsm.copytool.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL queries of a Grafana dashboard (conf/grafana-dashboard.json) and the metric names they read, so that a
 * test can hold them against a live scrape: every panel's {@code targets[].expr} (panels nested in rows too) and
 * every query variable's {@code label_values(metric, label)}.
 */
public final class DashboardQueries {
    /** The dashboard shipped in conf/ (the build passes the native build directory, two levels below the root). */
    public static final Path FILE = Path.of(System.getProperty("azlhsm.native.dir"), "..", "..", "conf",
            "grafana-dashboard.json").normalize();
    /** Words of PromQL that are neither functions (those are followed by a parenthesis) nor metric names. */
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "offset", "and", "or", "unless", "atan2", "inf", "nan");
    /** Grouping clauses: their parentheses hold label names, not series. */
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*\\}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*\\]");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{?[A-Za-z_][A-Za-z0-9_]*\\}?");
    private static final Pattern NUMBER = Pattern.compile("(?<![A-Za-z0-9_:])[0-9][A-Za-z0-9_.]*");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([A-Za-z_:][A-Za-z0-9_:]*)");

    /** One query of the dashboard: where it is (the panel's title, or the variable's name) and its text. */
    public record Query(String place, String expr) {
    }

    private DashboardQueries() {
    }

    /** Every panel query and query variable of the dashboard file, in the file's order. */
    public static List<Query> read(Path dashboard) throws IOException {
        JsonNode root = new ObjectMapper().readTree(dashboard.toFile());
        List<Query> queries = new ArrayList<>();
        panels(root.path("panels"), queries);
        for (JsonNode variable : root.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                JsonNode query = variable.path("query");
                String text = query.isTextual() ? query.asText() : query.path("query").asText();
                queries.add(new Query("variable $" + variable.path("name").asText(), text));
            }
        }
        return queries;
    }

    private static void panels(JsonNode panels, List<Query> queries) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    queries.add(new Query("panel \"" + panel.path("title").asText() + "\" ("
                            + target.path("refId").asText() + ")", target.get("expr").asText()));
                }
            }
            panels(panel.path("panels"), queries); // a collapsed row keeps its panels inside it
        }
    }

    /**
     * The metric names a query reads, exactly as they must appear in a scrape (a histogram's {@code _bucket} series
     * by that name): what remains of the expression without strings, label matchers, ranges, grouping clauses,
     * Grafana variables, numbers and durations, functions (a name followed by a parenthesis) and PromQL keywords.
     */
    public static Set<String> metricNames(String expr) {
        Set<String> names = new LinkedHashSet<>();
        Matcher labelValues = LABEL_VALUES.matcher(expr);
        if (labelValues.lookingAt()) { // a variable's label_values(metric, label): the second argument is a label
            names.add(labelValues.group(1));
            return names;
        }
        String rest = STRING.matcher(expr).replaceAll(" ");
        rest = MATCHERS.matcher(rest).replaceAll(" ");
        rest = RANGE.matcher(rest).replaceAll(" ");
        rest = GROUPING.matcher(rest).replaceAll(" ");
        rest = VARIABLE.matcher(rest).replaceAll(" ");
        rest = NUMBER.matcher(rest).replaceAll(" ");
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String word = identifier.group();
            boolean function = rest.substring(identifier.end()).stripLeading().startsWith("(");
            if (!function && !KEYWORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }

    /**
     * What of the dashboard a scrape does not have: one line per query and metric name it reads that is not among the
     * scrape's sample names; empty when every query reads only exported series.
     */
    public static List<String> missing(List<Query> queries, Collection<String> sampleNames) {
        List<String> missing = new ArrayList<>();
        for (Query query : queries) {
            for (String name : metricNames(query.expr())) {
                if (!sampleNames.contains(name)) {
                    missing.add(query.place() + " reads " + name + ", which the agent does not export: "
                            + query.expr());
                }
            }
        }
        return missing;
    }
}
