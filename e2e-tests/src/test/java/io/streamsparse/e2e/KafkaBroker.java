package io.streamsparse.e2e;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A real Kafka broker for the pipeline tests: Testcontainers' KafkaContainer where a Docker engine answers (users'
 * machines), otherwise an in-process KRaft broker from spring-kafka-test (CI and these machines have no Docker).
 * Both are the real broker code; neither is a mock. Topics are created the way operators create them.
 */
final class KafkaBroker implements AutoCloseable {

    static final String DOCUMENTS = "documents";
    static final String VECTORS = "sparse-vectors";
    static final String DOCUMENTS_DLT = "documents.DLT";
    static final String VECTORS_DLT = "sparse-vectors.DLT";

    private final EmbeddedKafkaKraftBroker embedded;
    private final KafkaContainer container;
    private final String bootstrapServers;

    private KafkaBroker(EmbeddedKafkaKraftBroker embedded, KafkaContainer container) {
        this.embedded = embedded;
        this.container = container;
        this.bootstrapServers = embedded != null ? embedded.getBrokersAsString() : container.getBootstrapServers();
    }

    static KafkaBroker start() {
        if (dockerAvailable()) {
            KafkaContainer container = new KafkaContainer("apache/kafka:4.1.2")
                    .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
            container.start();
            return new KafkaBroker(null, container);
        }
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of(
                "auto.create.topics.enable", "false",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "offsets.topic.replication.factor", "1"));
        broker.afterPropertiesSet();
        return new KafkaBroker(broker, null);
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** A producer of JSON documents as users write them to the documents topic (string key and value, acks=all). */
    KafkaProducer<String, String> documentProducer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props);
    }

    String kind() {
        return embedded != null ? "embedded KRaft broker" : "Testcontainers KafkaContainer";
    }

    /** The pipeline's topics: compacted documents and vectors with {@code partitions} partitions, plain DLTs. */
    void createTopics(int partitions) throws Exception {
        try (Admin admin = admin()) {
            Map<String, String> compacted = Map.of("cleanup.policy", "compact");
            admin.createTopics(List.of(
                    new NewTopic(DOCUMENTS, partitions, (short) 1).configs(compacted),
                    new NewTopic(VECTORS, partitions, (short) 1).configs(compacted),
                    new NewTopic(DOCUMENTS_DLT, 1, (short) 1),
                    new NewTopic(VECTORS_DLT, 1, (short) 1))).all().get();
        }
    }

    /** Sets a topic's config {@code key} to {@code value}, or back to the broker's default when null. */
    void setTopicConfig(String topic, String key, String value) throws Exception {
        try (Admin admin = admin()) {
            AlterConfigOp op = new AlterConfigOp(new ConfigEntry(key, value == null ? "" : value),
                    value == null ? AlterConfigOp.OpType.DELETE : AlterConfigOp.OpType.SET);
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(op)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The sum over the partitions of {@code topic} of the offsets consumer group {@code group} has committed. */
    long committedOffsets(String group, String topic) throws Exception {
        try (Admin admin = admin()) {
            long sum = 0;
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet()) {
                if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                    sum += e.getValue().offset();
                }
            }
            return sum;
        }
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.destroy();
        } else {
            container.stop();
        }
    }
}
