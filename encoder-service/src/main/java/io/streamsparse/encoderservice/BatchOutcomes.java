package io.streamsparse.encoderservice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.kafka.listener.BatchInterceptor;
import org.springframework.stereotype.Component;

/**
 * {@code streamsparse_encoder_batches_total{outcome}}: polls the listener finished ({@code succeeded}) or threw
 * ({@code failed}). The listener runs in a Kafka transaction, so a failed batch is an aborted transaction whose batch
 * the container redelivers: a steady {@code failed} rate with no {@code succeeded} is an encoder stuck retrying.
 * Spring Boot hands this bean to the listener container factory.
 */
@Component
public final class BatchOutcomes implements BatchInterceptor<Object, Object> {

    private final Counter succeeded;
    private final Counter failed;

    public BatchOutcomes(MeterRegistry registry) {
        this.succeeded = outcome(registry, "succeeded");
        this.failed = outcome(registry, "failed");
    }

    private static Counter outcome(MeterRegistry registry, String outcome) {
        return Counter.builder("streamsparse.encoder.batches").tag("outcome", outcome)
                .description("Listener batches (one Kafka transaction each), by outcome; failed = aborted and retried")
                .register(registry);
    }

    @Override
    public ConsumerRecords<Object, Object> intercept(ConsumerRecords<Object, Object> records,
            Consumer<Object, Object> consumer) {
        return records;
    }

    @Override
    public void success(ConsumerRecords<Object, Object> records, Consumer<Object, Object> consumer) {
        succeeded.increment();
    }

    @Override
    public void failure(ConsumerRecords<Object, Object> records, Exception exception,
            Consumer<Object, Object> consumer) {
        failed.increment();
    }
}
