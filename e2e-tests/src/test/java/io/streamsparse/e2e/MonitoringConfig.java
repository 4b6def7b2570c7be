package io.streamsparse.e2e;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The repository's monitoring configuration as the tests read it: {@code monitoring/prometheus/} (scrape config,
 * alert rules) and {@code monitoring/grafana/} (provisioned datasource, dashboards). Paths are relative to the
 * repository root, which Surefire sees as {@code ..} of the module folder.
 */
final class MonitoringConfig {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path PROMETHEUS_DIR = ROOT.resolve("monitoring/prometheus");
    static final Path DASHBOARDS_DIR = ROOT.resolve("monitoring/grafana/dashboards");
    static final Path DATASOURCES = ROOT.resolve("monitoring/grafana/provisioning/datasources/prometheus.yml");

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One Grafana panel query: where it is shown and its PromQL. */
    record PanelQuery(String dashboard, String panel, String unit, String datasourceUid, String expr) {
        String where() {
            return dashboard + " / " + panel;
        }
    }

    /** One alerting rule of {@code alerts.yml}. */
    record AlertRule(String name, String expr, Map<String, Object> labels, Map<String, Object> annotations) {
    }

    private MonitoringConfig() {
    }

    static List<Path> dashboardFiles() throws IOException {
        try (Stream<Path> files = Files.list(DASHBOARDS_DIR)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    /** Every query of every panel (rows' nested panels included) of every dashboard. */
    static List<PanelQuery> panelQueries() throws IOException {
        List<PanelQuery> queries = new ArrayList<>();
        for (Path file : dashboardFiles()) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            collect(dashboard.path("title").asString(), dashboard.path("panels"), queries);
        }
        return queries;
    }

    private static void collect(String dashboard, JsonNode panels, List<PanelQuery> into) {
        for (JsonNode panel : panels) {
            collect(dashboard, panel.path("panels"), into);
            String unit = panel.path("fieldConfig").path("defaults").path("unit").asString("");
            for (JsonNode target : panel.path("targets")) {
                String uid = target.path("datasource").path("uid").asString(
                        panel.path("datasource").path("uid").asString(""));
                into.add(new PanelQuery(dashboard, panel.path("title").asString(), unit, uid,
                        target.path("expr").asString()));
            }
        }
    }

    @SuppressWarnings("unchecked")
    static List<AlertRule> alertRules() throws IOException {
        Map<String, Object> file = yaml(PROMETHEUS_DIR.resolve("alerts.yml"));
        List<AlertRule> rules = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
            for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                rules.add(new AlertRule((String) rule.get("alert"), (String) rule.get("expr"),
                        (Map<String, Object>) rule.getOrDefault("labels", Map.of()),
                        (Map<String, Object>) rule.getOrDefault("annotations", Map.of())));
            }
        }
        return rules;
    }

    /** The uid of the Prometheus datasource that Grafana provisioning defines. */
    @SuppressWarnings("unchecked")
    static String provisionedDatasourceUid() throws IOException {
        List<Map<String, Object>> sources = (List<Map<String, Object>>) yaml(DATASOURCES).get("datasources");
        return (String) sources.get(0).get("uid");
    }

    static Map<String, Object> yaml(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Yaml().load(in);
        }
    }

    /**
     * The left-hand side of an alert expression's top-level comparison ({@code rate(x[5m]) > 1} gives
     * {@code rate(x[5m])}), or the whole expression when it has none. A healthy system makes the alert's expression
     * empty; its left-hand side must still return series, or the alert watches a metric that does not exist.
     */
    static String comparedSide(String expr) {
        int depth = 0;
        int cut = -1;
        boolean quoted = false;
        for (int i = 0; i < expr.length(); i++) {
            char c = expr.charAt(i);
            if (c == '"' && (i == 0 || expr.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (quoted) {
                continue;
            } else if (c == '(' || c == '{' || c == '[') {
                depth++;
            } else if (c == ')' || c == '}' || c == ']') {
                depth--;
            } else if (depth == 0 && (c == '>' || c == '<' || ((c == '=' || c == '!')
                    && i + 1 < expr.length() && expr.charAt(i + 1) == '='))) {
                cut = i;
                break;
            }
        }
        return cut < 0 ? expr.strip() : expr.substring(0, cut).strip();
    }

    /**
     * The Grafana unit a query's values have, from the Micrometer naming conventions the services follow: a rate of a
     * counter or of a timer's count is per second ({@code ops}), a quantile or a gauge of {@code _seconds} is
     * seconds ({@code s}), {@code _bytes} is bytes, a recall estimate is a fraction ({@code percentunit}); anything
     * else is a plain number ({@code short}). Null when the
     * query mixes kinds (e.g. a ratio of rates), which the caller then accepts as {@code short} or {@code percentunit}.
     */
    static String expectedUnit(String expr) {
        if (expr.contains("_bytes")) {
            return "bytes";
        }
        if (expr.contains("_recall_estimate") && !expr.contains("rate(")) {
            return "percentunit";
        }
        if (expr.contains("histogram_quantile(") || (expr.contains("_seconds") && !expr.contains("rate("))) {
            return "s";
        }
        if (expr.contains("rate(") && !expr.contains("/")) {
            return "ops";
        }
        if (expr.contains("/")) {
            return null;
        }
        return "short";
    }
}
