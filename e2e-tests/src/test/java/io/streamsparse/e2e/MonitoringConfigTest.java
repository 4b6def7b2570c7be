package io.streamsparse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamsparse.e2e.MonitoringConfig.AlertRule;
import io.streamsparse.e2e.MonitoringConfig.PanelQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Static checks of the dashboards and alert rules, without Prometheus (PrometheusMonitoringTest evaluates them): one
 * datasource, units that match what each query measures, and rules an operator can act on.
 */
class MonitoringConfigTest {

    /** Grafana's per-second units; "ops" is the general one. */
    private static final Set<String> PER_SECOND_UNITS = Set.of("ops", "reqps", "cps", "wps", "rps");

    @Test
    void everyPanelQueriesTheProvisionedDatasourceWithAUnitThatMatchesItsQuery() throws Exception {
        String uid = MonitoringConfig.provisionedDatasourceUid();
        List<PanelQuery> queries = MonitoringConfig.panelQueries();
        assertThat(queries).isNotEmpty();
        List<String> problems = new ArrayList<>();
        for (PanelQuery q : queries) {
            if (!uid.equals(q.datasourceUid())) {
                problems.add(q.where() + ": datasource uid '" + q.datasourceUid() + "', provisioned is '" + uid + "'");
            }
            if (q.expr().isBlank() || q.expr().contains("$")) {
                problems.add(q.where() + ": query must be literal PromQL (no Grafana variables): " + q.expr());
            }
            String expected = MonitoringConfig.expectedUnit(q.expr());
            boolean ok = expected == null ? Set.of("short", "percentunit", "s").contains(q.unit())
                    : expected.equals("ops") ? PER_SECOND_UNITS.contains(q.unit()) : expected.equals(q.unit());
            if (!ok) {
                problems.add(q.where() + ": unit '" + q.unit() + "' but the query measures '" + expected + "': "
                        + q.expr());
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyAlertHasASeverityASummaryAndARunbookSection() throws Exception {
        List<AlertRule> rules = MonitoringConfig.alertRules();
        assertThat(rules).isNotEmpty();
        String readme = java.nio.file.Files.readString(MonitoringConfig.ROOT.resolve("monitoring/README.md"));
        for (AlertRule rule : rules) {
            assertThat(rule.labels().get("severity")).as(rule.name()).isIn("warning", "critical");
            assertThat((String) rule.annotations().get("summary")).as(rule.name()).isNotBlank();
            assertThat(readme).as("monitoring/README.md explains alert " + rule.name()).contains(rule.name());
        }
    }

    /**
     * What an operator must see (the operations issue): for each, the metrics that show it. Each needs an alert rule
     * and a dashboard panel over one of them; PrometheusMonitoringTest then proves that they return series.
     */
    private static final Map<String, List<String>> SIGNALS = Map.of(
            "encoder transaction aborts and retries", List.of("streamsparse_encoder_transaction_rollbacks_total"),
            "records stuck (committed offset not moving while lag > 0)", List.of("streamsparse_encoder_stalled_seconds",
                    "streamsparse_index_applied_offset"),
            "consumer lag as the broker sees it", List.of("streamsparse_encoder_consumer_lag"),
            "dead letters by topic and reason class", List.of("streamsparse_dead_letters_total"),
            "dead letters that could not be written", List.of("dead_letters_dropped_total"),
            "snapshot corruption", List.of("streamsparse_index_snapshot_corrupt_total"),
            "partial results", List.of("streamsparse_query_partial_results_total"),
            "recall estimate", List.of("streamsparse_index_search_recall_estimate"));

    @Test
    void everySignalAnOperatorNeedsHasAnAlertAndAPanel() throws Exception {
        List<PanelQuery> panels = MonitoringConfig.panelQueries();
        List<AlertRule> rules = MonitoringConfig.alertRules();
        List<String> missing = new ArrayList<>();
        SIGNALS.forEach((signal, metrics) -> {
            if (panels.stream().noneMatch(q -> metrics.stream().anyMatch(q.expr()::contains))) {
                missing.add(signal + ": no dashboard panel over " + metrics);
            }
            if (rules.stream().noneMatch(r -> metrics.stream().anyMatch(r.expr()::contains))) {
                missing.add(signal + ": no alert rule over " + metrics);
            }
        });
        assertThat(missing).isEmpty();
        assertThat(panels.stream().filter(q -> q.expr().contains("dead_letters_total"))
                .anyMatch(q -> q.expr().contains("topic") && q.expr().contains("reason")))
                .as("a panel splits dead letters by topic and reason").isTrue();
    }

    @Test
    void comparedSideIsTheLeftOfTheTopLevelComparison() {
        assertThat(MonitoringConfig.comparedSide("max by (shard) (x{a=\"b\"}) > 100")).isEqualTo(
                "max by (shard) (x{a=\"b\"})");
        assertThat(MonitoringConfig.comparedSide("up{job=~\"a|b\"} == 0")).isEqualTo("up{job=~\"a|b\"}");
        assertThat(MonitoringConfig.comparedSide("rate(x{l!=\"a>b\"}[5m])")).isEqualTo("rate(x{l!=\"a>b\"}[5m])");
    }
}
