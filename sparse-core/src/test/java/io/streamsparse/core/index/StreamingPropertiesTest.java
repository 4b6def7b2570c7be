package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.index.RandomStreams.Op;
import io.streamsparse.core.search.Filter;
import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.snapshot.SnapshotReader;
import io.streamsparse.core.snapshot.SnapshotWriter;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The FTL contract (docs/ARCHITECTURE.md) as seeded property tests over random streams of upserts, re-upserts and
 * deletes (unknown ids and replayed offsets included), sizes from empty to a few thousand operations, with configs small
 * enough that lists are pruned, merged and rebuilt many times along the way.
 */
class StreamingPropertiesTest {

    static final Filter[] FILTERS = {
        Filter.parse("lang:en"),
        Filter.parse("lang:de AND color:red"),
        Filter.parse("color:blue OR lang:fr"),
        Filter.parse("(lang:en OR lang:de) AND color:blue"),
        Filter.parse("lang:xx"),
    };

    static Stream<Arguments> cases() {
        // seed, ops, id space, vocab, max nnz, pruneLambda, quantization
        return Stream.of(
                Arguments.of(1L, 0, 10, 50, 8, 0, Quantization.U8),
                Arguments.of(2L, 1, 10, 50, 8, 0, Quantization.U8),
                Arguments.of(3L, 40, 8, 30, 6, 0, Quantization.U8),
                Arguments.of(4L, 300, 60, 80, 12, 0, Quantization.U8),
                Arguments.of(5L, 300, 60, 80, 12, 10, Quantization.U16),
                Arguments.of(6L, 1500, 400, 200, 20, 0, Quantization.U8),
                Arguments.of(7L, 1500, 400, 200, 20, 25, Quantization.U8),
                Arguments.of(8L, 3000, 1500, 300, 25, 60, Quantization.U16),
                Arguments.of(9L, 3000, 300, 120, 16, 0, Quantization.U8));
    }

    static IndexConfig config(int vocab, int lambda, Quantization q) {
        return IndexConfig.defaults().withVocabularySize(vocab).withBlockSize(4).withPruneLambda(lambda)
                .withSummaryAlpha(0.6f).withSummaryMaxTerms(5).withQuantization(q).withClusteringTerms(4)
                .withReblock(0.3f, 3, 0.3f);
    }

    @ParameterizedTest(name = "seed {0}: {1} ops, λ {5}, {6}")
    @MethodSource("cases")
    void streamedEqualsBatchBuild(long seed, int n, int ids, int vocab, int maxNnz, int lambda, Quantization q) {
        // odd seeds defer re-blocking to maintain() calls between chunks
        IndexConfig config = config(vocab, lambda, q).withReblockMode(
                seed % 2 == 1 ? IndexConfig.ReblockMode.DEFERRED : IndexConfig.ReblockMode.INLINE);
        List<Op> ops = RandomStreams.stream(seed, n, ids, vocab, maxNnz);
        ShardIndex streamed = new ShardIndex(config);
        TreeMap<String, EncodedDocument> latest = new TreeMap<>();
        long[] applied = {-1};
        int checkEvery = Math.max(1, n / 12);
        for (int i = 0; i < ops.size(); i += checkEvery) {
            RandomStreams.apply(streamed, ops.subList(i, Math.min(ops.size(), i + checkEvery)), latest, applied);
            assertSummariesBoundLiveContent(streamed);
            if (config.reblockMode() == IndexConfig.ReblockMode.DEFERRED) {
                streamed.maintain(1 + (int) (seed % 7));
                assertSummariesBoundLiveContent(streamed);
            } else {
                assertEquals(0, streamed.pendingReblocks());
            }
            assertEquals(latest.size(), streamed.liveDocuments());
        }
        assertEquals(applied[0], streamed.appliedOffset());
        ShardIndex batch = ShardIndex.build(config, applied[0], latest);

        // P1, logical: content, document frequencies, exact results
        assertArrayEquals(batch.contentDigest(), streamed.contentDigest());
        assertEquals(batch.liveDocuments(), streamed.liveDocuments());
        for (int t = 0; t < vocab; t++) {
            assertEquals(batch.documentFrequency(t), streamed.documentFrequency(t), "df of term " + t);
        }
        SplittableRandom r = new SplittableRandom(seed * 31);
        for (int i = 0; i < 20; i++) {
            SparseVector query = RandomStreams.randomQuery(r, vocab, maxNnz);
            int k = 1 + r.nextInt(15);
            Filter filter = r.nextBoolean() ? null : FILTERS[r.nextInt(FILTERS.length)];
            List<Hit> expected = RandomStreams.bruteForce(latest, query, k, filter, q);
            SearchRequest exact = new SearchRequest(query, k, filter, SearchMode.EXACT, null);
            assertEquals(expected, streamed.search(exact).hits(), "streamed exact == brute force");
            assertEquals(expected, batch.search(exact).hits(), "batch exact == brute force");
            // a selective filter answers exactly in approximate mode too
            SearchRequest selective = exact.withMode(SearchMode.APPROXIMATE)
                    .withKnobs(SearchKnobs.defaults().withFilterExactMax(Integer.MAX_VALUE));
            if (filter != null) {
                assertEquals(expected, streamed.search(selective).hits(), "filtered fallback == brute force");
            }
            // approximate with every term and no skipping visits every list posting: exact unless pruned
            if (lambda == 0) {
                SearchRequest everything = exact.withMode(SearchMode.APPROXIMATE).withKnobs(
                        SearchKnobs.defaults().withQueryCut(10_000).withHeapFactor(1e-30f).withFilterExactMax(0));
                assertEquals(expected, streamed.search(everything).hits(), "full traversal == brute force");
                assertEquals(expected, batch.search(everything).hits(), "full traversal == brute force");
            }
        }

        // P1, physical: after compact() the layout and the snapshot bytes equal the batch build's
        streamed.compact();
        assertSummariesBoundLiveContent(streamed);
        assertArrayEquals(batch.layoutDigest(), streamed.layoutDigest(), "layout after compact");
        assertArrayEquals(snapshot(batch), snapshot(streamed), "snapshot bytes after compact");
        assertArrayEquals(batch.contentDigest(), streamed.contentDigest());
    }

    @ParameterizedTest(name = "seed {0}: {1} ops, λ {5}, {6}")
    @MethodSource("cases")
    void replayIsIdempotentAndCheckpointsAreEquivalent(long seed, int n, int ids, int vocab, int maxNnz, int lambda,
                                                       Quantization q) {
        IndexConfig config = config(vocab, lambda, q);
        List<Op> ops = RandomStreams.stream(seed + 1000, n, ids, vocab, maxNnz);
        int cut = n / 2;
        ShardIndex fromZero = new ShardIndex(config);
        TreeMap<String, EncodedDocument> latest = new TreeMap<>();
        long[] applied = {-1};
        RandomStreams.apply(fromZero, ops.subList(0, cut), latest, applied);

        // P4: snapshot at o, restore, replay the rest (and, P2, the whole stream again from 0)
        byte[] checkpoint = snapshot(fromZero);
        long checkpointOffset = fromZero.appliedOffset();
        ShardIndex restored = restore(checkpoint);
        assertEquals(checkpointOffset, restored.appliedOffset());
        assertArrayEquals(fromZero.contentDigest(), restored.contentDigest());
        assertSummariesBoundLiveContent(restored);
        // the snapshot keeps the physical lists (dead postings aside), so even approximate answers are the same
        SplittableRandom qr = new SplittableRandom(seed ^ 77);
        for (int i = 0; i < 10; i++) {
            SearchRequest approx = SearchRequest.approximate(RandomStreams.randomQuery(qr, vocab, maxNnz), 10)
                    .withKnobs(SearchKnobs.defaults().withQueryCut(3).withHeapFactor(1.1f));
            assertEquals(fromZero.search(approx).hits(), restored.search(approx).hits(), "approximate after restore");
        }
        for (Op op : ops) {
            boolean fresh = op.offset() > checkpointOffset && op.offset() > restored.appliedOffset();
            boolean changed = op.doc() != null ? restored.upsert(op.offset(), op.docId(), op.doc())
                    : restored.delete(op.offset(), op.docId());
            assertEquals(fresh, changed, "replayed op at offset " + op.offset());
        }
        RandomStreams.apply(fromZero, ops.subList(cut, n), latest, applied);
        assertArrayEquals(fromZero.contentDigest(), restored.contentDigest(), "snapshot + replay == replay from 0");
        assertEquals(fromZero.appliedOffset(), restored.appliedOffset());
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 10; i++) {
            SparseVector query = RandomStreams.randomQuery(r, vocab, maxNnz);
            SearchRequest exact = SearchRequest.exact(query, 10);
            assertEquals(fromZero.search(exact).hits(), restored.search(exact).hits());
        }
        // P2: replaying everything again changes nothing
        byte[] before = fromZero.contentDigest();
        for (Op op : ops) {
            assertFalse(op.doc() != null ? fromZero.upsert(op.offset(), op.docId(), op.doc())
                    : fromZero.delete(op.offset(), op.docId()));
        }
        assertArrayEquals(before, fromZero.contentDigest());

        fromZero.compact();
        restored.compact();
        assertArrayEquals(snapshot(fromZero), snapshot(restored), "compacted snapshots");

        // snapshot round trip: identical bytes and identical state
        ShardIndex again = restore(snapshot(restored));
        assertArrayEquals(snapshot(restored), snapshot(again));
        assertArrayEquals(restored.layoutDigest(), again.layoutDigest());
    }

    /** An image re-configured to other build knobs loads as the batch build under those knobs would. */
    @ParameterizedTest(name = "seed {0}: {1} ops, λ {5}, {6}")
    @MethodSource("cases")
    void reconfiguredImageEqualsBatchBuildUnderNewKnobs(long seed, int n, int ids, int vocab, int maxNnz, int lambda,
                                                        Quantization q) {
        IndexConfig before = config(vocab, lambda, q);
        IndexConfig after = before.withBlockSize(7).withPruneLambda(lambda == 0 ? 15 : 0).withSummaryAlpha(1f)
                .withSummaryMaxTerms(9);
        ShardIndex streamed = new ShardIndex(before);
        TreeMap<String, EncodedDocument> latest = new TreeMap<>();
        long[] applied = {-1};
        RandomStreams.apply(streamed, RandomStreams.stream(seed, n, ids, vocab, maxNnz), latest, applied);
        ShardIndex reconfigured = ShardIndex.fromImage(streamed.image().withConfig(after));
        ShardIndex batch = ShardIndex.build(after, streamed.appliedOffset(), latest);
        assertArrayEquals(streamed.contentDigest(), reconfigured.contentDigest());
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < 5; i++) {
            SearchRequest exact = SearchRequest.exact(RandomStreams.randomQuery(r, vocab, maxNnz), 10);
            assertEquals(batch.search(exact).hits(), reconfigured.search(exact).hits());
        }
        reconfigured.compact(); // slot order still follows arrival until compaction, as for any streamed index
        assertArrayEquals(snapshot(batch), snapshot(reconfigured), "snapshot bytes under the new knobs");
        assertThrows(IllegalArgumentException.class,
                () -> streamed.image().withConfig(after.withQuantization(q == Quantization.U8 ? Quantization.U16
                        : Quantization.U8)));
    }

    /** Every summary coordinate bounds the stored weight of every live document of its block. */
    static void assertSummariesBoundLiveContent(ShardIndex index) {
        View v = index.currentView();
        AtomicReferenceArray<PostingList> lists = v.generation.lists;
        for (int t = 0; t < lists.length(); t++) {
            PostingList l = lists.get(t);
            if (l == null) {
                continue;
            }
            BlockSummaries sums = l.summaries;
            for (int b = 0; b < l.blocks(); b++) {
                boolean hasOwnTerm = false;
                for (int i = sums.start[b]; i < sums.start[b + 1]; i++) {
                    int u = sums.terms[i];
                    hasOwnTerm |= u == t;
                    float bound = (sums.codes[i] & 0xff) * sums.scale[b];
                    for (int j = l.blockStart[b]; j < l.blockStart[b + 1]; j++) {
                        int s = l.docs[j];
                        if (v.visible(s)) {
                            float w = storedWeight(v, s, u);
                            assertTrue(w <= bound, "term " + t + " block " + b + " coordinate " + u + ": weight "
                                    + w + " > summary " + bound);
                        }
                    }
                }
                assertTrue(hasOwnTerm, "summary of block " + b + " of term " + t + " lacks the term");
                assertTrue(l.blockStart[b + 1] > l.blockStart[b], "empty block");
            }
        }
    }

    static float storedWeight(View v, int slot, int term) {
        for (int e = v.start[slot]; e < v.start[slot + 1]; e++) {
            if (v.terms[e] == term) {
                return ForwardIndex.code(v.codes, v.codeBytes, e) * v.scale[slot];
            }
        }
        return 0f;
    }

    static byte[] snapshot(ShardIndex index) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SnapshotWriter.write(index, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ShardIndex restore(byte[] bytes) {
        try {
            return SnapshotReader.read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
