package io.streamsparse.encoderservice;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.stereotype.Component;

/**
 * The encoder's progress per partition of the documents topic as the broker sees it: the consumer group's committed
 * offset against the partition's last stable offset (what a {@code read_committed} reader can reach). A partition
 * whose committed offset has not moved for {@code stall-after} while it has lag is <b>stalled</b>: an encoder stuck
 * in a retry loop keeps polling, looks idle and reads no lag of its own, but commits nothing. This turns the health
 * indicator {@code partitionProgress} DOWN (in the readiness group) and shows in the gauges:
 * <ul>
 *   <li>{@code streamsparse_encoder_consumer_lag{partition}}: last stable offset − committed offset;</li>
 *   <li>{@code streamsparse_encoder_committed_offset{partition}};</li>
 *   <li>{@code streamsparse_encoder_stalled_seconds{partition}}: time the committed offset has not moved while the
 *       partition had lag (0 when it moves or has no lag).</li>
 * </ul>
 * A healthy encoder commits after every poll, and a poll must finish within {@code max.poll.interval.ms} (5 min),
 * so the default {@code stall-after} of 5 min never flags a slow but working batch.
 */
@Component
public final class PartitionProgress implements HealthIndicator, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionProgress.class);

    /** What was last observed of one partition; replaced as a whole on each observation. */
    record State(long committed, long lag, long lastMoveNanos, long stalledNanos) {
    }

    private final Map<Integer, State> states = new ConcurrentHashMap<>();
    private final MeterRegistry registry;
    private final Duration stallAfter;
    private final String topic;
    private final String group;
    private final KafkaAdmin kafkaAdmin;
    private final ScheduledExecutorService poller;
    private Admin admin;

    public PartitionProgress(KafkaAdmin kafkaAdmin, MeterRegistry registry,
            @Value("${streamsparse.encoder.documents-topic:documents}") String topic,
            @Value("${spring.kafka.consumer.group-id:encoder-service}") String group,
            @Value("${streamsparse.encoder.progress.interval:10s}") Duration interval,
            @Value("${streamsparse.encoder.progress.stall-after:5m}") Duration stallAfter) {
        this.kafkaAdmin = kafkaAdmin;
        this.registry = registry;
        this.topic = topic;
        this.group = group;
        this.stallAfter = stallAfter;
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "encoder-progress");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void poll() {
        try {
            if (admin == null) {
                admin = Admin.create(kafkaAdmin.getConfigurationProperties());
            }
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
            }
            ListOffsetsOptions committedOnly = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
            var ends = admin.listOffsets(latest, committedOnly).all().get(30, TimeUnit.SECONDS);
            var starts = admin.listOffsets(earliest, committedOnly).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            long now = System.nanoTime();
            for (int p = 0; p < partitions; p++) {
                TopicPartition tp = new TopicPartition(topic, p);
                OffsetAndMetadata c = committed.get(tp);
                // nothing committed yet: the group starts at the earliest offset (auto-offset-reset=earliest)
                long position = c != null ? c.offset() : starts.get(tp).offset();
                observe(p, position, ends.get(tp).offset(), now);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            log.debug("Cannot read the progress of group {} on {}: {}", group, topic, e.toString());
        }
    }

    /** Records one observation of partition {@code p}; registers its gauges the first time. */
    void observe(int p, long committed, long end, long nowNanos) {
        long lag = Math.max(0, end - committed);
        State previous = states.get(p);
        long lastMove = previous == null || previous.committed() != committed || lag == 0 ? nowNanos
                : previous.lastMoveNanos();
        states.put(p, new State(committed, lag, lastMove, lag == 0 ? 0 : nowNanos - lastMove));
        if (previous == null) {
            String tag = Integer.toString(p);
            Gauge.builder("streamsparse.encoder.consumer.lag", states, s -> s.get(p).lag()).tag("partition", tag)
                    .description("Records of the documents partition after the group's committed offset, as the"
                            + " broker sees it").register(registry);
            Gauge.builder("streamsparse.encoder.committed.offset", states, s -> s.get(p).committed())
                    .tag("partition", tag).description("The encoder group's committed offset").register(registry);
            Gauge.builder("streamsparse.encoder.stalled", states, s -> s.get(p).stalledNanos() / 1e9)
                    .tag("partition", tag).baseUnit("seconds")
                    .description("Time the committed offset has not moved while the partition had lag")
                    .register(registry);
        }
    }

    @Override
    public Health health() {
        Health.Builder health = Health.up();
        boolean stalled = false;
        for (Map.Entry<Integer, State> e : states.entrySet()) {
            State s = e.getValue();
            if (s.stalledNanos() >= stallAfter.toNanos()) {
                stalled = true;
                health.withDetail("partition-" + e.getKey(), "no commit for " + s.stalledNanos() / 1_000_000_000
                        + " s with " + s.lag() + " records waiting");
            }
        }
        return stalled ? health.down().build() : health.build();
    }

    @Override
    public void close() {
        poller.shutdownNow();
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
