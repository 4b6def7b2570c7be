package io.streamsparse.tools.ingest;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * {@code --kafka-config FILE}: Kafka client settings in Java properties syntax, like the {@code --command-config}
 * of Kafka's own tools, for what a secured cluster needs ({@code security.protocol}, {@code ssl.*},
 * {@code sasl.*}; see docs/RELIABILITY.md, "Kafka over TLS and SASL"). They are applied over the commands' own
 * defaults, so any client setting can be given; {@code --bootstrap-servers} still names the brokers.
 */
final class KafkaClientConfig {

    static final String OPTION = "kafka-config";

    private KafkaClientConfig() {
    }

    /** The settings of {@code file}; empty when {@code file} is null. */
    static Properties load(String file) {
        Properties settings = new Properties();
        if (file == null) {
            return settings;
        }
        try (Reader in = Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8)) {
            settings.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("--" + OPTION + ": cannot read " + file + ": " + e.getMessage());
        }
        return settings;
    }

    /** {@code defaults} with {@code settings} applied over them, the brokers from {@code bootstrapServers}. */
    static Properties apply(Properties defaults, Properties settings, String bootstrapServers) {
        Properties merged = new Properties();
        merged.putAll(defaults);
        merged.putAll(settings);
        merged.put("bootstrap.servers", bootstrapServers);
        return merged;
    }
}
