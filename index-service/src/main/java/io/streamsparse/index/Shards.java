package io.streamsparse.index;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardIndex;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.stereotype.Component;

/**
 * The shard indexes this instance owns, one per owned partition, and whether each has caught up with the end of
 * its partition as seen at start. The instance refuses traffic (Spring Boot readiness) until every shard has.
 */
@Component("shards")
public class Shards {

    private static final Logger log = LoggerFactory.getLogger(Shards.class);

    private final IndexProperties properties;
    private final ApplicationEventPublisher events;
    private final Map<Integer, ShardIndex> byId = new TreeMap<>();
    private final Map<Integer, Long> catchUpTargets = new TreeMap<>();
    private final Set<Integer> caughtUp = ConcurrentHashMap.newKeySet();
    private volatile boolean ready;

    public Shards(IndexProperties properties, ConsumerFactory<?, ?> consumerFactory, ApplicationEventPublisher events,
            MeterRegistry registry) {
        this.properties = properties;
        this.events = events;
        for (int p : properties.partitions()) {
            ShardIndex index = new ShardIndex(IndexConfig.defaults());
            byId.put(p, index);
            String shard = Integer.toString(p);
            Gauge.builder("streamsparse.index.documents", index, ShardIndex::liveDocuments)
                    .tag("shard", shard).description("Live documents in the shard").register(registry);
            Gauge.builder("streamsparse.index.postings", index, i -> i.stats().forwardPostings())
                    .tag("shard", shard).description("Postings (term, weight entries) of the shard's live documents").register(registry);
            Gauge.builder("streamsparse.index.memory", index, i -> i.stats().approxMemoryBytes())
                    .tag("shard", shard).baseUnit("bytes").description("Approximate heap held by the shard index")
                    .register(registry);
            Gauge.builder("streamsparse.index.applied.offset", index, ShardIndex::appliedOffset)
                    .tag("shard", shard).description("Last partition offset applied to the shard").register(registry);
        }
        List<TopicPartition> partitions = topicPartitions();
        try (Consumer<?, ?> consumer = consumerFactory.createConsumer("index-catch-up", "probe")) {
            consumer.endOffsets(partitions).forEach((tp, end) -> catchUpTargets.put(tp.partition(), end));
        }
        log.info("Shards {} must catch up to end offsets {} before accepting traffic", byId.keySet(), catchUpTargets);
    }

    public List<TopicPartition> topicPartitions() {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p : byId.keySet()) {
            tps.add(new TopicPartition(properties.topic(), p));
        }
        return tps;
    }

    /** For the listener's partition assignment (SpEL: {@code #{@shards.partitionNames()}}). */
    public String[] partitionNames() {
        return byId.keySet().stream().map(String::valueOf).toArray(String[]::new);
    }

    /** The owned shard, or {@link UnknownShardException}. */
    public ShardIndex shard(int id) {
        ShardIndex index = byId.get(id);
        if (index == null) {
            throw new UnknownShardException(id, byId.keySet());
        }
        return index;
    }

    public Map<Integer, ShardIndex> all() {
        return Collections.unmodifiableMap(byId);
    }

    public boolean isCaughtUp(int shard) {
        return caughtUp.contains(shard);
    }

    public boolean isReady() {
        return ready;
    }

    /** Called on the consumer thread after each batch and when idle: compares positions with the start targets. */
    void checkCaughtUp(Consumer<?, ?> consumer) {
        if (ready) {
            return;
        }
        for (TopicPartition tp : consumer.assignment()) {
            if (!caughtUp.contains(tp.partition())
                    && consumer.position(tp) >= catchUpTargets.getOrDefault(tp.partition(), 0L)) {
                caughtUp.add(tp.partition());
                log.info("Shard {} caught up at offset {}", tp.partition(), shard(tp.partition()).appliedOffset());
            }
        }
        if (caughtUp.containsAll(byId.keySet())) {
            ready = true;
            AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

    /** Boot declares readiness once started; keep refusing traffic until the shards have caught up. */
    @EventListener
    void onReadinessChange(AvailabilityChangeEvent<ReadinessState> event) {
        if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC && !ready) {
            AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        }
    }

    /** A request named a shard this instance does not own. */
    public static final class UnknownShardException extends RuntimeException {
        UnknownShardException(int shard, Set<Integer> owned) {
            super("shard " + shard + " is not served here; this instance owns " + owned);
        }
    }
}
