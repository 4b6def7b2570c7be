package io.streamsparse.index;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardReader;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVectorCodec;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer of one owned partition: applies its records to the shard (its learned and lexical indexes,
 * {@link HybridShard}) in offset order and keeps the partition's bookkeeping (applied offset, lag, caught-up, updates
 * since the last snapshot, snapshot due). Plain Java, driven by the Kafka consumer thread, which is the only thread
 * calling the mutators; HTTP threads read the shard through {@link #reader()}, {@link #lexicalReader()} and the
 * volatile fields.
 */
final class PartitionWriter {

    /** Lists re-blocked between two checks of the maintenance time budget (deferred and inline modes). */
    static final int MAINTAIN_STEP_LISTS = 4;
    /** Re-blocking budget after a batch however short the batch was, so drifted lists always make progress. */
    static final long MIN_MAINTAIN_NANOS = 1_000_000L;

    /**
     * An index is compacted once its dead slots pass this many per live document (and {@link #MIN_DEAD_SLOTS}): its
     * forward index then holds at most about four slots per live document.
     */
    static final double DEAD_PER_LIVE = 3;
    static final int MIN_DEAD_SLOTS = 100_000;

    private static final Logger log = LoggerFactory.getLogger(PartitionWriter.class);

    /** What applying one record did. */
    enum Applied { UPSERT, DELETE, ALREADY_APPLIED }

    final int partition;
    private final HybridShard shard;
    final SnapshotStore store;
    /** Snapshots of the lexical index, beside the learned index's {@link #store}. */
    final SnapshotStore lexicalStore;
    private final long catchUpTarget;
    final AtomicBoolean snapshotInFlight = new AtomicBoolean();
    volatile long lastSnapshotMillis;
    volatile long lag = -1;
    private volatile boolean caughtUp;
    private long updatesSinceSnapshot;

    PartitionWriter(int partition, HybridShard shard, SnapshotStore store, SnapshotStore lexicalStore,
                    long lastSnapshotMillis, long catchUpTarget) {
        this.partition = partition;
        this.shard = shard;
        this.store = store;
        this.lexicalStore = lexicalStore;
        this.lastSnapshotMillis = lastSnapshotMillis;
        this.catchUpTarget = catchUpTarget;
    }

    ShardReader reader() {
        return shard.learned();
    }

    ShardReader lexicalReader() {
        return shard.lexical();
    }

    /** Content digest of both indexes ({@link HybridShard#contentDigest()}). */
    byte[] contentDigest() {
        return shard.contentDigest();
    }

    /** The next offset to consume (one past the last applied by both indexes). */
    long nextOffset() {
        return shard.appliedOffset() + 1;
    }

    boolean isCaughtUp() {
        return caughtUp;
    }

    /**
     * Applies one record: a null value deletes {@code key}, any other value is a binary vector document.
     *
     * @throws IllegalArgumentException when the engine or the codec rejects the record (nothing changes)
     */
    Applied apply(long offset, String key, byte[] value) {
        boolean changed;
        Applied kind;
        if (value == null) {
            changed = shard.delete(offset, key);
            kind = Applied.DELETE;
        } else {
            EncodedDocument doc = SparseVectorCodec.decodeDocument(value);
            changed = shard.upsert(offset, key, doc);
            kind = Applied.UPSERT;
        }
        if (!changed) {
            return Applied.ALREADY_APPLIED;
        }
        updatesSinceSnapshot++;
        return kind;
    }

    /**
     * After a batch ({@code idle == false}) or when idle, with the consumer's position and lag: hands re-blocking
     * work on (in the background mode that is only publishing finished lists; otherwise, while records wait in the
     * consumer ({@code currentLag > 0}) none at all, else within a budget of half the batch's apply time and at least
     * {@link #MIN_MAINTAIN_NANOS}; all of it when idle or on first catching up) and records whether the partition has
     * caught up with its end offset as seen at start. Returns true when it caught up just now.
     */
    boolean afterBatch(long position, long currentLag, boolean idle, long applyNanos, long maintainBudgetNanos) {
        if (currentLag >= 0) {
            lag = currentLag;
        }
        boolean catchingUp = !caughtUp && position >= catchUpTarget;
        if (idle || catchingUp || shard.config().reblockMode() == IndexConfig.ReblockMode.BACKGROUND) {
            shard.maintain(Integer.MAX_VALUE);
        } else if (currentLag <= 0) {
            // re-blocking takes at most half as long as applying the batch did, so the next records wait behind it
            // for at most half their own batch's time. While records wait already (lag > 0) it waits instead: one
            // step re-blocks up to MAINTAIN_STEP_LISTS lists, and the rebuild of a big list takes milliseconds, so
            // even a 1 ms budget kept a consumer that had fallen behind seconds behind at 10k/s (docs/BENCHMARKS.md,
            // freshness). Drifted lists only make searches scan longer tails meanwhile; re-blocking resumes at the
            // first batch that leaves nothing waiting
            long budget = Math.min(maintainBudgetNanos, Math.max(MIN_MAINTAIN_NANOS, applyNanos / 2));
            long start = System.nanoTime();
            do {
                shard.maintain(MAINTAIN_STEP_LISTS);
            } while (shard.pendingReblocks() > 0 && System.nanoTime() - start < budget);
        }
        compactIfMostlyDead(DEAD_PER_LIVE, MIN_DEAD_SLOTS);
        if (catchingUp) {
            caughtUp = true;
        }
        return catchingUp;
    }

    /**
     * A memory bound: compacts an index whose dead slots (replaced or deleted documents, never reused before a
     * compaction) passed {@code deadPerLive} times its live documents and {@code minDeadSlots}. The consumer waits
     * for it (seconds for a few hundred thousand documents), which is why the bound is loose; without it sustained
     * re-upserts grew the forward index until the heap ran out (docs/BENCHMARKS.md, freshness). Returns whether it
     * compacted.
     */
    boolean compactIfMostlyDead(double deadPerLive, int minDeadSlots) {
        long started = System.nanoTime();
        int compacted = shard.compactWhereMostlyDead(deadPerLive, minDeadSlots);
        if (compacted > 0) {
            log.info("Shard {}: compacted {} of its indexes (dead slots past {} per live document) in {} ms",
                    partition, compacted, deadPerLive, (System.nanoTime() - started) / 1_000_000);
        }
        return compacted > 0;
    }

    /** Lists of both indexes waiting for re-blocking. */
    int pendingReblocks() {
        return shard.pendingReblocks();
    }

    /** Whether the snapshot policy asks for a snapshot now (by update count or by age). */
    boolean snapshotDue(long nowMillis, long everyUpdates, long intervalMillis) {
        return updatesSinceSnapshot >= everyUpdates
                || (updatesSinceSnapshot > 0 && nowMillis - lastSnapshotMillis >= intervalMillis);
    }

    boolean changedSinceSnapshot() {
        return updatesSinceSnapshot > 0;
    }

    /**
     * The shard's state for a snapshot, captured cheaply (the copy is made later, off this thread), resetting the
     * update count; consumer thread (or no writer running).
     */
    HybridShard.Captures captureSnapshot() {
        updatesSinceSnapshot = 0;
        return shard.captureImages();
    }

    void close() {
        shard.close();
    }
}
