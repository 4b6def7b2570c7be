package io.streamsparse.tools.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --kafka-config}: TLS/SASL settings from a file reach the producer's and the admin client's configs. */
class KafkaClientConfigTest {

    static final String SECURED = """
            security.protocol=SASL_SSL
            sasl.mechanism=SCRAM-SHA-512
            sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\
                username="ingest" password="secret";
            ssl.truststore.location=/etc/kafka/truststore.p12
            ssl.truststore.type=PKCS12
            """;

    @TempDir
    Path dir;

    @Test
    void securitySettingsReachTheProducerAndAdminConfigs() throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), SECURED);
        IngestCommand.Options options = IngestCommand.Options.parse(new String[] {"--bootstrap-servers",
            "kafka-0.example:9093", "--kafka-config", file.toString()});
        Properties producer = IngestCommand.producerConfig(options, 1_000_000, 1_048_588);
        // the command passes its serializers to the producer's constructor, not in the config
        producer.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        producer.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        // Kafka's own parsing accepts them (a wrong protocol or mechanism name would throw here)
        ProducerConfig parsed = new ProducerConfig(producer);
        assertEquals("SASL_SSL", parsed.getString("security.protocol"));
        assertEquals("SCRAM-SHA-512", parsed.getString("sasl.mechanism"));
        assertEquals("/etc/kafka/truststore.p12", parsed.getString("ssl.truststore.location"));
        assertTrue(parsed.getPassword("sasl.jaas.config").value().contains("username=\"ingest\""));
        assertEquals("kafka-0.example:9093", parsed.getList("bootstrap.servers").get(0));
        assertEquals("-1", parsed.getString("acks"), "the command's own defaults stay (acks=all)");

        Properties admin = KafkaClientConfig.apply(new Properties(), options.kafkaConfig(), options.bootstrapServers());
        assertEquals("SASL_SSL", new AdminClientConfig(admin).getString("security.protocol"));
    }

    @Test
    void anUnreadableFileIsAUsageError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IngestCommand.Options.parse(
                new String[] {"--kafka-config", dir.resolve("missing.properties").toString()}));
        assertTrue(e.getMessage().startsWith("--kafka-config: cannot read"), e.getMessage());
        assertEquals(2, CreateTopicsCommand.run(new String[] {"--kafka-config",
            dir.resolve("missing.properties").toString()}, System.out, System.err));
    }
}
