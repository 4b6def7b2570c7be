package io.streamsparse.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.index.ShardWriter;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The learned and lexical indexes of one partition fed by one stream: each equals the batch build of its latest
 * documents (P1), replays are no-ops (P2), a restart with the lexical index behind (or missing) catches up from the
 * lower offset (P4), and a rejected record changes neither.
 */
class HybridShardTest {

    static final IndexConfig CONFIG = IndexConfig.defaults().withReblockMode(IndexConfig.ReblockMode.INLINE);
    static final SyntheticCorpus CORPUS = new SyntheticCorpus(11);

    /** A BM25-like lexical vector: a few distinct ids with weights in (0, 2). */
    static SparseVector lexical(SplittableRandom random) {
        int n = 1 + random.nextInt(12);
        int[] ids = random.ints(n, 0, CONFIG.vocabularySize()).distinct().sorted().toArray();
        float[] weights = new float[ids.length];
        for (int i = 0; i < ids.length; i++) {
            weights[i] = 0.3f + 1.6f * (float) random.nextDouble();
        }
        return SparseVector.ofSorted(ids, weights);
    }

    /** Stream: {@code ops} random upserts (with or without a lexical vector) and deletes over 40 ids. */
    record Op(long offset, String id, EncodedDocument doc) {
    }

    static Op[] stream(long seed, int ops) {
        SplittableRandom random = new SplittableRandom(seed);
        Op[] out = new Op[ops];
        for (int o = 0; o < ops; o++) {
            int d = random.nextInt(40);
            int kind = random.nextInt(10);
            EncodedDocument doc = kind == 0 ? null : CORPUS.document(random.nextInt(500));
            if (doc != null && kind > 3) {
                doc = doc.withLexical(lexical(random));
            }
            out[o] = new Op(o, "doc-" + d, doc);
        }
        return out;
    }

    static void apply(HybridShard shard, Op op) {
        if (op.doc() == null) {
            shard.delete(op.offset(), op.id());
        } else {
            shard.upsert(op.offset(), op.id(), op.doc());
        }
    }

    static String hex(byte[] digest) {
        return java.util.HexFormat.of().formatHex(digest);
    }

    @Test
    void eachIndexEqualsTheBatchBuildOfItsLatestDocuments() {
        for (long seed = 0; seed < 5; seed++) {
            Op[] ops = stream(seed, 300);
            Map<String, EncodedDocument> latest = new HashMap<>();
            Map<String, EncodedDocument> latestLexical = new HashMap<>();
            try (HybridShard shard = HybridShard.empty(CONFIG)) {
                for (Op op : ops) {
                    apply(shard, op);
                    latest.remove(op.id());
                    latestLexical.remove(op.id());
                    if (op.doc() != null) {
                        latest.put(op.id(), op.doc());
                        if (op.doc().hasLexical()) {
                            EncodedDocument d = op.doc();
                            latestLexical.put(op.id(), new EncodedDocument(d.title(), d.snippet(), d.fields(),
                                    d.lexical()));
                        }
                    }
                }
                long last = ops.length - 1;
                assertThat(shard.appliedOffset()).isEqualTo(last);
                try (ShardIndex learned = ShardIndex.build(CONFIG, last, latest);
                        ShardIndex lexical = ShardIndex.build(CONFIG, last, latestLexical)) {
                    assertThat(hex(shard.learned().contentDigest())).isEqualTo(hex(learned.contentDigest()));
                    assertThat(hex(shard.lexical().contentDigest())).isEqualTo(hex(lexical.contentDigest()));
                    for (int t = 0; t < CONFIG.vocabularySize(); t += 97) {
                        assertThat(shard.lexical().documentFrequency(t)).as("lexical df of %d", t)
                                .isEqualTo(lexical.documentFrequency(t));
                    }
                    SparseVector query = latestLexical.values().iterator().next().vector();
                    assertThat(shard.lexical().search(SearchRequest.exact(query, 10)).hits())
                            .isEqualTo(lexical.search(SearchRequest.exact(query, 10)).hits());
                }
                for (Op op : Arrays.copyOfRange(ops, 100, 200)) {
                    if (op.doc() == null) {
                        assertThat(shard.delete(op.offset(), op.id())).isFalse();
                    } else {
                        assertThat(shard.upsert(op.offset(), op.id(), op.doc())).isFalse();
                    }
                }
            }
        }
    }

    @Test
    void bothIndexesRoundTripThroughTheirSnapshotStores(@TempDir Path dir) {
        Op[] ops = stream(7, 250);
        SnapshotStore learnedStore = new SnapshotStore(dir, 0, 2);
        SnapshotStore lexicalStore = new SnapshotStore(dir.resolve(Shards.LEXICAL_DIR), 0, 2);
        try (HybridShard shard = HybridShard.empty(CONFIG)) {
            for (Op op : ops) {
                apply(shard, op);
            }
            HybridShard.Images images = shard.captureImages().build();
            learnedStore.save(images.learned());
            lexicalStore.save(images.lexical());
            SnapshotStore.Loaded learned = learnedStore.loadNewest();
            SnapshotStore.Loaded lexical = lexicalStore.loadNewest();
            assertThat(lexical.file()).hasParent(dir.resolve("lexical").resolve("shard-0"));
            try (HybridShard restored = new HybridShard(learned.index().writer(), lexical.index().writer())) {
                assertThat(restored.appliedOffset()).isEqualTo(ops.length - 1);
                assertThat(restored.lexical().liveDocuments()).isPositive();
                assertThat(hex(restored.contentDigest())).isEqualTo(hex(shard.contentDigest()));
            }
        }
    }

    @Test
    void aDocumentWithoutALexicalVectorLeavesTheLexicalIndex() {
        try (HybridShard shard = HybridShard.empty(CONFIG)) {
            SparseVector words = SparseVector.ofSorted(new int[] {5, 900}, new float[] {1.2f, 0.7f});
            shard.upsert(0, "a", CORPUS.document(1).withLexical(words));
            assertThat(shard.lexical().liveDocuments()).isEqualTo(1);
            assertThat(shard.lexical().documentFrequency(900)).isEqualTo(1);
            assertThat(shard.lexical().search(SearchRequest.exact(words, 5)).hits().get(0).title())
                    .isEqualTo(CORPUS.document(1).title());
            shard.upsert(1, "a", CORPUS.document(2));
            assertThat(shard.learned().liveDocuments()).isEqualTo(1);
            assertThat(shard.lexical().liveDocuments()).isZero();
            assertThat(shard.lexical().documentFrequency(900)).isZero();
            assertThat(hex(shard.contentDigest())).as("no lexical documents: the learned digest alone")
                    .isEqualTo(hex(shard.learned().contentDigest()));
            shard.upsert(2, "a", CORPUS.document(2).withLexical(words));
            assertThat(hex(shard.contentDigest())).isNotEqualTo(hex(shard.learned().contentDigest()));
            shard.delete(3, "a");
            assertThat(shard.learned().liveDocuments()).isZero();
            assertThat(shard.lexical().liveDocuments()).isZero();
        }
    }

    @Test
    void aRejectedRecordChangesNeitherIndex() {
        try (HybridShard shard = HybridShard.empty(CONFIG)) {
            SparseVector outside = SparseVector.ofSorted(new int[] {3, CONFIG.vocabularySize()}, new float[] {1, 1});
            assertThatThrownBy(() -> shard.upsert(0, "a", CORPUS.document(1).withLexical(outside)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lexical term id");
            assertThat(shard.appliedOffset()).isEqualTo(-1);
            assertThat(shard.learned().liveDocuments()).isZero();
            assertThat(shard.learned().appliedOffset()).isEqualTo(-1);
            assertThat(shard.lexical().appliedOffset()).isEqualTo(-1);
        }
    }

    @Test
    void aLexicalIndexBehindTheLearnedOneCatchesUpFromTheLowerOffset() {
        Op[] ops = stream(42, 200);
        try (HybridShard reference = HybridShard.empty(CONFIG)) {
            for (Op op : ops) {
                apply(reference, op);
            }
            // the learned index restored at offset 149 (a snapshot), the lexical one at 79, e.g. a crash between the
            // two snapshot writes, or an older snapshot written before lexical indexes existed (then at -1)
            for (int lexicalAt : new int[] {79, -1}) {
                ShardWriter learned = new ShardWriter(CONFIG);
                ShardWriter lexical = new ShardWriter(CONFIG);
                try (HybridShard partial = new HybridShard(learned, lexical)) {
                    for (Op op : Arrays.copyOf(ops, 150)) {
                        if (op.offset() <= lexicalAt) {
                            apply(partial, op);
                        } else if (op.doc() == null) {
                            learned.delete(op.offset(), op.id());
                        } else {
                            learned.upsert(op.offset(), op.id(), op.doc());
                        }
                    }
                    assertThat(partial.appliedOffset()).isEqualTo(lexicalAt);
                    for (int o = (int) partial.appliedOffset() + 1; o < ops.length; o++) {
                        apply(partial, ops[o]);
                    }
                    assertThat(hex(partial.contentDigest())).isEqualTo(hex(reference.contentDigest()));
                    assertThat(hex(partial.lexical().contentDigest()))
                            .isEqualTo(hex(reference.lexical().contentDigest()));
                }
            }
        }
    }
}
