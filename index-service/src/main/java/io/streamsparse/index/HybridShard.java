package io.streamsparse.index;

import io.streamsparse.core.index.ImageCapture;
import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardImage;
import io.streamsparse.core.index.ShardReader;
import io.streamsparse.core.index.ShardWriter;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The two indexes of one partition for hybrid retrieval: the learned one (each document's model vector) and the
 * lexical one (its BM25 vector, {@link EncodedDocument#lexical()}), both sparse-core shards under one config, fed
 * by the same records in the same offset order.
 *
 * <p>Every record goes to both: a delete deletes in both; an upsert replaces the document in the learned index and,
 * when the record carries a lexical vector, in the lexical index too (same title, snippet and fields, so filters and
 * results read the same), otherwise it deletes the document there, so the lexical index always holds exactly the
 * latest versions that have a lexical vector. Each index thus keeps the FTL contract on its own: P1 (the lexical
 * index equals the batch build of the latest lexical vectors, and its document frequencies, the IDF of lexical
 * queries, are exact live counts), P2 per index (an offset either has applied is a no-op there), P3 (an upsert costs
 * O(nnz) in each) and P4 (each index snapshots and restores on its own; restart replays from the lower of the two
 * offsets, and the index already past an offset ignores it). A record is checked against both before either applies
 * it, so a rejected record changes neither.
 *
 * <p>Threading as {@link ShardWriter}: one thread calls the mutators; readers use {@link #learned()} and
 * {@link #lexical()}.
 */
public final class HybridShard implements AutoCloseable {

    /** Both indexes' state for a snapshot. */
    public record Images(ShardImage learned, ShardImage lexical) {
    }

    /** Both indexes' state captured at one offset on the writer's thread; {@link #build()} copies it on any thread. */
    public record Captures(ImageCapture learned, ImageCapture lexical) {
        public Images build() {
            return new Images(learned.build(), lexical.build());
        }
    }

    private final ShardWriter learned;
    private final ShardWriter lexical;

    public HybridShard(ShardWriter learned, ShardWriter lexical) {
        if (!learned.config().equals(lexical.config())) {
            throw new IllegalArgumentException("learned and lexical indexes need one config, were "
                    + learned.config() + " and " + lexical.config());
        }
        this.learned = learned;
        this.lexical = lexical;
    }

    /** Two empty indexes under {@code config}. */
    public static HybridShard empty(IndexConfig config) {
        return new HybridShard(new ShardWriter(config), new ShardWriter(config));
    }

    public IndexConfig config() {
        return learned.config();
    }

    public ShardReader learned() {
        return learned.reader();
    }

    public ShardReader lexical() {
        return lexical.reader();
    }

    /** The lower of the two applied offsets: records after it are missing from at least one index. */
    public long appliedOffset() {
        return Math.min(learned.appliedOffset(), lexical.appliedOffset());
    }

    /**
     * Inserts or replaces {@code docId} in both indexes. Returns false when both had applied {@code offset}.
     *
     * @throws IllegalArgumentException when either index would reject the record (then neither changes)
     */
    public boolean upsert(long offset, String docId, EncodedDocument doc) {
        if (doc == null) {
            throw new IllegalArgumentException("document must not be null for " + docId + "; use delete");
        }
        SparseVector words = doc.lexical();
        int vocabulary = lexical.config().vocabularySize();
        if (words.nnz() > 0 && words.termId(words.nnz() - 1) >= vocabulary) {
            throw new IllegalArgumentException("lexical term id " + words.termId(words.nnz() - 1) + " of document "
                    + docId + " is outside the vocabulary of " + vocabulary);
        }
        boolean changed = learned.upsert(offset, docId, doc);
        if (doc.hasLexical()) {
            changed |= lexical.upsert(offset, docId,
                    new EncodedDocument(doc.title(), doc.snippet(), doc.fields(), words));
        } else {
            changed |= lexical.delete(offset, docId);
        }
        return changed;
    }

    /** Deletes {@code docId} from both. Returns false when both had applied {@code offset}. */
    public boolean delete(long offset, String docId) {
        boolean changed = learned.delete(offset, docId);
        return lexical.delete(offset, docId) | changed;
    }

    /** Re-blocks up to {@code maxLists} drifted lists in each index; returns how many it re-blocked. */
    public int maintain(int maxLists) {
        return learned.maintain(maxLists) + lexical.maintain(maxLists);
    }

    /**
     * Compacts each index whose dead slots number at least {@code minDeadSlots} and more than {@code deadPerLive} times
     * its live documents; returns how many it compacted.
     */
    public int compactWhereMostlyDead(double deadPerLive, int minDeadSlots) {
        int compacted = 0;
        for (ShardWriter index : new ShardWriter[] {learned, lexical}) {
            int dead = index.deadSlots();
            if (dead >= minDeadSlots && dead > deadPerLive * index.reader().liveDocuments()) {
                index.compact();
                compacted++;
            }
        }
        return compacted;
    }

    public int pendingReblocks() {
        return learned.pendingReblocks() + lexical.pendingReblocks();
    }

    /** Writer thread: both indexes' state now, cheaply (see {@link ImageCapture}); the copy is the caller's. */
    public Captures captureImages() {
        return new Captures(learned.captureImage(), lexical.captureImage());
    }

    /**
     * Hash of both indexes' logical content: the learned index's own digest while the lexical index holds no
     * document (so a shard fed only version-1 records keeps the digest of the learned index alone, as a batch build
     * of it has), else SHA-256 over the two digests. Replicas that applied the same stream have equal digests.
     */
    public byte[] contentDigest() {
        byte[] own = learned.reader().contentDigest();
        if (lexical.reader().liveDocuments() == 0) {
            return own;
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(own);
            sha.update(lexical.reader().contentDigest());
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    @Override
    public void close() {
        learned.close();
        lexical.close();
    }
}
