package io.streamsparse.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardImage;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.index.ShardReader;
import io.streamsparse.core.index.ShardWriter;
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
 * The registry of the partitions this instance owns, one {@link PartitionWriter} each: restored from the newest
 * intact snapshot at start, snapshotted when a writer says it is due, and ready only once every partition has caught
 * up with the end offset seen at start (Spring Boot readiness refuses traffic until then).
 *
 * <p>Threading: the Kafka consumer thread is the only caller of the writers ({@link #afterBatch} runs on it and
 * captures snapshot images there); snapshot files are written on one background thread; HTTP threads only use
 * {@link #reader}.
 */
@Component("shards")
public class Shards {

    private static final Logger log = LoggerFactory.getLogger(Shards.class);
    /** Sub-directory of {@code snapshot-dir} holding the lexical indexes' snapshots, laid out like the learned ones. */
    static final String LEXICAL_DIR = "lexical";

    private final IndexProperties properties;
    private final ApplicationEventPublisher events;
    private final Map<Integer, PartitionWriter> byId = new TreeMap<>();
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
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p : properties.partitions()) {
            partitions.add(new TopicPartition(properties.topic(), p));
        }
        Map<Integer, Long> catchUpTargets = new TreeMap<>();
        try (Consumer<?, ?> consumer = consumerFactory.createConsumer("index-catch-up", "probe")) {
            consumer.endOffsets(partitions).forEach((tp, end) -> catchUpTargets.put(tp.partition(), end));
        }
        IndexConfig engineConfig = properties.indexConfig();
        for (int p : properties.partitions()) {
            SnapshotStore store = new SnapshotStore(properties.snapshotDir(), p, properties.snapshotRetain());
            SnapshotStore lexicalStore = new SnapshotStore(properties.snapshotDir().resolve(LEXICAL_DIR), p,
                    properties.snapshotRetain());
            SnapshotStore.Loaded loaded = store.loadNewest();
            corrupt.increment(loaded.skippedCorrupt());
            ShardWriter learned = restore(p, "learned", store, loaded, engineConfig);
            SnapshotStore.Loaded lexicalLoaded = lexicalStore.loadNewest();
            corrupt.increment(lexicalLoaded.skippedCorrupt());
            ShardWriter lexical = restore(p, "lexical", lexicalStore, lexicalLoaded, engineConfig);
            learned.reblockCpuShare(properties.reblockCpuShare());
            lexical.reblockCpuShare(properties.reblockCpuShare());
            long lastSnapshot = loaded.file() == null ? 0 : loaded.file().toFile().lastModified();
            PartitionWriter writer = new PartitionWriter(p, new HybridShard(learned, lexical), store, lexicalStore,
                    lastSnapshot, catchUpTargets.getOrDefault(p, 0L));
            byId.put(p, writer);
            registerGauges(registry, writer);
        }
        log.info("Shards {} must catch up to end offsets {} before accepting traffic", byId.keySet(), catchUpTargets);
    }

    /**
     * One index of shard {@code p} from its newest intact snapshot (its lists rebuilt when the snapshot was written
     * under another config), or empty.
     */
    private static ShardWriter restore(int p, String index, SnapshotStore store, SnapshotStore.Loaded loaded,
            IndexConfig engineConfig) {
        if (loaded.index() == null) {
            log.info("Shard {}: no usable snapshot in {} ({} index); replaying from the start", p, store.directory(),
                    index);
            return new ShardWriter(engineConfig);
        }
        ShardIndex restored = loaded.index();
        log.info("Shard {}: restored {} documents at offset {} from {} ({} index)", p, restored.liveDocuments(),
                restored.appliedOffset(), loaded.file(), index);
        if (restored.config().equals(engineConfig)) {
            return restored.writer();
        }
        long rebuilding = System.nanoTime();
        ShardImage image = restored.image().withConfig(engineConfig);
        restored.close();
        ShardWriter shard = ShardWriter.fromImage(image);
        log.info("Shard {} ({} index): snapshot written under {}; {} for {} in {} ms", p, index, restored.config(),
                image.lists() == null ? "lists rebuilt" : "lists kept", engineConfig,
                (System.nanoTime() - rebuilding) / 1_000_000);
        return shard;
    }

    private static void registerGauges(MeterRegistry registry, PartitionWriter writer) {
        String id = Integer.toString(writer.partition);
        ShardReader reader = writer.reader();
        Gauge.builder("streamsparse.index.documents", reader, ShardReader::liveDocuments)
                .tag("shard", id).description("Live documents in the shard").register(registry);
        Gauge.builder("streamsparse.index.postings", reader, r -> r.stats().forwardPostings())
                .tag("shard", id).description("Postings (term, weight entries) of the shard's live documents")
                .register(registry);
        Gauge.builder("streamsparse.index.memory", reader, r -> r.stats().approxMemoryBytes())
                .tag("shard", id).baseUnit("bytes").description("Approximate heap held by the shard index")
                .register(registry);
        ShardReader lexical = writer.lexicalReader();
        Gauge.builder("streamsparse.index.lexical.documents", lexical, ShardReader::liveDocuments)
                .tag("shard", id).description("Live documents in the shard's lexical (BM25) index").register(registry);
        Gauge.builder("streamsparse.index.lexical.memory", lexical, r -> r.stats().approxMemoryBytes())
                .tag("shard", id).baseUnit("bytes").description("Approximate heap held by the shard's lexical index")
                .register(registry);
        Gauge.builder("streamsparse.index.applied.offset", reader, ShardReader::appliedOffset)
                .tag("shard", id).description("Last partition offset applied to the shard").register(registry);
        Gauge.builder("streamsparse.index.consumer.lag", writer, w -> w.lag)
                .tag("shard", id).description("Records of the partition not yet applied (-1 unknown)")
                .register(registry);
        Gauge.builder("streamsparse.index.snapshot.age", writer, w -> w.lastSnapshotMillis == 0 ? -1
                : (System.currentTimeMillis() - w.lastSnapshotMillis) / 1000.0)
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

    /** The read side of an owned shard, or {@link UnknownShardException}. */
    public ShardReader reader(int id) {
        return writer(id).reader();
    }

    /** The read side of an owned shard's lexical index, or {@link UnknownShardException}. */
    public ShardReader lexicalReader(int id) {
        return writer(id).lexicalReader();
    }

    /** Content digest of an owned shard, both indexes ({@link HybridShard#contentDigest()}). */
    public byte[] contentDigest(int id) {
        return writer(id).contentDigest();
    }

    /** The writer of an owned partition (consumer thread only), or {@link UnknownShardException}. */
    PartitionWriter writer(int id) {
        PartitionWriter writer = byId.get(id);
        if (writer == null) {
            throw new UnknownShardException(id, byId.keySet());
        }
        return writer;
    }

    /** The read sides of every owned shard, by shard id. */
    public Map<Integer, ShardReader> readers() {
        Map<Integer, ShardReader> out = new TreeMap<>();
        byId.forEach((id, w) -> out.put(id, w.reader()));
        return Collections.unmodifiableMap(out);
    }

    public boolean isCaughtUp(int shard) {
        return writer(shard).isCaughtUp();
    }

    public boolean isReady() {
        return ready;
    }

    /**
     * Consumer thread, after each batch ({@code idle == false}) and when idle: lets each assigned partition's writer
     * do its maintenance and catch-up bookkeeping, and starts a snapshot of any shard whose policy says it is due.
     */
    void afterBatch(Consumer<?, ?> consumer, boolean idle, long applyNanos) {
        long now = System.currentTimeMillis();
        for (TopicPartition tp : consumer.assignment()) {
            PartitionWriter writer = byId.get(tp.partition());
            if (writer == null) {
                continue;
            }
            OptionalLong lag = consumer.currentLag(tp);
            if (writer.afterBatch(consumer.position(tp), lag.orElse(-1), idle, applyNanos,
                    properties.maintainBudget().toNanos())) {
                log.info("Shard {} caught up at offset {}", writer.partition, writer.reader().appliedOffset());
            }
            if (writer.snapshotDue(now, properties.snapshotEveryUpdates(), properties.snapshotInterval().toMillis())
                    && writer.snapshotInFlight.compareAndSet(false, true)) {
                // the consumer only captures (O(vocabulary)); copying the state out takes the snapshot thread
                // hundreds of milliseconds for a large shard, which records would otherwise wait behind
                HybridShard.Captures captures = writer.captureSnapshot();
                snapshotWriter.execute(() -> writeSnapshot(writer, captures));
            }
        }
        if (!ready && byId.values().stream().allMatch(PartitionWriter::isCaughtUp)) {
            ready = true;
            AvailabilityChangeEvent.publish(events, this, ReadinessState.ACCEPTING_TRAFFIC);
        }
    }

    /**
     * Writes both indexes' snapshots, the lexical one first: each file stands alone (restart replays from the lower
     * of the two offsets), so a crash between the two writes loses nothing.
     */
    private void writeSnapshot(PartitionWriter writer, HybridShard.Captures captures) {
        long offset = captures.learned().appliedOffset();
        try {
            long started = System.nanoTime();
            HybridShard.Images images = captures.build();
            ShardImage image = images.learned();
            java.nio.file.Path lexicalFile = writer.lexicalStore.save(images.lexical());
            java.nio.file.Path file = writer.store.save(image);
            snapshotTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            writer.lastSnapshotMillis = System.currentTimeMillis();
            log.info("Shard {}: snapshot at offset {} ({} documents, {} with a lexical vector) written to {} and {}"
                    + " in {} ms", writer.partition, image.appliedOffset(), image.docCount(),
                    images.lexical().docCount(), file, lexicalFile, (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            snapshotFailures.increment();
            log.error("Shard {}: snapshot at offset {} failed", writer.partition, offset, e);
        } finally {
            writer.snapshotInFlight.set(false);
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
        for (PartitionWriter writer : byId.values()) {
            if (writer.changedSinceSnapshot() && properties.snapshotOnShutdown()) {
                writeSnapshot(writer, writer.captureSnapshot());
            }
            writer.close();
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
