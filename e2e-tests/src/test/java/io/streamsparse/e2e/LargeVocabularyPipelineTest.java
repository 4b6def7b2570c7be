package io.streamsparse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A model whose vocabulary is larger than BERT's 30522 through the whole pipeline on a real broker: encoder-service
 * and query-service run a tiny real ONNX model with 40,000 output terms and its own tokenizer (made by
 * {@code training/tiny_vocab_model.py}; every content word below has a term id above 30522), index-service is
 * configured with {@code streamsparse.index.engine.vocabulary-size=40000}. The documents must be indexed (not
 * dead-lettered as outside the vocabulary), found by their words, and the shard's document frequencies must count
 * those high term ids.
 */
class LargeVocabularyPipelineTest {

    static final String MODEL = "classpath:large-vocabulary/model.onnx";
    static final String TOKENIZER = "classpath:large-vocabulary/tokenizer.json";
    static final int VOCABULARY = 40_000;
    /** The tokenizer's id of "volcano" (30600 + 37 x its position in the script's word list). */
    static final int VOLCANO = 30_600;

    static final Map<String, String> CORPUS = Map.of(
            "volcano", "The volcano observatory records tremors and issues an eruption alert when magma pressure and"
                    + " sulphur gas rise.",
            "sourdough", "A sourdough starter is flour and water fermented by wild yeast; bakers leaven rye and wheat"
                    + " bread dough with it.",
            "chess", "The chess engine searches moves with alpha-beta pruning and evaluates positions from grandmaster"
                    + " games.",
            "beekeeping", "In the apiary the queen of the hives, honey frames and varroa mites before winter.",
            "telescope", "A telescope with a parabolic mirror on a mount for planets, nebulae and galaxies: astronomy"
                    + " of the night sky.",
            "glacier", "The alpine glacier retreat: ice cores, meltwater and moraines from satellite images.");

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static KafkaBroker broker;
    static final List<ConfigurableApplicationContext> services = new ArrayList<>();
    static URI queryService;
    static URI indexService;

    @BeforeAll
    static void startPipeline() throws Exception {
        broker = KafkaBroker.start();
        broker.createTopics(1);
        String kafka = "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers();
        ConfigurableApplicationContext index = IndexServiceApplication.builder().run(kafka, "--server.port=0",
                "--streamsparse.index.partitions=0",
                "--streamsparse.index.engine.vocabulary-size=" + VOCABULARY,
                "--streamsparse.index.snapshot-dir=" + Files.createTempDirectory("large-vocabulary-snapshots"));
        services.add(index);
        indexService = URI.create("http://127.0.0.1:" + port(index));
        services.add(EncoderServiceApplication.builder().run(kafka, "--server.port=0",
                "--streamsparse.encoder.model-path=" + MODEL, "--streamsparse.encoder.tokenizer-path=" + TOKENIZER));
        ConfigurableApplicationContext query = QueryServiceApplication.builder().run(kafka, "--server.port=0",
                "--streamsparse.query.index-urls=" + indexService,
                "--streamsparse.query.model-path=" + MODEL, "--streamsparse.query.tokenizer-path=" + TOKENIZER);
        services.add(query);
        queryService = URI.create("http://127.0.0.1:" + port(query));

        try (KafkaProducer<String, String> producer = broker.documentProducer()) {
            for (Map.Entry<String, String> e : CORPUS.entrySet()) {
                producer.send(new ProducerRecord<>(KafkaBroker.DOCUMENTS, e.getKey(), JSON.writeValueAsString(
                        Map.of("id", e.getKey(), "title", e.getKey(), "text", e.getValue()))));
            }
        }
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stopPipeline() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    static JsonNode get(URI uri) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static String firstHit(String q) throws Exception {
        JsonNode result = get(queryService.resolve("/v1/search?k=3&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)));
        return result.path("hits").path(0).path("id").asString();
    }

    @Test
    void documentsWithTermIdsAboveBertsVocabularyAreIndexedAndFound() throws Exception {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .untilAsserted(() -> {
                    JsonNode df = get(indexService.resolve("/v1/shards/0/document-frequencies?size=" + VOCABULARY));
                    assertThat(df.path("documents").asInt()).isEqualTo(CORPUS.size());
                    assertThat(df.path("df").path(VOLCANO).asInt()).as("documents holding term 'volcano'")
                            .isEqualTo(1);
                });
        Map<String, String> queries = Map.of(
                "volcano", "magma eruption tremors",
                "sourdough", "wild yeast bread",
                "chess", "alpha-beta pruning chess",
                "beekeeping", "honey hives varroa",
                "telescope", "telescope mirror astronomy",
                "glacier", "glacier ice cores meltwater");
        for (Map.Entry<String, String> e : queries.entrySet()) {
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(
                    () -> assertThat(firstHit(e.getValue())).as(e.getValue()).isEqualTo(e.getKey()));
        }
    }
}
