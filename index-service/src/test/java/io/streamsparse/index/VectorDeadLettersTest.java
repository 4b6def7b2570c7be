package io.streamsparse.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.SparseVectorCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One dead letter per rejected vector record on a real (embedded KRaft) broker, while replicas come and go and
 * replay the partitions from the start: the count of {@code sparse-vectors.DLT} grows by exactly one per bad record.
 */
class VectorDeadLettersTest {

    @TempDir
    Path snapshots;

    @Test
    void rejectionMirrorsTheEngine() {
        byte[] ok = SparseVectorCodec.encode(new EncodedDocument("t", "s", Map.of(),
                SparseVector.of(new int[] {5}, new float[] {1f})));
        byte[] outside = SparseVectorCodec.encode(new EncodedDocument("t", "s", Map.of(),
                SparseVector.of(new int[] {40_000}, new float[] {1f})));
        assertThat(VectorDeadLetters.rejection("k", ok, 30522)).isNull();
        assertThat(VectorDeadLetters.rejection("k", null, 30522)).as("a delete").isNull();
        assertThat(VectorDeadLetters.rejection(null, ok, 30522)).contains("no key");
        assertThat(VectorDeadLetters.rejection("k", outside, 30522)).contains("outside the vocabulary of 30522");
        assertThat(VectorDeadLetters.rejection("k", new byte[] {'D', 1, 9}, 30522))
                .startsWith("value is not a SparseVectorCodec document");
    }

    @Test
    void replicasRestartsAndReplaysWriteNoSecondLetter() throws Exception {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 2, "sparse-vectors", "sparse-vectors.DLT");
        broker.brokerProperties(Map.of("auto.create.topics.enable", "false"));
        broker.afterPropertiesSet();
        List<ConfigurableApplicationContext> services = new ArrayList<>();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            int bad = 0;
            for (int p = 0; p < 2; p++) {
                producer.send(new ProducerRecord<>("sparse-vectors", p, "good-" + p, SparseVectorCodec.encode(
                        new EncodedDocument("t", "s", Map.of(), SparseVector.of(new int[] {p}, new float[] {1f})))));
                producer.send(new ProducerRecord<>("sparse-vectors", p, "garbage-" + p, new byte[] {'D', 1, 9}));
                bad++;
            }
            producer.flush();
            ConfigurableApplicationContext first = start(broker, "first");
            services.add(first);
            awaitLetters(broker, bad);

            // a replica joins and replays both partitions from offset 0; the group rebalances
            ConfigurableApplicationContext replica = start(broker, "replica");
            services.add(replica);
            await().atMost(Duration.ofSeconds(60)).until(() -> rejected(replica) >= 2);
            producer.send(new ProducerRecord<>("sparse-vectors", 1, "garbage-late", new byte[] {'X'}));
            producer.flush();
            bad++;
            awaitLetters(broker, bad);

            // the first instance stops, starts again (replaying after its snapshot, or from 0) and another bad record
            first.close();
            services.remove(first);
            ConfigurableApplicationContext again = start(broker, "first");
            services.add(again);
            producer.send(new ProducerRecord<>("sparse-vectors", 0, "garbage-last", new byte[] {'Y'}));
            producer.flush();
            bad++;
            awaitLetters(broker, bad);
            await().atMost(Duration.ofSeconds(60)).until(() -> rejected(again) >= 2);

            Thread.sleep(2_000); // a late duplicate would show up here
            List<ConsumerRecord<String, byte[]>> letters = letters(broker);
            assertThat(letters).hasSize(bad);
            Set<String> coordinates = new HashSet<>();
            for (ConsumerRecord<String, byte[]> letter : letters) {
                String reason = header(letter, "kafka_dlt-exception-message");
                assertThat(reason).doesNotContain("Listener method").doesNotContain("threw exception");
                assertThat(letter.headers().lastHeader("kafka_dlt-exception-stacktrace")).isNull();
                coordinates.add(ByteBuffer.wrap(letter.headers().lastHeader("kafka_dlt-original-partition").value())
                        .getInt() + "@" + ByteBuffer.wrap(letter.headers().lastHeader("kafka_dlt-original-offset")
                                .value()).getLong());
            }
            assertThat(coordinates).as("one letter per source record").hasSize(bad);
        } finally {
            for (ConfigurableApplicationContext s : services) {
                s.close();
            }
            broker.destroy();
        }
    }

    private ConfigurableApplicationContext start(EmbeddedKafkaKraftBroker broker, String name) {
        return IndexServiceApplication.builder().run("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--streamsparse.index.partitions=0,1",
                "--streamsparse.index.snapshot-dir=" + snapshots.resolve(name),
                "--spring.kafka.consumer.properties[heartbeat.interval.ms]=500");
    }

    private static double rejected(ConfigurableApplicationContext service) {
        var c = service.getBean(MeterRegistry.class).find("streamsparse.index.records.rejected").counter();
        return c == null ? 0 : c.count();
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void awaitLetters(EmbeddedKafkaKraftBroker broker, int n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                .until(() -> letters(broker).size() >= n);
    }

    private static List<ConsumerRecord<String, byte[]>> letters(EmbeddedKafkaKraftBroker broker) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> tps = List.of(new TopicPartition("sparse-vectors.DLT", 0),
                    new TopicPartition("sparse-vectors.DLT", 1));
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
