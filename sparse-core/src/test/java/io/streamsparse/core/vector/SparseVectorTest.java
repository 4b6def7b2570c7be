package io.streamsparse.core.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SparseVectorTest {

    @Test
    void ofSortsPairsTogether() {
        SparseVector v = SparseVector.of(new int[] {9, 1, 5}, new float[] {0.9f, 0.1f, 0.5f});
        assertArrayEquals(new int[] {1, 5, 9}, v.termIds());
        assertArrayEquals(new float[] {0.1f, 0.5f, 0.9f}, v.weights());
    }

    @Test
    void badVectorsRejectedWithTheValue() {
        assertMessage("duplicate term id 4", () -> SparseVector.of(new int[] {4, 2, 4}, new float[] {1, 1, 1}));
        assertMessage("negative term id -1", () -> SparseVector.of(new int[] {-1}, new float[] {1}));
        assertMessage("NaN", () -> SparseVector.of(new int[] {1}, new float[] {Float.NaN}));
        assertMessage("Infinity", () -> SparseVector.of(new int[] {1}, new float[] {Float.POSITIVE_INFINITY}));
        assertMessage("-0.5", () -> SparseVector.of(new int[] {1}, new float[] {-0.5f}));
        assertMessage("differ in length", () -> SparseVector.of(new int[] {1, 2}, new float[] {1}));
        assertMessage("not ascending: 5 before 3", () -> SparseVector.ofSorted(new int[] {5, 3}, new float[] {1, 1}));
        assertMessage("must not be null", () -> SparseVector.of(null, new float[0]));
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        String msg = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(msg.contains(part), () -> "'" + msg + "' lacks '" + part + "'");
    }

    @Test
    void dotMatchesDenseReference() {
        Random rnd = new Random(11);
        for (int trial = 0; trial < 500; trial++) {
            SparseVector a = SparseVectorCodecTest.randomVector(rnd, 60, 200);
            SparseVector b = SparseVectorCodecTest.randomVector(rnd, 60, 200);
            double expected = 0;
            for (int t = 0; t < 200; t++) {
                expected += (double) a.weightOf(t) * b.weightOf(t);
            }
            assertEquals(expected, a.dot(b), 1e-3);
        }
    }

    @Test
    void pruneKeepsHeaviestAboveThresholdInIdOrder() {
        SparseVector v = SparseVector.of(new int[] {1, 2, 3, 4, 5}, new float[] {0.5f, 0.005f, 2f, 0.5f, 1f});
        SparseVector top3 = v.prune(3, 0.01f);
        assertArrayEquals(new int[] {1, 3, 5}, top3.termIds());
        assertArrayEquals(new int[] {1, 3, 4, 5}, v.prune(10, 0.01f).termIds());
        assertArrayEquals(new int[] {3, 5}, v.prune(2, 0f).termIds());
        assertSame(v, v.prune(10, 0f));
    }
}
