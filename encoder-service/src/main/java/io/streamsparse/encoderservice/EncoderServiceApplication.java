package io.streamsparse.encoderservice;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.encoder.EncoderConfig;
import io.streamsparse.encoder.Encoders;
import io.streamsparse.encoder.OnnxSparseEncoder;
import io.streamsparse.encoder.SparseEncoder;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.json.JsonMapper;

@SpringBootApplication
@ConfigurationPropertiesScan
public class EncoderServiceApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /** Reads {@code encoder-service.yml} (not application.yml) so that the three services can share one classpath. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(EncoderServiceApplication.class).properties("spring.config.name=encoder-service");
    }

    /** The document encoder: the bundled model unless model and tokenizer paths are configured; warmed up here. */
    @Bean(destroyMethod = "close")
    SparseEncoder documentEncoder(EncoderProperties p, MeterRegistry registry) {
        OnnxSparseEncoder encoder = Encoders.documentEncoder(EncoderConfig.documentDefaults()
                .withModel(p.modelPath(), p.tokenizerPath()).withMaxLength(p.maxLength())
                .withPruning(p.maxTerms(), p.minWeight()).withThreads(p.intraOpThreads(), 1)
                .withMaxBatchSize(p.maxBatchSize()).withWarmup(true));
        FunctionCounter.builder("streamsparse.encoder.truncated", encoder, OnnxSparseEncoder::truncatedTexts)
                .description("Inputs longer than max-length tokens, truncated before inference").register(registry);
        return encoder;
    }

    @Bean
    DocumentParser documentParser(EncoderProperties p, JsonMapper json) {
        return new DocumentParser(json, p.maxDocumentChars(), p.maxRecordBytes());
    }
}
