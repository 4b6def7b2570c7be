package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.index.RandomStreams.Op;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A move of staged postings that reads the sealed runs gives every list exactly the tail a move straight from the
 * forward index gives: the same slots in the same order, dead ones left out, and, with pruning, postings of runs
 * sealed before their list's threshold rose filtered again. Two writers in deferred mode (their layout depends on the
 * stream only) apply the same stream and re-block the same lists; one seals runs, the other never does; after every
 * operation their lists are compared.
 */
class StagedMoveTest {

    @ParameterizedTest(name = "seed {0}, λ {1}, stage {2}, seal {3}")
    @CsvSource({
            "11, 0, 16, 3",
            "12, 4, 16, 3",
            "13, 6, 9, 2",
            "14, 3, 32, 5",
            "15, 5, 7, 1",
    })
    void movingThroughTheRunsEqualsMovingFromTheForwardIndex(long seed, int lambda, int stage, int seal) {
        int vocab = 20;
        IndexConfig config = IndexConfig.defaults().withVocabularySize(vocab).withBlockSize(3)
                .withPruneLambda(lambda).withSummaryAlpha(0.6f).withSummaryMaxTerms(4).withClusteringTerms(3)
                .withReblock(0.2f, 2, 0.2f).withReblockMode(IndexConfig.ReblockMode.DEFERRED);
        ShardIndex sealing = new ShardIndex(new ShardWriter(config, null, stage, seal));
        ShardIndex direct = new ShardIndex(new ShardWriter(config, null, stage, Integer.MAX_VALUE));
        List<Op> ops = RandomStreams.stream(seed, 600, 50, vocab, 8);
        int sealedMoves = 0;
        int raisedOverRuns = 0;
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            View before = sealing.currentView();
            float[] thresholds = thresholds(before);
            for (ShardIndex index : List.of(sealing, direct)) {
                if (op.doc() == null) {
                    index.delete(op.offset(), op.docId());
                } else {
                    index.upsert(op.offset(), op.docId(), op.doc());
                }
                if (i % 5 == 4) {
                    index.maintain(2); // rebuilds raise thresholds between a run's sealing and its move
                }
            }
            View after = sealing.currentView();
            if (before.runs.length > 0 && after.stagedFrom > before.stagedFrom) {
                sealedMoves++;
            }
            if (after.runs.length > 0 && !Arrays.equals(thresholds, thresholds(after))) {
                raisedOverRuns++;
            }
            assertSameLists(after, direct.currentView(), i);
        }
        assertTrue(sealedMoves >= 10, "only " + sealedMoves + " moves read sealed runs");
        assertTrue(lambda == 0 || raisedOverRuns > 0, "no threshold rose while runs were sealed");
    }

    private static float[] thresholds(View v) {
        float[] min = new float[v.generation.lists.length()];
        for (int t = 0; t < min.length; t++) {
            PostingList l = v.generation.lists.get(t);
            min[t] = l == null ? 0f : l.minWeight;
        }
        return min;
    }

    private static void assertSameLists(View a, View b, int op) {
        assertEquals(b.stagedFrom, a.stagedFrom, "stagedFrom after op " + op);
        AtomicReferenceArray<PostingList> la = a.generation.lists;
        AtomicReferenceArray<PostingList> lb = b.generation.lists;
        for (int t = 0; t < la.length(); t++) {
            PostingList x = la.get(t);
            PostingList y = lb.get(t);
            assertEquals(y == null, x == null, "list of term " + t + " after op " + op);
            if (x == null) {
                continue;
            }
            String where = "term " + t + " after op " + op;
            assertEquals(y.minWeight, x.minWeight, "threshold, " + where);
            assertArrayEquals(y.docs, x.docs, "blocked part, " + where);
            assertArrayEquals(Arrays.copyOf(y.array(), y.count()), Arrays.copyOf(x.array(), x.count()),
                    "tail, " + where);
        }
    }
}
