package io.streamsparse.encoderservice;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * {@code streamsparse_dead_letters_total{topic, reason}}: records of the documents topic sent to its dead-letter
 * topic, by reason class. The classes are few and fixed (registered at start, so an alert can watch them before the
 * first dead letter); the full reason stays in the record's {@code kafka_dlt-exception-message} header.
 */
@Component
public final class DeadLetterCounter {

    /** Why a record was dead-lettered. */
    enum ReasonClass {
        /** not a document: no key, not UTF-8 JSON, wrong types, id and key differ */
        INVALID,
        /** a document over a configured limit (record bytes, text, title, fields, id length) */
        LIMIT,
        /** the model could not encode it */
        ENCODER;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Classifies a reason written by {@link io.streamsparse.encoder.DocumentValidator} or the listener. */
        static ReasonClass of(String reason) {
            if (reason.startsWith("encoder failed")) {
                return ENCODER;
            }
            return reason.contains("exceeds") || reason.contains("the limit is") || reason.contains("names must have")
                    ? LIMIT : INVALID;
        }
    }

    private final Map<ReasonClass, Counter> counters = new EnumMap<>(ReasonClass.class);

    public DeadLetterCounter(MeterRegistry registry, EncoderProperties properties) {
        for (ReasonClass reason : ReasonClass.values()) {
            counters.put(reason, Counter.builder("streamsparse.dead.letters").tag("topic", properties.documentsTopic())
                    .tag("reason", reason.tag()).description("Records sent to the dead-letter topic, by reason class")
                    .register(registry));
        }
    }

    void count(String reason) {
        counters.get(ReasonClass.of(reason)).increment();
    }
}
