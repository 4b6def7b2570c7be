package io.streamsparse.encoder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.vector.SparseVector;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpladeKernelsTest {

    private static FloatBuffer direct(float[] data) {
        FloatBuffer b = ByteBuffer.allocateDirect(data.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(data).flip();
        return b;
    }

    @Test
    void maxPoolEqualsNaiveMaxOfReluOverTheGivenRows() {
        Random rnd = new Random(11);
        for (int round = 0; round < 200; round++) {
            int vocab = 1 + rnd.nextInt(300);
            int totalRows = 1 + rnd.nextInt(8);
            int first = rnd.nextInt(totalRows);
            int rows = rnd.nextInt(totalRows - first + 1);
            float[] data = new float[totalRows * vocab];
            for (int i = 0; i < data.length; i++) {
                data[i] = (float) (rnd.nextGaussian() * 3);
            }
            float[] acc = new float[vocab + 5];
            float[] row = new float[vocab + 5];
            java.util.Arrays.fill(acc, -7f); // garbage from a previous text must not survive
            SpladeKernels.maxPool(direct(data), first * vocab, rows, vocab, row, acc);
            for (int j = 0; j < vocab; j++) {
                float want = 0f;
                for (int r = first; r < first + rows; r++) {
                    want = Math.max(want, data[r * vocab + j]);
                }
                assertEquals(want, acc[j], "round " + round + " term " + j);
            }
        }
    }

    @Test
    void toVectorKeepsTheHeaviestAboveThresholdWithoutSpecials() {
        Random rnd = new Random(12);
        for (int round = 0; round < 300; round++) {
            int vocab = 1 + rnd.nextInt(500);
            boolean log1p = rnd.nextBoolean();
            int maxTerms = 1 + rnd.nextInt(40);
            float minWeight = rnd.nextInt(4) == 0 ? 0f : rnd.nextFloat();
            int[] specials = {0, Math.min(3, vocab - 1), vocab + 10};
            float[] values = new float[vocab];
            for (int j = 0; j < vocab; j++) {
                // coarse values make ties, which must resolve to the lower id
                values[j] = rnd.nextInt(3) == 0 ? -rnd.nextInt(3) : rnd.nextInt(12) / 4f;
            }
            float[] copy = values.clone();
            SparseVector got = SpladeKernels.toVector(values, vocab, log1p, specials, minWeight, maxTerms,
                    new int[vocab], new float[vocab], new float[vocab]);

            List<float[]> kept = new ArrayList<>();
            for (int j = 0; j < vocab; j++) {
                if (j == 0 || j == Math.min(3, vocab - 1)) {
                    continue;
                }
                float w = log1p ? (float) Math.log1p(Math.max(0f, copy[j])) : copy[j];
                if (w > 0f && w >= minWeight) {
                    kept.add(new float[] {j, w});
                }
            }
            kept.sort(Comparator.<float[]>comparingDouble(a -> -a[1]).thenComparingDouble(a -> a[0]));
            List<float[]> top = new ArrayList<>(kept.subList(0, Math.min(maxTerms, kept.size())));
            top.sort(Comparator.comparingDouble(a -> a[0]));
            assertEquals(top.size(), got.nnz(), "round " + round);
            for (int i = 0; i < top.size(); i++) {
                assertEquals((int) top.get(i)[0], got.termId(i), "round " + round);
                assertEquals(top.get(i)[1], got.weight(i), "round " + round);
            }
        }
    }

    @Test
    void toVectorEqualsPruneOverAllWeightsEvenWhenFloatRoundingMakesTies() {
        Random rnd = new Random(13);
        for (int round = 0; round < 300; round++) {
            int vocab = 1 + rnd.nextInt(2000);
            boolean log1p = rnd.nextBoolean();
            int maxTerms = 1 + rnd.nextInt(rnd.nextBoolean() ? 10 : 300);
            float minWeight = rnd.nextBoolean() ? 0f : rnd.nextFloat() * 3;
            float[] values = new float[vocab];
            float base = 1 + rnd.nextInt(200);
            for (int j = 0; j < vocab; j++) {
                switch (rnd.nextInt(3)) {
                    // consecutive floats: distinct values whose log1p rounds to the same float
                    case 0 -> values[j] = base + rnd.nextInt(6) * Math.ulp(base);
                    case 1 -> values[j] = (float) rnd.nextGaussian() * 4;
                    default -> values[j] = rnd.nextInt(8) / 2f;
                }
            }
            int[] ids = new int[vocab];
            float[] all = new float[vocab];
            int n = 0;
            for (int j = 0; j < vocab; j++) {
                float w = log1p ? (float) Math.log1p(Math.max(0f, values[j])) : Math.max(0f, values[j]);
                if (w > 0f) {
                    ids[n] = j;
                    all[n++] = w;
                }
            }
            SparseVector want = SparseVector.ofSorted(java.util.Arrays.copyOf(ids, n), java.util.Arrays.copyOf(all, n))
                    .prune(maxTerms, minWeight);
            SparseVector got = SpladeKernels.toVector(values, vocab, log1p, new int[0], minWeight, maxTerms,
                    new int[vocab], new float[vocab], new float[vocab]);
            assertEquals(want, got, "round " + round);
        }
    }

    @Test
    void selectFindsTheRankLikeASort() {
        Random rnd = new Random(14);
        for (int round = 0; round < 500; round++) {
            int n = 1 + rnd.nextInt(300);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(5) : (float) rnd.nextGaussian();
            }
            float[] sorted = a.clone();
            java.util.Arrays.sort(sorted);
            int rank = rnd.nextInt(n);
            assertEquals(sorted[rank], SpladeKernels.select(a, n, rank), "round " + round);
        }
    }

    @Test
    void minValueIsTheExactCandidateBound() {
        Random rnd = new Random(15);
        for (int round = 0; round < 2000; round++) {
            float minWeight = round == 0 ? 0f : rnd.nextFloat() * (rnd.nextBoolean() ? 0.1f : 20f);
            for (boolean log1p : new boolean[] {true, false}) {
                float min = SpladeKernels.minValue(minWeight, log1p);
                float w = log1p ? (float) Math.log1p(min) : min;
                assertTrue(w >= minWeight && w > 0f, minWeight + " " + log1p);
                float below = Math.nextDown(min);
                float wb = log1p ? (float) Math.log1p(below) : below;
                assertTrue(below <= 0f || wb < minWeight || wb <= 0f, minWeight + " " + log1p);
            }
        }
    }

    @Test
    void thresholdIsExactAtTheBoundary() {
        float minWeight = 0.25f;
        // the value whose log1p is the first float >= minWeight must be kept, the one below dropped
        float at = (float) Math.expm1(minWeight);
        while ((float) Math.log1p(at) < minWeight) {
            at = Math.nextUp(at);
        }
        float below = Math.nextDown(at);
        SparseVector v = SpladeKernels.toVector(new float[] {below, at}, 2, true, new int[0], minWeight, 10,
                new int[2], new float[2], new float[2]);
        assertArrayEquals(new int[] {1}, v.termIds());
        assertTrue(v.weight(0) >= minWeight);
    }

    @Test
    void nothingLeftGivesTheEmptyVector() {
        assertSame(SparseVector.EMPTY, SpladeKernels.toVector(new float[] {0f, -1f, 5f}, 3, true, new int[] {2},
                0.01f, 10, new int[3], new float[3], new float[3]));
    }

    @Test
    void nonFiniteModelOutputIsReported() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SpladeKernels.toVector(
                new float[] {1f, Float.NaN}, 2, true, new int[0], 0f, 10, new int[2], new float[2], new float[2]));
        assertTrue(e.getMessage().contains("NaN") && e.getMessage().contains("1"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> SpladeKernels.toVector(
                new float[] {Float.POSITIVE_INFINITY}, 1, false, new int[0], 0f, 10, new int[1], new float[1], new float[1]));
        assertTrue(e.getMessage().contains("infinite"), e.getMessage());
        // NaN propagates through the pooling so that it is reported, not hidden by the max
        float[] acc = new float[2];
        SpladeKernels.maxPool(direct(new float[] {Float.NaN, 1f, 0.5f, 2f}), 0, 2, 2, new float[2], acc);
        assertTrue(Float.isNaN(acc[0]));
        assertEquals(2f, acc[1]);
    }
}
