package io.streamsparse.encoderservice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.encoder.Bm25DocumentEncoder;
import io.streamsparse.encoder.Bm25Parameters;
import io.streamsparse.encoder.DocumentValidator;
import io.streamsparse.encoder.EncoderConfig;
import io.streamsparse.encoder.Encoders;
import io.streamsparse.encoder.OnnxSparseEncoder;
import io.streamsparse.encoder.SparseEncoder;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.AfterRollbackProcessor;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.DefaultAfterRollbackProcessor;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.util.backoff.ExponentialBackOff;

// The encoder serves no API beyond actuator. Spring Security reaches its classpath where the three services share one
// (the e2e tests): its defaults would put Basic auth in front of the probes and /actuator/prometheus.
@SpringBootApplication(excludeName = {
        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration"})
@ConfigurationPropertiesScan
public class EncoderServiceApplication {

    private static final Logger log = LoggerFactory.getLogger(EncoderServiceApplication.class);

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
                .withPruning(p.maxTerms(), p.minWeight()).withThreads(p.intraOpThreads(), p.sessions())
                .withMaxBatchSize(p.maxBatchSize()).withWarmup(true));
        FunctionCounter.builder("streamsparse.encoder.truncated", encoder, OnnxSparseEncoder::truncatedTexts)
                .description("Inputs longer than max-length tokens, truncated before inference").register(registry);
        return encoder;
    }

    /**
     * The lexical (BM25) document encoder of hybrid retrieval, over the same tokenizer and token limit as the model
     * (used only while {@code lexical-vectors} is true).
     */
    @Bean(destroyMethod = "close")
    Bm25DocumentEncoder lexicalEncoder(EncoderProperties p) {
        return Bm25DocumentEncoder.open(EncoderConfig.documentDefaults().withModel(p.modelPath(), p.tokenizerPath())
                .withMaxLength(p.maxLength()), Bm25Parameters.DEFAULTS);
    }

    @Bean
    DocumentValidator documentValidator(EncoderProperties p) {
        return new DocumentValidator(p.maxDocumentChars(), p.maxRecordBytes());
    }

    /**
     * Dead letters stay below the producer's {@code max.request.size} (default 1 MiB), which the producer checks on
     * the uncompressed record: a letter it refused would fail the whole transaction.
     */
    @Bean
    DeadLetters deadLetters(EncoderProperties p, KafkaProperties kafka) {
        Object configured = kafka.buildProducerProperties().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        int maxRequest = configured == null ? 1024 * 1024 : Integer.parseInt(configured.toString());
        int maxBytes = Math.min(p.deadLetterMaxBytes(), maxRequest - 4096);
        return new DeadLetters(p.deadLetterTopic(), maxBytes);
    }

    /**
     * After a failed transaction the container seeks back and delivers the batch again. Spring's default retries at
     * once, forever; this paces the retries (0.5 s doubling to 30 s, for as long as the cause lasts: a broker
     * outage must not lose the batch) and counts and logs each rollback once. A cause that comes with a record
     * cannot repeat forever: see {@link DocumentListener} (dead letters degrade per delivery).
     */
    @Bean
    AfterRollbackProcessor<Object, Object> pacedRollbacks(MeterRegistry registry) {
        ExponentialBackOff backOff = new ExponentialBackOff(500L, 2.0);
        backOff.setMaxInterval(30_000L);
        Counter rollbacks = Counter.builder("streamsparse.encoder.transaction.rollbacks")
                .description("Batches whose transaction failed and was rolled back (delivered again)")
                .register(registry);
        return new DefaultAfterRollbackProcessor<>(backOff) {
            @Override
            public void processBatch(ConsumerRecords<Object, Object> records,
                    List<ConsumerRecord<Object, Object>> recordList, Consumer<Object, Object> consumer,
                    MessageListenerContainer container, Exception exception, boolean recoverable,
                    ContainerProperties.EOSMode eosMode) {
                rollbacks.increment();
                Throwable cause = exception;
                while (cause.getCause() != null && cause.getCause() != cause) {
                    cause = cause.getCause();
                }
                log.warn("Transaction of a batch of {} records rolled back ({}); delivering it again", records.count(),
                        cause.toString());
                super.processBatch(records, recordList, consumer, container, exception, recoverable, eosMode);
            }
        };
    }
}
