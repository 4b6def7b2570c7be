package io.streamsparse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamsparse.e2e.MonitoringConfig.AlertRule;
import io.streamsparse.e2e.MonitoringConfig.PanelQuery;
import io.streamsparse.encoderservice.EncoderServiceApplication;
import io.streamsparse.index.IndexServiceApplication;
import io.streamsparse.query.QueryServiceApplication;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The monitoring configuration against a real Prometheus: the three services on a real broker, documents (and a
 * poison record) fed and searches made, Prometheus scraping them with the repository's {@code prometheus.yml} and
 * {@code alerts.yml}; then every dashboard panel query and every alert rule is evaluated through the HTTP API and must
 * be valid and return series. A panel or alert over a metric that no service exposes fails here.
 *
 * <p>Needs {@code prometheus} and {@code promtool} on the PATH (Debian's {@code prometheus} package; {@code .ci/run}
 * installs it). Without them the test is skipped, except under {@code CI=true}, where it fails.
 */
class PrometheusMonitoringTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static KafkaBroker broker;
    static final List<ConfigurableApplicationContext> services = new ArrayList<>();
    static PrometheusServer prometheus;
    static URI queryService;

    @BeforeAll
    static void startPipelineAndPrometheus() throws Exception {
        String why = "prometheus and promtool are not installed (apt-get install prometheus; .ci/run installs it)";
        Executables.required(why, "prometheus");
        Executables.required(why, "promtool");

        broker = KafkaBroker.start();
        broker.createTopics(2);
        String kafka = "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers();
        Path work = Files.createTempDirectory("monitoring-test");
        List<String> indexTargets = new ArrayList<>();
        for (int shard = 0; shard < 2; shard++) {
            ConfigurableApplicationContext index = IndexServiceApplication.builder().run(kafka, "--server.port=0",
                    "--streamsparse.index.partitions=" + shard,
                    "--streamsparse.index.snapshot-dir=" + work.resolve("snapshots-" + shard));
            services.add(index);
            indexTargets.add("127.0.0.1:" + port(index));
        }
        ConfigurableApplicationContext encoder = EncoderServiceApplication.builder().run(kafka, "--server.port=0");
        services.add(encoder);
        ConfigurableApplicationContext query = QueryServiceApplication.builder().run(kafka, "--server.port=0",
                "--streamsparse.query.index-urls=" + String.join(",", indexTargets.stream().map(t -> "http://" + t)
                        .toList()), "--streamsparse.query.discovery-interval=200ms");
        services.add(query);
        queryService = URI.create("http://127.0.0.1:" + port(query));

        Map<String, List<String>> targets = new LinkedHashMap<>();
        targets.put("encoder-service", List.of("127.0.0.1:" + port(encoder)));
        targets.put("index-service", indexTargets);
        targets.put("query-service", List.of("127.0.0.1:" + port(query)));
        prometheus = PrometheusServer.start(work.resolve("prometheus"), targets);

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (Map.Entry<String, String[]> e : PipelineEndToEndTest.CORPUS.entrySet()) {
                producer.send(new ProducerRecord<>(KafkaBroker.DOCUMENTS, e.getKey(), PipelineEndToEndTest.JSON
                        .writeValueAsString(Map.of("title", e.getValue()[0], "text", e.getValue()[1]))));
            }
            producer.send(new ProducerRecord<>(KafkaBroker.DOCUMENTS, "poison", "{not json"));
        }
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> search("volcano eruption tremors").contains("volcano-watch"));
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    private static String search(String q) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(queryService.resolve("/v1/search?q="
                + URLEncoder.encode(q, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @AfterAll
    static void stop() {
        if (prometheus != null) {
            prometheus.close();
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void promtoolAcceptsTheConfigAndTheRules() throws Exception {
        Map.Entry<Integer, String> config = PrometheusServer.promtool("check", "config",
                MonitoringConfig.PROMETHEUS_DIR.resolve("prometheus.yml").toString());
        assertThat(config.getKey()).as(config.getValue()).isZero();
        Map.Entry<Integer, String> rules = PrometheusServer.promtool("check", "rules",
                MonitoringConfig.PROMETHEUS_DIR.resolve("alerts.yml").toString());
        assertThat(rules.getKey()).as(rules.getValue()).isZero();
    }

    @Test
    void everyPanelQueryAndAlertRuleIsValidAndReturnsSeries() throws Exception {
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode active = prometheus.api("targets?state=active").path("data").path("activeTargets");
            assertThat(active.size()).isEqualTo(4);
            active.forEach(t -> assertThat(t.path("health").asString()).as(t.toString()).isEqualTo("up"));
        });
        for (int i = 0; i < 20; i++) {
            search(i % 2 == 0 ? "honey bees hives" : "telescope mirror");
        }
        List<PanelQuery> panels = MonitoringConfig.panelQueries();
        List<AlertRule> rules = MonitoringConfig.alertRules();
        // rates and quantiles need two scrapes after the traffic; rules need one evaluation
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            List<String> problems = new ArrayList<>();
            for (PanelQuery q : panels) {
                check(q.where(), q.expr(), true, problems);
            }
            for (AlertRule rule : rules) {
                // a healthy pipeline fires no alert, so the rule itself may be empty; what it compares may not
                check("alert " + rule.name(), rule.expr(), false, problems);
                check("alert " + rule.name() + ", compared side", MonitoringConfig.comparedSide(rule.expr()), true,
                        problems);
            }
            for (JsonNode group : prometheus.api("rules?type=alert").path("data").path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    if (!"ok".equals(rule.path("health").asString())) {
                        problems.add("alert " + rule.path("name").asString() + " evaluates with health "
                                + rule.path("health").asString() + ": " + rule.path("lastError").asString());
                    }
                }
            }
            assertThat(problems).as("Prometheus log:\n" + prometheus.logTail()).isEmpty();
        });
    }

    /** Valid PromQL (the API answers success), with at least one series if asked; else a line in {@code problems}. */
    private static void check(String where, String expr, boolean needSeries, List<String> problems) throws Exception {
        JsonNode answer = prometheus.query(expr);
        if (!"success".equals(answer.path("status").asString())) {
            problems.add(where + ": invalid: " + answer.path("error").asString() + " in " + expr);
        } else if (needSeries && answer.path("data").path("result").isEmpty()) {
            problems.add(where + ": no series: " + expr);
        }
    }
}
