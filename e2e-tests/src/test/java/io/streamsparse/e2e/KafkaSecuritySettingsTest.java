package io.streamsparse.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.RandomValuePropertySource;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.ProducerFactory;

/**
 * Kafka TLS and SASL settings given the documented way (docs/RELIABILITY.md, "Kafka over TLS and SASL":
 * {@code spring.kafka.security.protocol}, {@code spring.kafka.ssl.*}, {@code spring.kafka.properties.sasl.*}, or
 * their environment variables) reach every Kafka client the services make: the consumers and producers of the
 * encoder and index services and the admin client the query service asks for the shard count. Each service's own
 * configuration file is loaded, so a setting in it that overrode them would fail this test. (The tools CLI:
 * {@code KafkaClientConfigTest}.)
 */
class KafkaSecuritySettingsTest {

    static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"streamsparse\" password=\"secret\";";

    @TempDir
    static Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"encoder-service.yml", "index-service.yml", "query-service.yml"})
    void tlsAndSaslSettingsReachEveryClient(String serviceConfig) throws Exception {
        Path truststore = Files.write(dir.resolve("truststore.p12"), new byte[] {0});
        List<PropertySource<?>> yaml = new YamlPropertySourceLoader().load(serviceConfig,
                new ClassPathResource(serviceConfig));
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class))
                .withInitializer(context -> {
                    RandomValuePropertySource.addToEnvironment(context.getEnvironment());
                    yaml.forEach(context.getEnvironment().getPropertySources()::addLast);
                })
                .withPropertyValues(
                        "spring.kafka.security.protocol=SASL_SSL",
                        "spring.kafka.ssl.trust-store-location=file:" + truststore,
                        "spring.kafka.ssl.trust-store-type=PKCS12",
                        "spring.kafka.ssl.trust-store-password=changeit",
                        "spring.kafka.properties.sasl.mechanism=SCRAM-SHA-512",
                        "spring.kafka.properties.sasl.jaas.config=" + JAAS)
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    Map<String, Object> consumer = context.getBean(ConsumerFactory.class).getConfigurationProperties();
                    Map<String, Object> producer = context.getBean(ProducerFactory.class).getConfigurationProperties();
                    Map<String, Object> admin = context.getBean(KafkaAdmin.class).getConfigurationProperties();
                    for (Map<String, Object> config : List.of(consumer, producer, admin)) {
                        assertThat(config).containsEntry("security.protocol", "SASL_SSL")
                                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                                .containsEntry("sasl.jaas.config", JAAS)
                                .containsEntry("ssl.truststore.location", truststore.toString())
                                .containsEntry("ssl.truststore.type", "PKCS12");
                    }
                    // and Kafka's own config parsing takes them
                    new ConsumerConfig(withoutSerdeClasses(consumer));
                    new ProducerConfig(withoutSerdeClasses(producer));
                    new AdminClientConfig(admin);
                });
    }

    /** Kafka's config classes require (de)serializers; the services set theirs in their YAML, not all of them. */
    private static Map<String, Object> withoutSerdeClasses(Map<String, Object> config) {
        Map<String, Object> copy = new java.util.HashMap<>(config);
        copy.putIfAbsent("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        copy.putIfAbsent("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        copy.putIfAbsent("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        copy.putIfAbsent("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        return copy;
    }
}
