package io.streamsparse.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.SparseVectorCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One index-service instance owning both partitions of a real (embedded KRaft) broker's vectors topic. */
class IndexServiceTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static EmbeddedKafkaKraftBroker broker;
    static KafkaProducer<String, byte[]> producer;
    static ConfigurableApplicationContext service;
    static URI base;

    @TempDir
    static Path snapshots;

    @BeforeAll
    static void start() {
        broker = new EmbeddedKafkaKraftBroker(1, 2, "sparse-vectors", "sparse-vectors.DLT");
        broker.brokerProperties(Map.of("auto.create.topics.enable", "false"));
        broker.afterPropertiesSet();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        producer = new KafkaProducer<>(props);
        // written before the service starts: it must replay them before declaring itself ready
        for (int i = 0; i < 200; i++) {
            send(i % 2, "doc-" + i, vector(i));
        }
        producer.flush();
        service = IndexServiceApplication.builder().run("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--streamsparse.index.partitions=0,1",
                "--streamsparse.index.snapshot-dir=" + snapshots,
                "--streamsparse.index.recall-estimate.sample-rate=1.0",
                "--streamsparse.index.recall-estimate.queue-capacity=100");
        base = URI.create("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
        producer.close();
        broker.destroy();
    }

    /** Doc i holds term i (weight 2) and term 1000 + i % 7 (weight 1). */
    static SparseVector vector(int i) {
        return SparseVector.of(new int[] {i, 1000 + i % 7}, new float[] {2f, 1f});
    }

    static void send(int partition, String id, SparseVector v) {
        byte[] value = v == null ? null
                : SparseVectorCodec.encode(new EncodedDocument("title " + id, "snippet", v.nnz() < 2 ? Map.of()
                        : Map.of("mod7", Integer.toString(v.termId(1) - 1000)), v));
        producer.send(new ProducerRecord<>("sparse-vectors", partition, id, value));
    }

    static HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode search(int shard, String body) throws Exception {
        HttpResponse<String> r = call("POST", "/v1/shards/" + shard + "/search", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void replaysBeforeReadyThenServesUpdatesAndDeletes() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> call("GET", "/actuator/health/readiness", null)
                .statusCode() == 200);
        JsonNode shards = JSON.readTree(call("GET", "/v1/shards", null).body());
        assertThat(shards.get(0).path("documents").asInt() + shards.get(1).path("documents").asInt()).isEqualTo(200);

        JsonNode hits = search(0, "{\"terms\":[42],\"weights\":[1.0],\"k\":3}").path("hits");
        assertThat(hits.get(0).path("id").asString()).isEqualTo("doc-42");
        assertThat(hits.get(0).path("title").asString()).isEqualTo("title doc-42");
        assertThat(hits.get(0).has("explanation")).as("only when asked").isFalse();

        // explained: the shared terms with both weights (stored: quantized to 1/255 of the largest), largest first
        JsonNode explained = search(0, "{\"terms\":[42,1000,1001],\"weights\":[1.5,0.5,0.25],\"k\":1,"
                + "\"explain\":true}").path("hits").get(0);
        assertThat(explained.path("id").asString()).isEqualTo("doc-42");
        JsonNode terms = explained.path("explanation");
        assertThat(terms).hasSize(2);
        assertThat(terms.get(0).path("term").asInt()).isEqualTo(42);
        assertThat(terms.get(0).path("queryWeight").floatValue()).isEqualTo(1.5f);
        assertThat(terms.get(0).path("documentWeight").floatValue()).isCloseTo(2f, within(2f / 255));
        assertThat(terms.get(0).path("contribution").floatValue()).isCloseTo(3f, within(3f / 255));
        assertThat(terms.get(1).path("term").asInt()).isEqualTo(1000);
        assertThat(terms.get(1).path("documentWeight").floatValue()).isCloseTo(1f, within(2f / 255));
        assertThat(terms.get(0).path("contribution").floatValue() + terms.get(1).path("contribution").floatValue())
                .isCloseTo(explained.path("score").floatValue(), within(1e-4f));

        // filter: term 1000 + 3 is shared by docs with i % 7 == 3; only even ids live on shard 0
        JsonNode filtered = search(0, "{\"terms\":[1003],\"weights\":[1.0],\"k\":100,\"filter\":\"mod7:3\"}");
        assertThat(filtered.path("hits")).allSatisfy(h -> assertThat(h.path("id").asString()).matches(
                id -> Integer.parseInt(id.substring(4)) % 7 == 3 && Integer.parseInt(id.substring(4)) % 2 == 0));

        send(0, "doc-42", SparseVector.of(new int[] {5000}, new float[] {3f}));
        send(0, "doc-44", null);
        producer.flush();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            assertThat(search(0, "{\"terms\":[5000],\"weights\":[1.0],\"k\":3}").path("hits").get(0).path("id")
                    .asString()).isEqualTo("doc-42");
            assertThat(search(0, "{\"terms\":[44],\"weights\":[1.0],\"k\":3}").path("hits")).isEmpty();
        });

        JsonNode digest = JSON.readTree(call("GET", "/v1/shards/0/digest", null).body());
        assertThat(digest.path("documents").asInt()).isEqualTo(99);
        assertThat(digest.path("digest").asString()).hasSizeGreaterThan(16);
    }

    @Test
    void lexicalVectorsAreSearchedBesideTheLearnedOnes() throws Exception {
        SparseVector learned = SparseVector.of(new int[] {7100}, new float[] {1f});
        producer.send(new ProducerRecord<>("sparse-vectors", 1, "hybrid-doc", SparseVectorCodec.encode(
                new EncodedDocument("title hybrid", "snippet", Map.of("mod7", "0"), learned,
                        SparseVector.of(new int[] {20001, 20002}, new float[] {1.5f, 0.5f})))));
        producer.flush();
        String body = "{\"terms\":[7100],\"weights\":[1.0],\"k\":3,\"lexicalTerms\":[20001],"
                + "\"lexicalWeights\":[2.0]";
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            JsonNode answer = search(1, body + "}");
            assertThat(answer.path("hits").get(0).path("id").asString()).isEqualTo("hybrid-doc");
            assertThat(answer.path("lexicalHits")).hasSize(1);
            assertThat(answer.path("lexicalHits").get(0).path("id").asString()).isEqualTo("hybrid-doc");
            assertThat(answer.path("lexicalHits").get(0).path("title").asString()).isEqualTo("title hybrid");
            assertThat(answer.path("lexicalHits").get(0).path("score").floatValue()).isCloseTo(3f, within(0.02f));
        });
        assertThat(search(1, body + ",\"filter\":\"mod7:1\"}").path("lexicalHits")).as("filtered out").isEmpty();
        assertThat(search(1, "{\"terms\":[7100],\"weights\":[1.0]}").has("lexicalHits")).as("not asked").isFalse();
        JsonNode df = JSON.readTree(call("GET", "/v1/shards/1/lexical/document-frequencies?size=30522", null).body());
        assertThat(df.path("documents").asInt()).isEqualTo(1);
        assertThat(df.path("df").get(20001).asInt()).isEqualTo(1);
        assertThat(df.path("df").get(7100).asInt()).isZero();
        assertThat(call("GET", "/actuator/prometheus", null).body())
                .containsPattern("(?m)^streamsparse_index_lexical_documents\\{[^}]*shard=\"1\"[^}]*} 1\\.0$")
                .contains("streamsparse_index_lexical_memory_bytes");
        assertProblem(call("POST", "/v1/shards/1/search", body.replace("[2.0]", "[2.0,1.0]") + "}"), 400,
                "'lexicalTerms' has 1 entries but 'lexicalWeights' has 2");

        // deleted from both indexes (and the shard's document count is as the other tests expect again)
        producer.send(new ProducerRecord<>("sparse-vectors", 1, "hybrid-doc", null));
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(JSON.readTree(call("GET",
                "/v1/shards/1/lexical/document-frequencies?size=30522", null).body()).path("documents").asInt())
                .isZero());
        assertThat(search(1, body + "}").path("hits")).isEmpty();
    }

    @Test
    void undecodableVectorRecordIsDeadLetteredAndTheShardGoesOn() throws Exception {
        producer.send(new ProducerRecord<>("sparse-vectors", 1, "garbage", new byte[] {'D', 1, 9, 9}));
        send(1, "after-garbage", SparseVector.of(new int[] {7777}, new float[] {1f}));
        producer.flush();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                search(1, "{\"terms\":[7777],\"weights\":[1.0],\"k\":1}").path("hits").get(0).path("id").asString())
                .isEqualTo("after-garbage"));
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlt-check");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of("sparse-vectors.DLT"));
            String[] reason = new String[1];
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    reason[0] = new String(r.headers().lastHeader("kafka_dlt-exception-message").value(),
                            StandardCharsets.UTF_8);
                }
                return reason[0] != null;
            });
            assertThat(reason[0]).startsWith("value is not a SparseVectorCodec document").contains("exceeds")
                    .doesNotContain("Listener method");
        }
    }

    @Test
    void badRequestsGetProblemDetails() throws Exception {
        HttpResponse<String> r = call("POST", "/v1/shards/0/search", "{\"terms\":[1,1],\"weights\":[1,1]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("detail").asString()).contains("duplicate term id 1");
        r = call("POST", "/v1/shards/0/search", "{\"terms\":[1],\"weights\":[1],\"k\":100000}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("k must be in [1, 1000]");
        r = call("POST", "/v1/shards/0/search", "{\"terms\":[1],\"weights\":[1],\"filter\":\"a:b AND (\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        r = call("POST", "/v1/shards/0/search", "{\"terms\":[1],\"weights\":[1],\"filter\":\"" + "(".repeat(5_000)
                + "a:b" + ")".repeat(5_000) + "\"}");
        assertThat(r.statusCode()).as("deeply nested filter").isEqualTo(400);
        assertThat(r.body()).contains("the limit is 8192");
        r = call("POST", "/v1/shards/0/search", "{\"terms\":[1],\"weights\":[1],\"filter\":\"" + "(".repeat(2_000)
                + "a:b\"}");
        assertThat(r.statusCode()).as("deeply nested filter").isEqualTo(400);
        assertThat(r.body()).contains("deeper than the limit of 32 levels");
        r = call("POST", "/v1/shards/0/search", "not json");
        assertThat(r.statusCode()).isEqualTo(400);
        r = call("POST", "/v1/shards/0/search", "{\"terms\":[" + "1,".repeat(200_000) + "2]}");
        assertThat(r.statusCode()).isEqualTo(413);
        r = call("POST", "/v1/shards/9/search", "{\"terms\":[1],\"weights\":[1]}");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("shard 9 is not served here");
    }

    @Test
    void sampledApproximateSearchesPublishARecallEstimate() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> call("GET", "/actuator/health/readiness", null)
                .statusCode() == 200);
        for (int i = 1; i < 40; i += 2) {
            search(1, "{\"terms\":[" + i + ",1003],\"weights\":[1.0,0.5],\"k\":5}");
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String metrics = call("GET", "/actuator/prometheus", null).body();
            assertThat(metrics).containsPattern("(?m)^streamsparse_index_search_recall_samples_total(\\{[^}]*})? "
                    + "[1-9]");
            // a number in [0, 1], no longer NaN
            assertThat(metrics).containsPattern("(?m)^streamsparse_index_search_recall_estimate(\\{[^}]*})? "
                    + "(0\\.[0-9]+|1\\.0)$");
        });
    }

    @Test
    void unreadableBodiesGetAProblemDetailSayingWhatIsWrong() throws Exception {
        assertProblem(call("POST", "/v1/shards/0/search", ""), 400, "request body");
        assertProblem(call("POST", "/v1/shards/0/search", "null"), 400, "request body");
        assertProblem(call("POST", "/v1/shards/0/search", "{\"terms\":[1],"), 400, "not valid JSON");
        // binding stops at the first array that should be a number, before any depth is reached
        assertProblem(call("POST", "/v1/shards/0/search", "{\"terms\":" + "[".repeat(10_000)), 400, "at terms[0]:");
        assertProblem(call("POST", "/v1/shards/0/search", "{\"terms\":[1],\"weights\":[1],\"k\":\"abc\"}"), 400,
                "at k:");
        assertProblem(call("POST", "/v1/shards/0/search", "{\"terms\":[1],\"weights\":[1],\"k\":1e20}"), 400,
                "at k:");
        assertProblem(call("POST", "/v1/shards/0/search", "{\"terms\":[100.7],\"weights\":[1]}"), 400,
                "at terms[0]:");
        assertProblem(call("POST", "/v1/shards/0/search", "{\"terms\":[\"100\"],\"weights\":[1]}"), 400,
                "at terms[0]:");
        assertProblem(call("POST", "/v1/shards/0/search", "{\"terms\":[1],\"weights\":[3e38]}"), 400,
                "weights[0] must be finite and in [0, 1000.0]");
        assertProblem(call("POST", "/v1/shards/0/search", "{\"terms\":[1],\"weights\":[1],\"kk\":3}"), 400,
                "kk");
        assertProblem(call("POST", "/v1/shards/0/search", "{\"terms\":[1],\"weights\":[1]} {}"), 400, "");
        assertProblem(call("GET", "/v1/shards/0/document-frequencies?size=2097152", null), 400,
                "size must be in [1, 262144]");
    }

    @Test
    void oversizedBodiesGet413WithOrWithoutContentLength() throws Exception {
        // 1 MB: above the 256 KiB limit, below Tomcat's swallow size (2 MB), so the client reads the answer rather
        // than a reset connection
        byte[] big = ("{\"terms\":[" + "1,".repeat(500_000) + "2]}").getBytes(StandardCharsets.US_ASCII);
        assertProblem(HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/shards/0/search"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(),
                HttpResponse.BodyHandlers.ofString()), 413, "request body exceeds 262144 bytes");
        HttpRequest chunked = HttpRequest.newBuilder(base.resolve("/v1/shards/0/search"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build();
        assertProblem(HTTP.send(chunked, HttpResponse.BodyHandlers.ofString()), 413,
                "request body exceeds 262144 bytes");
    }

    @Test
    void openApiDescribesTheShardApi() throws Exception {
        HttpResponse<String> docs = call("GET", "/v3/api-docs", null);
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("/v1/shards/{shard}/search").contains("ShardSearchRequest")
                .contains("/v1/shards/{shard}/document-frequencies");
    }

    private static void assertProblem(HttpResponse<String> r, int status, String detail) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(JSON.readTree(r.body()).path("detail").asString()).contains(detail);
    }
}
