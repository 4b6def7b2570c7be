package io.streamsparse.index;

import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.util.backoff.FixedBackOff;

@SpringBootApplication
@ConfigurationPropertiesScan
public class IndexServiceApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /** Reads {@code index-service.yml} (not application.yml) so that the three services can share one classpath. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(IndexServiceApplication.class).properties("spring.config.name=index-service");
    }

    /**
     * A vector record the engine rejects goes to {@code <topic>.DLT} (any partition) with the reason in Spring's
     * {@code kafka_dlt-exception-message} header; transient failures are retried a few times first.
     */
    @Bean
    CommonErrorHandler vectorErrorHandler(KafkaOperations<Object, Object> template, DeadLetterCounter deadLetters) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(template,
                (record, error) -> new TopicPartition(record.topic() + ".DLT", -1));
        DefaultErrorHandler handler = new DefaultErrorHandler((record, error) -> {
            recoverer.accept(record, error);
            deadLetters.count(error);
        }, new FixedBackOff(500L, 3L));
        handler.addNotRetryableExceptions(IllegalArgumentException.class);
        return handler;
    }
}
