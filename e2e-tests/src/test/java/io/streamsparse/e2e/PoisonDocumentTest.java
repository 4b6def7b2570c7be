package io.streamsparse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.core.vector.SparseVectorCodec;
import io.streamsparse.encoderservice.EncoderServiceApplication;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Poison documents on a real broker through the real encoder service (the bundled model): whatever a producer
 * writes to {@code documents}, every valid document among it is encoded exactly once, every bad one gets exactly one
 * dead letter with a reason (or, when even a bounded letter cannot be written, is skipped and counted), and no
 * record stalls its partition. One broker and one encoder serve all cases; each case writes to partition 0 of
 * {@code documents} so that its bad records share batches (and transactions) with the valid ones.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoisonDocumentTest {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String GROUP = "encoder-service";
    static final String TRUNCATED = "streamsparse-dlt-value";

    static KafkaBroker broker;
    static ConfigurableApplicationContext encoder;
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
        if (encoder != null) {
            encoder.close();
        }
        if (broker != null) {
            broker.close();
        }
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
            docs.put(id, document(id, "Document " + i, words[i % words.length] + " notes number " + i + " about "
                    + words[(i * 7 + 3) % words.length] + " and " + words[(i * 5 + 1) % words.length]));
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
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            long sum = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet()) {
                if (e.getKey().topic().equals(KafkaBroker.DOCUMENTS) && e.getValue() != null) {
                    sum += e.getValue().offset();
                }
            }
            return sum;
        }
    }

    static void setDeadLetterTopicMaxMessageBytes(String value) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            ConfigResource dlt = new ConfigResource(ConfigResource.Type.TOPIC, KafkaBroker.DOCUMENTS_DLT);
            AlterConfigOp op = value == null
                    ? new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, ""),
                            AlterConfigOp.OpType.DELETE)
                    : new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, value),
                            AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(dlt, List.of(op))).all().get(30, TimeUnit.SECONDS);
        }
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
        // the dead-letter topic now refuses any letter, even one without a value
        setDeadLetterTopicMaxMessageBytes("64");
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
}
