package io.streamsparse.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.api.http.ApiSecurity;
import io.streamsparse.api.http.BodySizeLimit;
import io.streamsparse.api.http.HttpProblems;
import io.streamsparse.api.http.ProblemErrorReportValve;
import io.streamsparse.api.http.StrictJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

@SpringBootApplication
@ConfigurationPropertiesScan
@Import({HttpProblems.class, ApiSecurity.class})
public class IndexServiceApplication {

    private static final Logger log = LoggerFactory.getLogger(IndexServiceApplication.class);

    public static void main(String[] args) {
        builder().run(args);
    }

    /** Reads {@code index-service.yml} (not application.yml) so that the three services can share one classpath. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(IndexServiceApplication.class).properties("spring.config.name=index-service");
    }

    /** Runs a sampled share of approximate searches again in exact mode and publishes the recall estimate. */
    @Bean(destroyMethod = "close")
    RecallEstimator recallEstimator(RecallEstimateProperties properties, MeterRegistry registry) {
        return RecallEstimator.start(properties, registry);
    }

    /** Tomcat's own error answers (oversized headers, an encoded slash in the path) as problem details, not HTML. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorPages() {
        return ProblemErrorReportValve.install();
    }

    /** Request bodies bind strictly: no coercion of 100.7 or "100" to a term id, no unknown fields. */
    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return StrictJson::configure;
    }

    @Bean
    BodySizeLimit bodySizeLimit(IndexProperties properties) {
        return new BodySizeLimit(properties.maxBodyBytes(), "streamsparse.index.max-body-bytes");
    }

    /**
     * The indexing listener's error handler. A record the engine rejects ({@code IllegalArgumentException}) is
     * skipped and counted, without a log line of its own: every replica and every replay meets it again, so its one
     * dead letter is written by {@link VectorDeadLetters}, not here. Other failures (not expected: a bug, not the
     * record) are retried a few times, then dead-lettered here ({@code streamsparse_dead_letters_total{reason="error"}}).
     */
    @Bean
    CommonErrorHandler vectorErrorHandler(KafkaOperations<Object, Object> template, DeadLetterCounter deadLetters,
            MeterRegistry registry) {
        DeadLetterPublishingRecoverer errors = new VectorDeadLetters.Recoverer(template, deadLetters, false, registry);
        Counter rejected = Counter.builder("streamsparse.index.records.rejected")
                .description("Vector records the engine rejected and skipped while indexing").register(registry);
        DefaultErrorHandler handler = new DefaultErrorHandler((record, error) -> {
            Throwable cause = VectorDeadLetters.Recoverer.rejectionIn(error);
            if (cause instanceof IllegalArgumentException) {
                rejected.increment();
                log.debug("Skipped {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), cause.getMessage());
            } else {
                errors.accept(record, error);
            }
        }, new FixedBackOff(500L, 3L));
        handler.addNotRetryableExceptions(IllegalArgumentException.class);
        handler.setLogLevel(KafkaException.Level.DEBUG);
        return handler;
    }

    /** Writes {@code <topic>.DLT} for {@link VectorDeadLetters} (any partition). */
    @Bean
    DeadLetterPublishingRecoverer vectorDeadLetterRecoverer(KafkaOperations<Object, Object> template,
            DeadLetterCounter deadLetters, MeterRegistry registry) {
        return new VectorDeadLetters.Recoverer(template, deadLetters, true, registry);
    }

    /**
     * The container of {@link VectorDeadLetters}: a rejected record goes to the recoverer at once (no retries: the
     * check is deterministic) and its offset is committed right after, so the next owner of the partition starts
     * after it.
     */
    @Bean
    @SuppressWarnings({"unchecked", "rawtypes"})
    ConcurrentKafkaListenerContainerFactory<Object, Object> deadLetterListenerFactory(
            ConsumerFactory<?, ?> consumerFactory, DeadLetterPublishingRecoverer vectorDeadLetterRecoverer) {
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        factory.setConsumerFactory((ConsumerFactory) consumerFactory);
        DefaultErrorHandler handler = new DefaultErrorHandler(vectorDeadLetterRecoverer, new FixedBackOff(0L, 0L));
        handler.setCommitRecovered(true);
        handler.setLogLevel(KafkaException.Level.DEBUG);
        factory.setCommonErrorHandler(handler);
        return factory;
    }
}
