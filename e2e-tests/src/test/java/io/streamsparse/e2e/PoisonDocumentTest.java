package io.streamsparse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.core.vector.SparseVectorCodec;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Poison documents on a real broker through the real encoder service (the bundled model): whatever a producer
 * writes to {@code documents}, every valid document among it is encoded exactly once, every bad one gets exactly one
 * dead letter with a reason (or, when even a bounded letter cannot be written, is skipped and counted), and no
 * record stalls its partition. One broker, one encoder, one index service (both shards) and the query service serve
 * all cases; each case writes to partition 0 of {@code documents} so that its bad records share batches (and
 * transactions) with the valid ones. After all cases every valid document is searchable through the query service
 * and every service is ready.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoisonDocumentTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String GROUP = "encoder-service";
    static final String TRUNCATED = "streamsparse-dlt-value";

    static final HttpClient HTTP = HttpClient.newHttpClient();

    static KafkaBroker broker;
    static ConfigurableApplicationContext encoder;
    static ConfigurableApplicationContext index;
    static ConfigurableApplicationContext query;
    /** Every valid document sent (id → text), and the ids of the dirty ones that must be indexed cleaned. */
    static final Map<String, String> validSent = new java.util.LinkedHashMap<>();
    static MeterRegistry metrics;
    static KafkaProducer<byte[], byte[]> producer;
    static int sent;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.start();
        broker.createTopics(2);
        encoder = EncoderServiceApplication.builder().run("--spring.kafka.bootstrap-servers="
                + broker.bootstrapServers(), "--server.port=0", "--streamsparse.encoder.intra-op-threads=1");
        metrics = encoder.getBean(MeterRegistry.class);
        index = IndexServiceApplication.builder().run("--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--server.port=0", "--streamsparse.index.partitions=0,1",
                "--streamsparse.index.snapshot-dir=" + Files.createTempDirectory("poison-snapshots"));
        query = QueryServiceApplication.builder().run("--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--server.port=0", "--streamsparse.query.index-urls=" + base(index),
                "--streamsparse.query.discovery-interval=200ms");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // a producer that compresses and allows large requests: the broker checks the compressed batch only
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
        producer = new KafkaProducer<>(props);
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        for (ConfigurableApplicationContext service : new ConfigurableApplicationContext[] {query, index, encoder}) {
            if (service != null) {
                service.close();
            }
        }
        if (broker != null) {
            broker.close();
        }
    }

    static URI base(ConfigurableApplicationContext service) {
        return URI.create("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] document(String id, String title, String text) {
        return utf8(JSON.writeValueAsString(Map.of("id", id, "title", title, "text", text)));
    }

    /** Valid documents with distinct words, {@code prefix-0..n-1}. */
    static Map<String, byte[]> validDocuments(String prefix, int n) {
        String[] words = ("volcano glacier telescope violin bicycle database chess honey sourdough knitting"
                + " lighthouse compiler harbour turbine museum opera").split(" ");
        Map<String, byte[]> docs = new java.util.LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String id = prefix + "-" + i;
            String text = words[i % words.length] + " notes number " + i + " of the " + prefix + " batch about "
                    + words[(i * 7 + 3) % words.length] + " and " + words[(i * 5 + 1) % words.length];
            docs.put(id, document(id, "Document " + i, text));
            validSent.put(id, text);
        }
        return docs;
    }

    /** A 2 MB document that lz4 shrinks to a few KB: it passes the broker (1 MB limit on the compressed batch). */
    static byte[] twoMegabyteDocument(String id) {
        return document(id, "Huge", "lorem ipsum dolor sit amet ".repeat(2 * 1024 * 1024 / 27 + 1));
    }

    /** Sends valid and bad records to partition 0, interleaved: a bad one after every {@code every} valid ones. */
    static void sendInterleaved(Map<String, byte[]> valid, List<byte[][]> bad) throws Exception {
        List<byte[][]> all = new ArrayList<>();
        valid.forEach((id, value) -> all.add(new byte[][] {utf8(id), value}));
        int step = Math.max(1, all.size() / (bad.size() + 1));
        for (int i = 0; i < bad.size(); i++) {
            all.add(Math.min(all.size(), (i + 1) * step + i), bad.get(i));
        }
        // sent together (one producer batch, one poll of the encoder): bad and valid records share a transaction
        List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
        for (byte[][] kv : all) {
            acks.add(producer.send(new ProducerRecord<>(KafkaBroker.DOCUMENTS, 0, kv[0], kv[1])));
        }
        producer.flush();
        for (java.util.concurrent.Future<?> ack : acks) {
            ack.get(30, TimeUnit.SECONDS);
            sent++;
        }
    }

    /** Every record of {@code topic} that a read_committed reader sees, from the beginning to the current end. */
    static List<ConsumerRecord<byte[], byte[]>> readCommitted(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s", topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /** Input records the encoder's group has committed, over all partitions of documents. */
    static long committedInputs() throws Exception {
        return broker.committedOffsets(GROUP, KafkaBroker.DOCUMENTS);
    }

    static void setDeadLetterTopicMaxMessageBytes(String value) throws Exception {
        broker.setTopicConfig(KafkaBroker.DOCUMENTS_DLT, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, value);
    }

    /** Waits until the encoder has committed every record sent so far: nothing stalls a partition. */
    static void awaitAllCommitted() {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> committedInputs() == sent);
    }

    static double counter(String name) {
        var c = metrics.find(name).counter();
        return c == null ? 0 : c.count();
    }

    /** Committed vector records per id (decoded: each must be a valid vector record). */
    static Map<String, Integer> committedVectors() {
        Map<String, Integer> count = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(KafkaBroker.VECTORS)) {
            if (r.value() != null) {
                SparseVectorCodec.decodeDocument(r.value());
            }
            count.merge(new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
        return count;
    }

    static Map<String, List<ConsumerRecord<byte[], byte[]>>> deadLetters() {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> byKey = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(KafkaBroker.DOCUMENTS_DLT)) {
            byKey.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(r);
        }
        return byKey;
    }

    static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void aCompressedTwoMegabyteDocumentGetsOneBoundedDeadLetterAndStallsNothing() throws Exception {
        Map<String, byte[]> valid = validDocuments("stall", 20);
        byte[] huge = twoMegabyteDocument("stall-huge");
        sendInterleaved(valid, List.<byte[][]>of(new byte[][] {utf8("stall-huge"), huge}));
        awaitAllCommitted();

        Map<String, Integer> vectors = committedVectors();
        valid.keySet().forEach(id -> assertThat(vectors.get(id)).as("committed vectors of %s", id).isEqualTo(1));
        assertThat(vectors).doesNotContainKey("stall-huge");
        List<ConsumerRecord<byte[], byte[]>> letters = deadLetters().get("stall-huge");
        assertThat(letters).as("dead letters of the 2 MB document").hasSize(1);
        ConsumerRecord<byte[], byte[]> letter = letters.get(0);
        assertThat(header(letter, "kafka_dlt-exception-message")).contains("bytes exceeds");
        assertThat(header(letter, TRUNCATED)).isEqualTo("truncated");
        assertThat(header(letter, "streamsparse-dlt-original-value-bytes")).isEqualTo(Integer.toString(huge.length));
        assertThat(letter.value().length).isLessThan(1024 * 1024);
        assertThat(counter("streamsparse.encoder.transaction.rollbacks")).as("rolled-back transactions").isZero();
    }

    @Test
    @Order(2)
    void whenNoDeadLetterCanBeWrittenTheRecordIsSkippedAfterTwoRollbacks() throws Exception {
        // the dead-letter topic now refuses any letter, even one without a value (~400 bytes of headers), while
        // the transaction markers the broker writes to it (~80 bytes) still fit
        setDeadLetterTopicMaxMessageBytes("200");
        try {
            double rollbacksBefore = counter("streamsparse.encoder.transaction.rollbacks");
            int lettersBefore = readCommitted(KafkaBroker.DOCUMENTS_DLT).size();
            Map<String, byte[]> valid = validDocuments("refused", 12);
            sendInterleaved(valid, List.<byte[][]>of(new byte[][] {utf8("refused-bad"), utf8("{not json")}));
            awaitAllCommitted();

            Map<String, Integer> vectors = committedVectors();
            valid.keySet().forEach(id -> assertThat(vectors.get(id)).as("committed vectors of %s", id).isEqualTo(1));
            assertThat(counter("streamsparse.encoder.dead.letters.dropped")).isEqualTo(1);
            assertThat(counter("streamsparse.encoder.transaction.rollbacks") - rollbacksBefore)
                    .as("rollbacks: the bounded letter, then the letter without value").isEqualTo(2);
            assertThat(readCommitted(KafkaBroker.DOCUMENTS_DLT)).hasSize(lettersBefore);
            assertThat(counter("streamsparse.encoder.vectors.reused")).as("vectors not encoded again").isPositive();
        } finally {
            setDeadLetterTopicMaxMessageBytes(null);
        }
    }

    /** One poison kind: its key and value, and the reason its dead letter must give (null: it must be encoded). */
    record Poison(String name, byte[] key, byte[] value, String reason) {
    }

    /**
     * The known poison kinds. Records without a key are not among them: the broker itself refuses them on the
     * compacted {@code documents} topic (the parser's "record has no key" covers other topic configurations).
     */
    static List<Poison> poisonKinds() {
        byte[] invalidUtf8Value = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, 0x28, '"', '}'};
        byte[] rawNul = utf8("{\"text\":\"a\u0000b\"}");
        StringBuilder manyFields = new StringBuilder("{\"text\":\"many fields\",\"fields\":{");
        for (int i = 0; i < 10_000; i++) {
            manyFields.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":\"v\"");
        }
        manyFields.append("}}");
        String deep = "{\"text\":\"deep\",\"x\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        List<Poison> kinds = new ArrayList<>(List.of(
                new Poison("malformed JSON", utf8("p-malformed"), utf8("{not json"), "not valid JSON"),
                new Poison("JSON array", utf8("p-array"), utf8("[1,2]"), "must be a JSON object, was array"),
                new Poison("JSON null", utf8("p-null"), utf8("null"), "must be a JSON object"),
                new Poison("empty value", utf8("p-empty"), new byte[0], "JSON"),
                new Poison("text missing", utf8("p-no-text"), utf8("{\"title\":\"x\"}"), "'text' must be a string, was missing"),
                new Poison("text is a number", utf8("p-text-number"), utf8("{\"text\":5}"), "'text' must be a string, was number"),
                new Poison("title is an array", utf8("p-title-array"), utf8("{\"text\":\"x\",\"title\":[1]}"), "'title' must be a string"),
                new Poison("fields is a string", utf8("p-fields-string"), utf8("{\"text\":\"x\",\"fields\":\"a\"}"), "'fields' must be an object"),
                new Poison("field value is a number", utf8("p-field-number"), utf8("{\"text\":\"x\",\"fields\":{\"a\":1}}"), "field 'a' must be a string"),
                new Poison("blank text", utf8("p-blank"), utf8("{\"text\":\"  \\n\\t \"}"), "blank"),
                new Poison("NBSP-only text", utf8("p-nbsp"), utf8("{\"text\":\"\\u00a0\\u00a0\\u00a0\"}"), "blank"),
                new Poison("zero-width-only text", utf8("p-zwsp"), utf8("{\"text\":\"\\u200b\\u200c\\ufeff\\u2060\"}"), "blank"),
                new Poison("control-only text", utf8("p-controls"), utf8("{\"text\":\"\\u0000\\u0007\\u001b\"}"), "blank"),
                new Poison("150,000-char text", utf8("p-150k"), document("p-150k", "Long", "word ".repeat(30_000)), "150000 chars; the limit is 100000"),
                new Poison("1,001-char title", utf8("p-long-title"), document("p-long-title", "t".repeat(1_001), "x"), "'title' has 1001 chars"),
                new Poison("invalid UTF-8 value", utf8("p-utf8-value"), invalidUtf8Value, "not valid UTF-8"),
                new Poison("raw NUL byte in JSON", utf8("p-raw-nul"), rawNul, "not valid JSON"),
                new Poison("id differs from key", utf8("p-id-mismatch"), utf8("{\"id\":\"other\",\"text\":\"x\"}"), "does not match the record key"),
                new Poison("10,000 fields", utf8("p-10k-fields"), utf8(manyFields.toString()), "entries; the limit is 64"),
                new Poison("5,000-deep JSON", utf8("p-deep"), utf8(deep), "not valid JSON"),
                new Poison("1 MiB + 1 value", utf8("p-1mib"), document("p-1mib", "", "y".repeat(1024 * 1024)), "bytes exceeds 1048576"),
                new Poison("2 MB lz4-compressed document", utf8("p-2mb"), twoMegabyteDocument("p-2mb"), "bytes exceeds 1048576"),
                new Poison("invalid UTF-8 key", new byte[] {'p', '-', (byte) 0xFF, (byte) 0xFE}, document("x", "", "text"), "key is not valid UTF-8"),
                new Poison("513-char key", utf8("k".repeat(513)), utf8("{\"text\":\"x\"}"), "key of 513 chars exceeds 512"),
                // accepted, cleaned: these must be encoded
                new Poison("escaped NUL, BEL and ANSI colours in the title", utf8("p-ansi-title"), utf8("{\"title\":\"\\u001b[31mRed\\u0007 alert\\u0000\",\"text\":\"volcano eruption\"}"), null),
                new Poison("emoji-only text", utf8("p-emoji"), utf8("{\"text\":\"\\ud83c\\udf0b\\ud83c\\udf0b\"}"), null)));
        return kinds;
    }

    @Test
    @Order(3)
    void thePoisonMatrix() throws Exception {
        Map<String, byte[]> valid = validDocuments("matrix", 30);
        List<Poison> kinds = poisonKinds();
        List<byte[][]> bad = new ArrayList<>();
        for (Poison p : kinds) {
            bad.add(new byte[][] {p.key(), p.value()});
        }
        int lettersBefore = readCommitted(KafkaBroker.DOCUMENTS_DLT).size();
        sendInterleaved(valid, bad);
        awaitAllCommitted();

        Map<String, Integer> vectors = committedVectors();
        valid.keySet().forEach(id -> assertThat(vectors.get(id)).as("committed vectors of %s", id).isEqualTo(1));
        List<ConsumerRecord<byte[], byte[]>> letters = readCommitted(KafkaBroker.DOCUMENTS_DLT);
        letters = letters.subList(lettersBefore, letters.size());
        StringBuilder table = new StringBuilder("| case | outcome | sent | encoded | dead-lettered |\n| --- | --- | --- | --- | --- |\n");
        int expectedLetters = 0;
        for (Poison p : kinds) {
            List<ConsumerRecord<byte[], byte[]>> mine = letters.stream()
                    .filter(r -> java.util.Arrays.equals(r.key(), p.key() == null ? null
                            : java.util.Arrays.copyOf(p.key(), Math.min(p.key().length, 4_096)))
                            && p.reason() != null && header(r, "kafka_dlt-exception-message").contains(p.reason()))
                    .toList();
            String id = p.key() == null ? null : new String(p.key(), StandardCharsets.UTF_8);
            int encoded = id == null || p.value() == null ? 0 : vectors.getOrDefault(id, 0);
            String outcome;
            if (p.reason() == null) {
                assertThat(encoded).as("%s: encoded", p.name()).isEqualTo(1);
                assertThat(mine).as("%s: no dead letter", p.name()).isEmpty();
                outcome = "encoded (cleaned)";
            } else {
                expectedLetters++;
                assertThat(mine).as("%s: one dead letter whose reason contains '%s'", p.name(), p.reason()).hasSize(1);
                assertThat(encoded).as("%s: not encoded", p.name()).isZero();
                outcome = "dead letter: " + header(mine.get(0), "kafka_dlt-exception-message");
                if (outcome.length() > 110) {
                    outcome = outcome.substring(0, 110) + "…";
                }
            }
            table.append("| ").append(p.name()).append(" | ").append(outcome.replace("|", "\\|")).append(" | 1 | ")
                    .append(encoded).append(" | ").append(mine.size()).append(" |\n");
        }
        table.append("| valid documents among them | encoded | ").append(valid.size()).append(" | ")
                .append(valid.keySet().stream().mapToInt(id -> vectors.getOrDefault(id, 0)).sum()).append(" | 0 |\n");
        System.out.println("[poison matrix]\n" + table);
        assertThat(letters).as("letters in all").hasSize(expectedLetters);
        assertThat(vectors.get("p-ansi-title")).isEqualTo(1);
        for (ConsumerRecord<byte[], byte[]> r : readCommitted(KafkaBroker.VECTORS)) {
            if ("p-ansi-title".equals(new String(r.key(), StandardCharsets.UTF_8))) {
                assertThat(SparseVectorCodec.decodeDocument(r.value()).title()).isEqualTo("Red alert");
            }
        }
    }

    /**
     * After every case: each valid document sent is searchable through the query service (among the top 3 for its
     * own text; the texts of different cases share most words), the index holds exactly the valid and the cleaned
     * documents (no poison record became a document), and every service is ready.
     */
    @Test
    @Order(4)
    void afterwardsEveryValidDocumentIsSearchableAndEveryServiceReady() throws Exception {
        int cleaned = 2; // p-ansi-title, p-emoji
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                .until(() -> indexedDocuments() == validSent.size() + cleaned);
        List<String> notFound = new ArrayList<>();
        for (Map.Entry<String, String> doc : validSent.entrySet()) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base(query).resolve("/v1/search?k=3&mode=exact&q="
                    + URLEncoder.encode(doc.getValue(), StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            JSON.readTree(r.body()).path("hits").forEach(h -> ids.add(h.path("id").asString()));
            if (!ids.contains(doc.getKey())) {
                notFound.add(doc.getKey() + " -> " + ids);
            }
        }
        assertThat(notFound).as("valid documents not among the top 3 for their own text").isEmpty();
        for (ConfigurableApplicationContext service : List.of(encoder, index, query)) {
            HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(base(service)
                    .resolve("/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).as("readiness: %s", ready.body()).isEqualTo(200);
        }
        System.out.println("[poison matrix] searchable afterwards: " + (validSent.size() - notFound.size()) + " of "
                + validSent.size() + " valid documents (+ " + cleaned + " cleaned), index holds " + indexedDocuments());
    }

    /** Live documents over the index service's shards. */
    static long indexedDocuments() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base(index).resolve("/v1/shards")).build(),
                HttpResponse.BodyHandlers.ofString());
        long documents = 0;
        for (JsonNode shard : JSON.readTree(r.body())) {
            documents += shard.path("documents").asLong();
        }
        return documents;
    }
}
