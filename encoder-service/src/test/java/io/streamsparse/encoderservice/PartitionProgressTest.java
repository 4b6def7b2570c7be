package io.streamsparse.encoderservice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.core.KafkaAdmin;

class PartitionProgressTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aPartitionWithLagWhoseCommittedOffsetStopsMovingTurnsHealthDown() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // no broker answers here: the background poll fails quietly; the test feeds observations itself
        KafkaAdmin admin = new KafkaAdmin(Map.of("bootstrap.servers", "127.0.0.1:9", "request.timeout.ms", "1000",
                "default.api.timeout.ms", "1000"));
        try (PartitionProgress progress = new PartitionProgress(admin, registry, "documents", "encoder-service",
                Duration.ofHours(1), Duration.ofSeconds(5))) {
            long t0 = 100 * SECOND;
            progress.observe(0, 10, 10, t0); // caught up
            assertEquals(Status.UP, progress.health().getStatus());
            progress.observe(0, 10, 20, t0 + SECOND); // new records, no commit yet
            assertEquals(Status.UP, progress.health().getStatus());
            assertEquals(1.0, stalled(registry), 1e-9);
            progress.observe(0, 10, 30, t0 + 6 * SECOND); // still nothing committed: stalled 6 s >= 5 s
            assertEquals(Status.DOWN, progress.health().getStatus());
            assertEquals(20.0, registry.get("streamsparse.encoder.consumer.lag").gauge().value());
            progress.observe(0, 25, 30, t0 + 7 * SECOND); // a commit: progress again
            assertEquals(Status.UP, progress.health().getStatus());
            assertEquals(0.0, stalled(registry));
            progress.observe(1, 0, 0, t0 + 7 * SECOND); // an idle partition is never stalled
            progress.observe(1, 0, 0, t0 + 60 * SECOND);
            assertEquals(Status.UP, progress.health().getStatus());
        }
    }

    @Test
    void deadLetterReasonsFallIntoFewClasses() {
        assertEquals(DeadLetterCounter.ReasonClass.INVALID,
                DeadLetterCounter.ReasonClass.of("value is not valid JSON: x"));
        assertEquals(DeadLetterCounter.ReasonClass.LIMIT,
                DeadLetterCounter.ReasonClass.of("value of 9 bytes exceeds 8"));
        assertEquals(DeadLetterCounter.ReasonClass.LIMIT,
                DeadLetterCounter.ReasonClass.of("'text' has 9 chars; the limit is 8"));
        assertEquals(DeadLetterCounter.ReasonClass.ENCODER, DeadLetterCounter.ReasonClass.of("encoder failed: boom"));
    }

    private static double stalled(SimpleMeterRegistry registry) {
        return registry.get("streamsparse.encoder.stalled").tag("partition", "0").gauge().value();
    }
}
