package io.streamsparse.query;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.encoder.EncoderConfig;
import io.streamsparse.encoder.Encoders;
import io.streamsparse.encoder.InferenceFreeQueryEncoder;
import io.streamsparse.encoder.SparseEncoder;
import java.net.http.HttpClient;
import java.time.Duration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

@SpringBootApplication
@ConfigurationPropertiesScan
public class QueryServiceApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /** Reads {@code query-service.yml} (not application.yml) so that the three services can share one classpath. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(QueryServiceApplication.class).properties("spring.config.name=query-service");
    }

    @Bean
    HttpClient shardHttpClient() {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Bean(destroyMethod = "close")
    ShardDirectory shardDirectory(QueryProperties p, HttpClient http, JsonMapper json) {
        return new ShardDirectory(p, http, json);
    }

    @Bean
    ShardFanout shardFanout(ShardDirectory directory, HttpClient http, JsonMapper json, QueryProperties p,
            MeterRegistry registry) {
        return new ShardFanout(directory, http, json, p, new PartialResults(registry));
    }

    /** Queries go through the ONNX model, or inference-free: tokens weighted by the live corpus' IDF. */
    @Bean(destroyMethod = "close")
    SparseEncoder queryEncoder(QueryProperties p, ShardDirectory directory) {
        EncoderConfig config = EncoderConfig.queryDefaults().withModel(p.modelPath(), p.tokenizerPath())
                .withMaxLength(p.maxQueryLength()).withPruning(p.maxQueryTerms(), EncoderConfig.DEFAULT_MIN_WEIGHT)
                .withThreads(1, 1).withWarmup(true);
        SparseEncoder encoder = Encoders.queryEncoder(p.encoder(), config, directory);
        if (encoder instanceof InferenceFreeQueryEncoder inferenceFree) {
            directory.trackFrequencies(inferenceFree.vocabularySize());
        }
        return encoder;
    }
}
