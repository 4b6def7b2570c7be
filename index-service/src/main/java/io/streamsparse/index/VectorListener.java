package io.streamsparse.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.annotation.TopicPartition;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.ConsumerSeekAware;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Applies the owned partitions of {@code sparse-vectors} to their shards in offset order: a loop over
 * {@link PartitionWriter#apply}. Positions come from the shards themselves (the offset each has applied), never from
 * committed group offsets, so a restart replays exactly what the in-memory state lacks; re-applied offsets are no-ops in the engine. A record the engine rejects fails the
 * batch at its index, and the container's error handler dead-letters it and carries on after it.
 */
@Component
public class VectorListener implements ConsumerSeekAware {

    private final Shards shards;
    private final Counter upserts;
    private final Counter deletes;
    private final Timer freshness;

    public VectorListener(Shards shards, MeterRegistry registry) {
        this.shards = shards;
        this.upserts = Counter.builder("streamsparse.index.updates").tag("op", "upsert")
                .description("Updates applied to shard indexes").register(registry);
        this.deletes = Counter.builder("streamsparse.index.updates").tag("op", "delete")
                .description("Updates applied to shard indexes").register(registry);
        this.freshness = Timer.builder("streamsparse.index.freshness")
                .description("From a vector's Kafka timestamp to searchable in its shard")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5)).register(registry);
    }

    @Override
    public void onPartitionsAssigned(Map<org.apache.kafka.common.TopicPartition, Long> assignments,
            ConsumerSeekCallback callback) {
        for (org.apache.kafka.common.TopicPartition tp : assignments.keySet()) {
            long next = shards.writer(tp.partition()).nextOffset();
            if (next > 0) {
                callback.seek(tp.topic(), tp.partition(), next);
            } else {
                callback.seekToBeginning(List.of(tp));
            }
        }
    }

    @KafkaListener(id = "index-service",
            topicPartitions = @TopicPartition(topic = "${streamsparse.index.topic:sparse-vectors}",
                    partitions = "#{@shards.partitionNames()}"),
            batch = "true")
    public void onVectors(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        long started = System.nanoTime();
        for (int i = 0; i < records.size(); i++) {
            ConsumerRecord<String, byte[]> record = records.get(i);
            try {
                PartitionWriter writer = shards.writer(record.partition());
                PartitionWriter.Applied applied = writer.apply(record.offset(), record.key(), record.value());
                if (applied != PartitionWriter.Applied.ALREADY_APPLIED) {
                    (applied == PartitionWriter.Applied.UPSERT ? upserts : deletes).increment();
                    if (writer.isCaughtUp()) {
                        // steady-state freshness; replay after a restart is measured by readiness time instead
                        freshness.record(Math.max(0, System.currentTimeMillis() - record.timestamp()),
                                TimeUnit.MILLISECONDS);
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new BatchListenerFailedException("rejected " + record.topic() + "-" + record.partition()
                        + "@" + record.offset() + ": " + e.getMessage(), e, i);
            }
        }
        shards.afterBatch(consumer, false, System.nanoTime() - started);
    }

    @EventListener(condition = "event.listenerId.startsWith('index-service')")
    public void onIdle(ListenerContainerIdleEvent event) {
        shards.afterBatch(event.getConsumer(), true, 0L);
    }
}
