package io.streamsparse.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP ingest against a real in-process KRaft broker: what the endpoints write (read back from the topic), where
 * (partition and offset as answered), and every refusal: invalid documents, limits, a broker that cannot take the
 * records. The query side is inference-free with a real tokenizer, so that no model is loaded.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DocumentIngestTest {

    static final String TOPIC = "documents";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static EmbeddedKafkaKraftBroker broker;
    static ConfigurableApplicationContext service;
    static URI base;

    @BeforeAll
    static void start() throws Exception {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of("auto.create.topics.enable", "false"));
        broker.afterPropertiesSet();
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        service = QueryServiceApplication.builder().run("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--streamsparse.query.index-urls=http://127.0.0.1:" + deadPort,
                "--streamsparse.query.shard-count=2",
                "--streamsparse.query.encoder=inference-free",
                "--streamsparse.query.tokenizer-path=classpath:all-minilm-l6-v2-q-tokenizer.json",
                "--streamsparse.query.ingest.timeout=2s",
                "--streamsparse.query.ingest.max-documents=3",
                "--streamsparse.query.ingest.max-body-bytes=4096",
                "--streamsparse.query.ingest.max-document-chars=100");
        base = URI.create("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        if (broker != null) {
            broker.destroy();
        }
    }

    static HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/documents")).header("Content-Type",
                "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> delete(String encodedId) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/v1/documents/" + encodedId)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    @Order(1)
    void aBrokerThatCannotTakeTheRecordsGives503NotALoss() throws Exception {
        // the topic does not exist yet (and the broker does not create topics): no acknowledgement can come
        HttpResponse<String> r = post("{\"id\":\"early\",\"text\":\"before the topic exists\"}");
        assertProblem(r, 503, "1 of 1 records were not acknowledged");
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(JSON.readTree(r.body()).path("written")).isEmpty();
        broker.addTopics(new NewTopic(TOPIC, 2, (short) 1).configs(Map.of("cleanup.policy", "compact")));
    }

    @Test
    @Order(2)
    void documentsAreWrittenKeyedByIdAndAnsweredWithPartitionAndOffset() throws Exception {
        HttpResponse<String> one = post("{\"id\":\"alpha\",\"title\":\" Alpha \",\"text\":\"first text\","
                + "\"fields\":{\"lang\":\"en\"}}");
        assertThat(one.statusCode()).as(one.body()).isEqualTo(202);
        JsonNode written = JSON.readTree(one.body()).path("documents");
        assertThat(written).hasSize(1);
        assertThat(written.get(0).path("id").asString()).isEqualTo("alpha");

        HttpResponse<String> batch = post("[{\"id\":\"beta\",\"text\":\"second\"},"
                + "{\"id\":\"alpha\",\"text\":\"first text, edited\\u0007\"},{\"id\":\"gamma\",\"text\":\"third\"}]");
        assertThat(batch.statusCode()).as(batch.body()).isEqualTo(202);
        JsonNode answers = JSON.readTree(batch.body()).path("documents");
        assertThat(answers).hasSize(3);
        // same id, same partition, later offset: the edit is applied after the first version
        assertThat(answers.get(1).path("partition").asInt()).isEqualTo(written.get(0).path("partition").asInt());
        assertThat(answers.get(1).path("offset").asLong()).isGreaterThan(written.get(0).path("offset").asLong());

        Map<String, ConsumerRecord<String, String>> byCoordinates = readAll();
        assertThat(byCoordinates).hasSize(4);
        ConsumerRecord<String, String> first = at(byCoordinates, written.get(0));
        assertThat(first.key()).isEqualTo("alpha");
        assertThat(first.value()).isEqualTo(
                "{\"id\":\"alpha\",\"title\":\"Alpha\",\"text\":\"first text\",\"fields\":{\"lang\":\"en\"}}");
        assertThat(at(byCoordinates, answers.get(1)).value()).isEqualTo(
                "{\"id\":\"alpha\",\"title\":\"\",\"text\":\"first text, edited\",\"fields\":{}}");
        assertThat(at(byCoordinates, answers.get(2)).key()).isEqualTo("gamma");
    }

    @Test
    @Order(3)
    void aDeleteIsATombstoneKeyedById() throws Exception {
        HttpResponse<String> r = delete("beta");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode answer = JSON.readTree(r.body()).path("documents").get(0);
        ConsumerRecord<String, String> tombstone = at(readAll(), answer);
        assertThat(tombstone.key()).isEqualTo("beta");
        assertThat(tombstone.value()).isNull();

        HttpResponse<String> slashed = delete("docs/page%201");
        assertThat(slashed.statusCode()).as(slashed.body()).isEqualTo(202);
        assertThat(at(readAll(), JSON.readTree(slashed.body()).path("documents").get(0)).key())
                .isEqualTo("docs/page 1");
    }

    @Test
    @Order(4)
    void invalidBodiesAreRefusedAndWriteNothing() throws Exception {
        int before = readAll().size();
        assertProblem(post("[{\"id\":\"ok\",\"text\":\"fine\"},{\"id\":\"t\",\"title\":\"a title\",\"text\":\" \"}]"),
                400, "documents[1]: 'text' is blank");
        assertProblem(post("{\"id\":\"x\",\"text\":\"" + "y".repeat(101) + "\"}"), 400,
                "'text' has 101 chars; the limit is 100");
        assertProblem(post("{\"text\":\"no id\"}"), 400, "'id' must be a string, was missing");
        assertProblem(post("{\"id\":\"x\",\"text\":\"t\",\"url\":\"u\"}"), 400, "unknown key 'url'");
        assertProblem(post("{\"id\":\"x\",\"text\":\"t\",\"text\":\"u\"}"), 400, "Duplicate");
        assertProblem(post("{\"id\":\"" + "i".repeat(513) + "\",\"text\":\"t\"}"), 400, "id of 513 chars exceeds 512");
        assertProblem(post("[{\"id\":\"a\",\"text\":\"t\"},{\"id\":\"b\",\"text\":\"t\"},{\"id\":\"c\",\"text\":\"t\"},"
                + "{\"id\":\"d\",\"text\":\"t\"}]"), 400, "the batch has 4 documents; the limit is 3");
        assertProblem(post("[]"), 400, "non-empty array");
        assertProblem(post("42"), 400, "was number");
        assertProblem(post(""), 400, "was empty");
        assertProblem(post("{\"id\":"), 400, "not valid JSON");
        assertProblem(delete("%20"), 400, "'id' is blank");
        assertProblem(delete("i".repeat(513)), 400, "id of 513 chars exceeds 512");
        assertThat(readAll()).as("nothing written by refused requests").hasSize(before);
    }

    @Test
    @Order(5)
    void limitsOnTheRequestItself() throws Exception {
        String big = "[" + "{\"id\":\"x\",\"text\":\"y\"},".repeat(250) + "{\"id\":\"x\",\"text\":\"y\"}]";
        assertProblem(post(big), 413, "request body exceeds 4096 bytes (streamsparse.query.ingest.max-body-bytes)");
        HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/documents"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8)))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(chunked, 413, "request body exceeds 4096 bytes");
        HttpResponse<String> text = HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/documents"))
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(text.statusCode()).isEqualTo(415);
    }

    @Test
    @Order(6)
    void openApiDescribesIngest() throws Exception {
        HttpResponse<String> docs = HTTP.send(HttpRequest.newBuilder(base.resolve("/v3/api-docs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(docs.body()).contains("/v1/documents").contains("IngestResponse");
    }

    private static ConsumerRecord<String, String> at(Map<String, ConsumerRecord<String, String>> records,
            JsonNode written) {
        ConsumerRecord<String, String> r = records.get(written.path("partition").asInt() + "@"
                + written.path("offset").asLong());
        assertThat(r).as("a record at " + written).isNotNull();
        return r;
    }

    /** Every record of the topic, by partition@offset. */
    private static Map<String, ConsumerRecord<String, String>> readAll() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        Map<String, ConsumerRecord<String, String>> out = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(TOPIC).forEach(p -> partitions.add(new TopicPartition(TOPIC, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200))
                        .forEach(r -> out.put(r.partition() + "@" + r.offset(), r));
            }
        }
        return out;
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(response.body()).contains(detail);
    }
}
