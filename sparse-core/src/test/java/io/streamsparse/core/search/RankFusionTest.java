package io.streamsparse.core.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RankFusionTest {

    private static Hit hit(String id, float score) {
        return new Hit(id, score, "t-" + id, "");
    }

    private static List<String> ids(List<Hit> hits) {
        return hits.stream().map(Hit::docId).toList();
    }

    @Test
    void linearNormalisesEachListByItsBestScore() {
        List<Hit> learned = List.of(hit("a", 20f), hit("b", 10f));
        List<Hit> lexical = List.of(hit("c", 8f), hit("b", 4f));
        RankFusion.Settings s = new RankFusion.Settings(RankFusion.Method.LINEAR, 0.25f, 10);
        List<Hit> fused = RankFusion.fuse(learned, lexical, s, 10);
        // a: 0.75 * 1; b: 0.75 * 0.5 + 0.25 * 0.5 = 0.5; c: 0.25 * 1
        assertEquals(List.of("a", "b", "c"), ids(fused));
        assertEquals(0.75f, fused.get(0).score(), 1e-6);
        assertEquals(0.5f, fused.get(1).score(), 1e-6);
        assertEquals(0.25f, fused.get(2).score(), 1e-6);
        assertEquals("t-a", fused.get(0).title());
    }

    @Test
    void rrfUsesRanksOnly() {
        List<Hit> learned = List.of(hit("a", 1000f), hit("b", 999f));
        List<Hit> lexical = List.of(hit("b", 0.1f), hit("c", 0.05f));
        RankFusion.Settings s = new RankFusion.Settings(RankFusion.Method.RRF, 0.5f, 1);
        List<Hit> fused = RankFusion.fuse(learned, lexical, s, 10);
        // a: 0.5/2; b: 0.5/3 + 0.5/2; c: 0.5/3
        assertEquals(List.of("b", "a", "c"), ids(fused));
        assertEquals(0.5 / 3 + 0.5 / 2, fused.get(0).score(), 1e-6);
    }

    @Test
    void noneIsTheLearnedRankingCutToK() {
        List<Hit> learned = List.of(hit("a", 3f), hit("b", 2f), hit("c", 1f));
        List<Hit> fused = RankFusion.fuse(learned, List.of(hit("z", 9f)),
                RankFusion.Settings.DEFAULT.withMethod(RankFusion.Method.NONE), 2);
        assertEquals(List.of("a", "b"), ids(fused));
        assertEquals(3f, fused.get(0).score());
    }

    @Test
    void weightZeroKeepsTheLearnedOrderAndWeightOneTheLexicalOrder() {
        Random random = new Random(11);
        for (int round = 0; round < 50; round++) {
            List<Hit> learned = ranking(random, "L");
            List<Hit> lexical = ranking(random, "X");
            for (RankFusion.Method m : new RankFusion.Method[] {RankFusion.Method.LINEAR, RankFusion.Method.RRF}) {
                RankFusion.Settings s = new RankFusion.Settings(m, 0f, 10);
                List<Hit> fused = RankFusion.fuse(learned, lexical, s, learned.size());
                assertEquals(ids(learned), ids(fused), m + " w=0");
                List<Hit> lexOnly = RankFusion.fuse(learned, lexical, s.withLexicalWeight(1f), lexical.size());
                assertEquals(ids(lexical), ids(lexOnly), m + " w=1");
            }
        }
    }

    @Test
    void fusedScoreIsTheWeightedSumOverBothListsAndSortedWithIdTies() {
        Random random = new Random(7);
        for (int round = 0; round < 100; round++) {
            List<Hit> learned = ranking(random, "L");
            List<Hit> lexical = ranking(random, "X");
            float w = random.nextFloat();
            RankFusion.Settings s = new RankFusion.Settings(RankFusion.Method.LINEAR, w, 10);
            Map<String, Double> expected = new HashMap<>();
            addReference(expected, learned, 1 - w);
            addReference(expected, lexical, w);
            List<Hit> fused = RankFusion.fuse(learned, lexical, s, Integer.MAX_VALUE);
            assertEquals(expected.size(), fused.size());
            for (int i = 0; i < fused.size(); i++) {
                Hit h = fused.get(i);
                assertEquals(expected.get(h.docId()), h.score(), 1e-5, h.docId());
                if (i > 0) {
                    Hit prev = fused.get(i - 1);
                    assertTrue(prev.score() > h.score()
                            || prev.score() == h.score() && prev.docId().compareTo(h.docId()) < 0);
                }
            }
        }
    }

    @Test
    void emptyRankingsAndNonPositiveScores() {
        RankFusion.Settings s = RankFusion.Settings.DEFAULT;
        assertEquals(List.of(), RankFusion.fuse(List.of(), List.of(), s, 10));
        List<Hit> fused = RankFusion.fuse(List.of(), List.of(hit("x", 0f)), s, 10);
        assertEquals(List.of("x"), ids(fused));
        assertEquals(0f, fused.get(0).score());
    }

    @Test
    void rejectsBadSettings() {
        assertThrows(IllegalArgumentException.class, () -> RankFusion.Method.parse("max"));
        assertThrows(IllegalArgumentException.class,
                () -> new RankFusion.Settings(RankFusion.Method.RRF, 1.5f, 10));
        assertThrows(IllegalArgumentException.class,
                () -> new RankFusion.Settings(RankFusion.Method.RRF, Float.NaN, 10));
        assertThrows(IllegalArgumentException.class, () -> new RankFusion.Settings(RankFusion.Method.RRF, 0.5f, 0));
        assertThrows(IllegalArgumentException.class, () -> RankFusion.fuse(List.of(), List.of(),
                RankFusion.Settings.DEFAULT, -1));
        assertEquals(RankFusion.Method.RRF, RankFusion.Method.parse("rrf"));
    }

    /** A sorted ranking over a small id space shared with the other list, so that the lists overlap. */
    private static List<Hit> ranking(Random random, String tag) {
        int n = random.nextInt(12);
        List<Hit> out = new ArrayList<>();
        List<Integer> pool = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pool.add(i);
        }
        Collections.shuffle(pool, random);
        for (int i = 0; i < n; i++) {
            // strictly decreasing and positive: no score ties inside one list
            out.add(new Hit("d" + pool.get(i), (n - i) + 0.1f + 0.5f * random.nextFloat(), tag, ""));
        }
        return out;
    }

    private static void addReference(Map<String, Double> out, List<Hit> ranking, double share) {
        double best = ranking.stream().mapToDouble(Hit::score).max().orElse(0);
        for (Hit h : ranking) {
            out.merge(h.docId(), best > 0 ? share * h.score() / best : 0, Double::sum);
        }
    }
}
