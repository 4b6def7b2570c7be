package io.streamsparse.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RankMetricsTest {

    private static final double EPS = 1e-12;

    /** Rankings written by hand: relevant doc 7 at ranks 1, 2, 3, 10, 11, 100 and not found. */
    @Test
    void handMadeRankings() {
        int[][] rankings = {
            {7, 1, 2},
            {1, 7, 2},
            {1, 2, 7},
            {0, 1, 2, 3, 4, 5, 6, 8, 9, 7},
            {0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 7},
            deep(100, 7),
            {1, 2, 3},
        };
        RankMetrics m = new RankMetrics(100);
        for (int[] r : rankings) {
            m.add(RankMetrics.rankOf(r, r.length, 7));
        }
        assertEquals(7, m.queries());
        double n = 7;
        assertEquals((1 + 1 / 2.0 + 1 / 3.0 + 1 / 10.0) / n, m.mrrAt(10), EPS);
        assertEquals((1 + 1 / 2.0 + 1 / 3.0 + 1 / 10.0 + 1 / 11.0 + 1 / 100.0) / n, m.mrrAt(100), EPS);
        assertEquals(1 / n, m.mrrAt(1), EPS);
        assertEquals(4 / n, m.recallAt(10), EPS);
        assertEquals(6 / n, m.recallAt(100), EPS);
        assertEquals(1 / n, m.recallAt(1), EPS);
        double ndcg = 1 / log2(2) + 1 / log2(3) + 1 / log2(4) + 1 / log2(11);
        assertEquals(ndcg / n, m.ndcgAt(10), EPS);
        assertEquals(Math.log(2) / Math.log(3), 1 / log2(3), EPS); // rank 2 gains 1/log2(3) ≈ 0.631
    }

    private static int[] deep(int length, int relevantLast) {
        int[] r = new int[length];
        for (int i = 0; i < length - 1; i++) {
            r[i] = 1000 + i;
        }
        r[length - 1] = relevantLast;
        return r;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    @Test
    void rankOfLooksOnlyAtTheGivenLength() {
        int[] r = {3, 4, 5, 6};
        assertEquals(3, RankMetrics.rankOf(r, 4, 5));
        assertEquals(RankMetrics.NOT_FOUND, RankMetrics.rankOf(r, 2, 5));
        assertEquals(RankMetrics.NOT_FOUND, RankMetrics.rankOf(r, 0, 3));
    }

    @Test
    void allFirstIsOneAllMissingIsZero() {
        RankMetrics first = new RankMetrics(10);
        RankMetrics missing = new RankMetrics(10);
        for (int i = 0; i < 50; i++) {
            first.add(1);
            missing.add(RankMetrics.NOT_FOUND);
        }
        assertEquals(1.0, first.mrrAt(10), EPS);
        assertEquals(1.0, first.recallAt(10), EPS);
        assertEquals(1.0, first.ndcgAt(10), EPS);
        assertEquals(0.0, missing.mrrAt(10), EPS);
        assertEquals(0.0, missing.recallAt(10), EPS);
        assertEquals(0.0, missing.ndcgAt(10), EPS);
    }

    @Test
    void cutoffBeyondTheDepthIsNotAnswered() {
        RankMetrics m = new RankMetrics(10);
        m.add(3);
        assertTrue(Double.isNaN(m.recallAt(100)));
        assertTrue(Double.isNaN(new RankMetrics(10).mrrAt(10)), "no queries: NaN");
        assertThrows(IllegalArgumentException.class, () -> m.add(11));
        assertThrows(IllegalArgumentException.class, () -> m.add(-1));
        assertThrows(IllegalArgumentException.class, () -> m.mrrAt(0));
        assertThrows(IllegalArgumentException.class, () -> new RankMetrics(0));
    }

    /** Seeded random ranks against a direct formula; growth past the initial capacity; addAll. */
    @Test
    void randomRanksMatchTheDefinitions() {
        Random random = new Random(4);
        int n = 5000;
        RankMetrics m = new RankMetrics(100);
        RankMetrics half = new RankMetrics(100);
        double mrr = 0;
        double ndcg = 0;
        int r10 = 0;
        int r100 = 0;
        for (int i = 0; i < n; i++) {
            int rank = random.nextInt(101);
            m.add(rank);
            if (i < n / 2) {
                half.add(rank);
            }
            if (rank != 0 && rank <= 10) {
                mrr += 1.0 / rank;
                ndcg += 1 / log2(rank + 1);
                r10++;
            }
            if (rank != 0) {
                r100++;
            }
        }
        assertEquals(mrr / n, m.mrrAt(10), 1e-9);
        assertEquals(ndcg / n, m.ndcgAt(10), 1e-9);
        assertEquals((double) r10 / n, m.recallAt(10), EPS);
        assertEquals((double) r100 / n, m.recallAt(100), EPS);
        assertTrue(m.ndcgAt(10) >= m.mrrAt(10), "1/log2(r+1) >= 1/r for every r >= 1");
        RankMetrics copy = new RankMetrics(100);
        copy.addAll(m);
        assertEquals(m.mrrAt(10), copy.mrrAt(10), EPS);
        assertThrows(IllegalArgumentException.class, () -> new RankMetrics(10).addAll(m));
    }

    @Test
    void overlapWithExact() {
        int[] exact = {1, 2, 3, 4};
        assertEquals(1.0, RankMetrics.overlap(new int[] {4, 3, 2, 1}, 4, exact, 4), EPS);
        assertEquals(0.5, RankMetrics.overlap(new int[] {1, 9, 3, 8}, 4, exact, 4), EPS);
        assertEquals(0.0, RankMetrics.overlap(new int[0], 0, exact, 4), EPS);
        assertEquals(1.0, RankMetrics.overlap(new int[0], 0, new int[0], 0), EPS, "nothing to find");
        assertEquals(1.0, RankMetrics.overlap(new int[] {5, 6}, 2, new int[] {6, 5}, 2), EPS);
    }
}
