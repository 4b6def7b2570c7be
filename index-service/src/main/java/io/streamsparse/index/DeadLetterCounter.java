package io.streamsparse.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * {@code streamsparse_dead_letters_total{topic, reason}} for the vectors topic: records the index sent to
 * {@code <topic>.DLT}, by reason class: {@code invalid} (the engine rejects the record: undecodable bytes, bad term
 * ids) or {@code error} (anything else, after its retries). Both classes are registered at start, so alerts see them
 * before the first dead letter; the full reason stays in the record's {@code kafka_dlt-exception-message} header.
 */
@Component
public final class DeadLetterCounter {

    private final Counter invalid;
    private final Counter error;

    public DeadLetterCounter(MeterRegistry registry, IndexProperties properties) {
        this.invalid = reason(registry, properties.topic(), "invalid");
        this.error = reason(registry, properties.topic(), "error");
    }

    private static Counter reason(MeterRegistry registry, String topic, String reason) {
        return Counter.builder("streamsparse.dead.letters").tag("topic", topic).tag("reason", reason)
                .description("Records sent to the dead-letter topic, by reason class").register(registry);
    }

    void count(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                invalid.increment();
                return;
            }
        }
        error.increment();
    }
}
