package io.streamsparse.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardImage;
import io.streamsparse.core.index.ShardIndex;
import jakarta.annotation.PreDestroy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * The shard indexes this instance owns, one per owned partition: restored from the newest intact snapshot at start,
 * snapshotted by update count and age while running, and ready only once each has caught up with the end of its
 * partition as seen at start (Spring Boot readiness refuses traffic until then).
 *
 * <p>Threading: the Kafka consumer thread is the only writer of every shard ({@link #afterBatch} runs on it and
 * captures snapshot images there); snapshot files are written on one background thread; HTTP threads only read.
 */
@Component("shards")
public class Shards {

    private static final Logger log = LoggerFactory.getLogger(Shards.class);

    /** Deferred re-blocking: upserts stay O(nnz) on the consumer thread; re-blocking runs between polls. */
    /** Lists re-blocked between two checks of the maintenance time budget. */
    static final int MAINTAIN_STEP_LISTS = 4;
    /** Re-blocking budget after a batch however short the batch was, so drifted lists always make progress. */
    static final long MIN_MAINTAIN_NANOS = 1_000_000L;


    /** Mutable per-shard bookkeeping; fields are touched by the consumer thread unless volatile. */
    static final class Shard {
        final int id;
        final ShardIndex index;
        final SnapshotStore store;
        final AtomicBoolean snapshotInFlight = new AtomicBoolean();
        volatile long lastSnapshotMillis;
        volatile long lag = -1;
        volatile boolean caughtUp;
        long updatesSinceSnapshot;

        Shard(int id, ShardIndex index, SnapshotStore store, long lastSnapshotMillis) {
            this.id = id;
            this.index = index;
            this.store = store;
            this.lastSnapshotMillis = lastSnapshotMillis;
        }
    }

    private final IndexProperties properties;
    private final ApplicationEventPublisher events;
    private final Map<Integer, Shard> byId = new TreeMap<>();
    private final Map<Integer, Long> catchUpTargets = new TreeMap<>();
    private final ExecutorService snapshotWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "snapshot-writer");
        t.setDaemon(true);
        return t;
    });
    private final Timer snapshotTimer;
    private final Counter snapshotFailures;
    private volatile boolean ready;

    public Shards(IndexProperties properties, ConsumerFactory<?, ?> consumerFactory, ApplicationEventPublisher events,
            MeterRegistry registry) {
        this.properties = properties;
        this.events = events;
        this.snapshotTimer = Timer.builder("streamsparse.index.snapshot.write").publishPercentileHistogram()
                .description("Writing one shard snapshot durably").register(registry);
        this.snapshotFailures = Counter.builder("streamsparse.index.snapshot.failures")
                .description("Snapshot writes that failed").register(registry);
        Counter corrupt = Counter.builder("streamsparse.index.snapshot.corrupt")
                .description("Snapshot files found unreadable at start and skipped").register(registry);
        IndexConfig engineConfig = properties.engine().indexConfig();
        for (int p : properties.partitions()) {
            SnapshotStore store = new SnapshotStore(properties.snapshotDir(), p, properties.snapshotRetain());
            long started = System.nanoTime();
            SnapshotStore.Loaded loaded = store.loadNewest();
            corrupt.increment(loaded.skippedCorrupt());
            ShardIndex index;
            long lastSnapshot = 0;
            if (loaded.index() != null) {
                index = loaded.index();
                lastSnapshot = loaded.file().toFile().lastModified();
                log.info("Shard {}: restored {} documents at offset {} from {} in {} ms", p, index.liveDocuments(),
                        index.appliedOffset(), loaded.file(), (System.nanoTime() - started) / 1_000_000);
                if (!index.config().equals(engineConfig)) {
                    long rebuilding = System.nanoTime();
                    index = ShardIndex.fromImage(index.image().withConfig(engineConfig));
                    log.info("Shard {}: snapshot built with {}; lists rebuilt for {} in {} ms", p,
                            loaded.index().config(), engineConfig, (System.nanoTime() - rebuilding) / 1_000_000);
                }
            } else {
                index = new ShardIndex(engineConfig);
                log.info("Shard {}: no usable snapshot in {}; replaying from the start", p, store.directory());
            }
            Shard shard = new Shard(p, index, store, lastSnapshot);
            byId.put(p, shard);
            registerGauges(registry, shard);
        }
        List<TopicPartition> partitions = topicPartitions();
        try (Consumer<?, ?> consumer = consumerFactory.createConsumer("index-catch-up", "probe")) {
            consumer.endOffsets(partitions).forEach((tp, end) -> catchUpTargets.put(tp.partition(), end));
        }
        log.info("Shards {} must catch up to end offsets {} before accepting traffic", byId.keySet(), catchUpTargets);
    }

    private static void registerGauges(MeterRegistry registry, Shard shard) {
        String id = Integer.toString(shard.id);
        ShardIndex index = shard.index;
        Gauge.builder("streamsparse.index.documents", index, ShardIndex::liveDocuments)
                .tag("shard", id).description("Live documents in the shard").register(registry);
        Gauge.builder("streamsparse.index.postings", index, i -> i.stats().forwardPostings())
                .tag("shard", id).description("Postings (term, weight entries) of the shard's live documents")
                .register(registry);
        Gauge.builder("streamsparse.index.memory", index, i -> i.stats().approxMemoryBytes())
                .tag("shard", id).baseUnit("bytes").description("Approximate heap held by the shard index")
                .register(registry);
        Gauge.builder("streamsparse.index.applied.offset", index, ShardIndex::appliedOffset)
                .tag("shard", id).description("Last partition offset applied to the shard").register(registry);
        Gauge.builder("streamsparse.index.consumer.lag", shard, s -> s.lag)
                .tag("shard", id).description("Records of the partition not yet applied (-1 unknown)")
                .register(registry);
        Gauge.builder("streamsparse.index.snapshot.age", shard, s -> s.lastSnapshotMillis == 0 ? -1
                : (System.currentTimeMillis() - s.lastSnapshotMillis) / 1000.0)
                .tag("shard", id).baseUnit("seconds").description("Age of the newest snapshot (-1: none yet)")
                .register(registry);
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

    /** The owned shard's index, or {@link UnknownShardException}. */
    public ShardIndex shard(int id) {
        return state(id).index;
    }

    private Shard state(int id) {
        Shard shard = byId.get(id);
        if (shard == null) {
            throw new UnknownShardException(id, byId.keySet());
        }
        return shard;
    }

    public Map<Integer, ShardIndex> all() {
        Map<Integer, ShardIndex> out = new TreeMap<>();
        byId.forEach((id, s) -> out.put(id, s.index));
        return Collections.unmodifiableMap(out);
    }

    public boolean isCaughtUp(int shard) {
        return state(shard).caughtUp;
    }

    public boolean isReady() {
        return ready;
    }

    /** Consumer thread: counts applied updates for the snapshot policy. */
    void applied(int shard, int updates) {
        state(shard).updatesSinceSnapshot += updates;
    }

    /**
     * Consumer thread, after each batch ({@code idle == false}) and when idle: re-blocks drifted lists (within the
     * maintenance budget after a batch, all of them when idle or on first catching up), updates lag and catch-up state, and
     * starts a snapshot of any shard whose policy says it is due.
     */
    void afterBatch(Consumer<?, ?> consumer, boolean idle, long applyNanos) {
        long now = System.currentTimeMillis();
        for (TopicPartition tp : consumer.assignment()) {
            Shard shard = byId.get(tp.partition());
            if (shard == null) {
                continue;
            }
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                shard.lag = lag.getAsLong();
            }
            boolean catchingUp = !shard.caughtUp
                    && consumer.position(tp) >= catchUpTargets.getOrDefault(tp.partition(), 0L);
            if (idle || catchingUp) {
                shard.index.maintain(Integer.MAX_VALUE);
            } else {
                // while updates stream, re-blocking takes at most as long as applying the batch did (half the
                // consumer thread), so records wait behind it for at most about their own batch's time
                maintainWithin(shard.index, Math.min(properties.maintainBudget().toNanos(),
                        Math.max(MIN_MAINTAIN_NANOS, applyNanos)));
            }
            if (catchingUp) {
                shard.caughtUp = true;
                log.info("Shard {} caught up at offset {}", shard.id, shard.index.appliedOffset());
            }
            boolean due = shard.updatesSinceSnapshot >= properties.snapshotEveryUpdates()
                    || (shard.updatesSinceSnapshot > 0
                            && now - shard.lastSnapshotMillis >= properties.snapshotInterval().toMillis());
            if (due && shard.snapshotInFlight.compareAndSet(false, true)) {
                ShardImage image = shard.index.image();
                shard.updatesSinceSnapshot = 0;
                snapshotWriter.execute(() -> writeSnapshot(shard, image));
            }
        }
        if (!ready && byId.values().stream().allMatch(s -> s.caughtUp)) {
            ready = true;
            AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

    /** Re-blocks pending lists a few at a time until none is left or {@code budgetNanos} is spent. */
    private static void maintainWithin(ShardIndex index, long budgetNanos) {
        long start = System.nanoTime();
        while (index.pendingReblocks() > 0 && System.nanoTime() - start < budgetNanos) {
            index.maintain(MAINTAIN_STEP_LISTS);
        }
    }

    private void writeSnapshot(Shard shard, ShardImage image) {
        try {
            long started = System.nanoTime();
            java.nio.file.Path file = shard.store.save(image);
            snapshotTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            shard.lastSnapshotMillis = System.currentTimeMillis();
            log.info("Shard {}: snapshot at offset {} ({} documents) written to {} in {} ms", shard.id,
                    image.appliedOffset(), image.docCount(), file, (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            snapshotFailures.increment();
            log.error("Shard {}: snapshot at offset {} failed", shard.id, image.appliedOffset(), e);
        } finally {
            shard.snapshotInFlight.set(false);
        }
    }

    /**
     * On shutdown, after the listener container has stopped (so no writer is running), snapshot every shard that
     * changed since its last snapshot, so that a clean restart replays nothing.
     */
    @PreDestroy
    void snapshotOnShutdown() throws InterruptedException {
        snapshotWriter.shutdown();
        snapshotWriter.awaitTermination(60, TimeUnit.SECONDS);
        for (Shard shard : byId.values()) {
            if (shard.updatesSinceSnapshot > 0 && properties.snapshotOnShutdown()) {
                writeSnapshot(shard, shard.index.image());
            }
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
