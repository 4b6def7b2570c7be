package io.streamsparse.core.vector;

import java.util.Arrays;

/**
 * An immutable sparse vector over a vocabulary of term ids: parallel arrays of strictly ascending, non-negative
 * term ids and finite, non-negative weights.
 *
 * <p>Invariants, checked once at construction: {@code termIds.length == weights.length}; {@code termIds} strictly
 * ascending (so no duplicates) and {@code >= 0}; every weight finite and {@code >= 0}. The arrays are owned by the
 * vector; accessors hand out the arrays themselves for zero-copy hot loops, and callers must not modify them.
 */
public final class SparseVector {

    public static final SparseVector EMPTY = new SparseVector(new int[0], new float[0]);

    private final int[] termIds;
    private final float[] weights;

    private SparseVector(int[] termIds, float[] weights) {
        this.termIds = termIds;
        this.weights = weights;
    }

    /** Wraps already sorted arrays (no copy) after checking every invariant. */
    public static SparseVector ofSorted(int[] termIds, float[] weights) {
        checkLengths(termIds, weights);
        for (int i = 0; i < termIds.length; i++) {
            checkTerm(termIds[i]);
            checkWeight(termIds[i], weights[i]);
            if (i > 0 && termIds[i] <= termIds[i - 1]) {
                throw new IllegalArgumentException(termIds[i] == termIds[i - 1]
                        ? "duplicate term id " + termIds[i]
                        : "term ids not ascending: " + termIds[i - 1] + " before " + termIds[i]);
            }
        }
        return new SparseVector(termIds, weights);
    }

    /** Copies and sorts the pairs by term id; duplicates and bad weights are rejected, not merged. */
    public static SparseVector of(int[] termIds, float[] weights) {
        checkLengths(termIds, weights);
        int n = termIds.length;
        long[] packed = new long[n];
        for (int i = 0; i < n; i++) {
            checkTerm(termIds[i]);
            checkWeight(termIds[i], weights[i]);
            packed[i] = ((long) termIds[i] << 32) | i;
        }
        Arrays.sort(packed);
        int[] ids = new int[n];
        float[] ws = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = (int) (packed[i] >>> 32);
            ws[i] = weights[(int) packed[i]];
            if (i > 0 && ids[i] == ids[i - 1]) {
                throw new IllegalArgumentException("duplicate term id " + ids[i]);
            }
        }
        return new SparseVector(ids, ws);
    }

    private static void checkLengths(int[] termIds, float[] weights) {
        if (termIds == null || weights == null) {
            throw new IllegalArgumentException("term ids and weights must not be null");
        }
        if (termIds.length != weights.length) {
            throw new IllegalArgumentException(
                    "term ids and weights differ in length: " + termIds.length + " != " + weights.length);
        }
    }

    private static void checkTerm(int termId) {
        if (termId < 0) {
            throw new IllegalArgumentException("negative term id " + termId);
        }
    }

    private static void checkWeight(int termId, float weight) {
        if (!(weight >= 0f) || weight == Float.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("weight of term " + termId + " must be finite and >= 0, was " + weight);
        }
    }

    public int nnz() {
        return termIds.length;
    }

    public int termId(int i) {
        return termIds[i];
    }

    public float weight(int i) {
        return weights[i];
    }

    /** The backing array; read-only by contract. */
    public int[] termIds() {
        return termIds;
    }

    /** The backing array; read-only by contract. */
    public float[] weights() {
        return weights;
    }

    /** Weight of {@code termId}, 0 when absent (binary search). */
    public float weightOf(int termId) {
        int i = Arrays.binarySearch(termIds, termId);
        return i >= 0 ? weights[i] : 0f;
    }

    /** Exact inner product by a merge over both sorted id arrays. */
    public float dot(SparseVector other) {
        return dot(termIds, weights, termIds.length, other.termIds, other.weights, other.termIds.length);
    }

    /** Merge-join inner product over two sorted (id, weight) runs. */
    static float dot(int[] aIds, float[] aW, int aLen, int[] bIds, float[] bW, int bLen) {
        float sum = 0f;
        int i = 0;
        int j = 0;
        // invariant: every pair with ids below aIds[i] and bIds[j] has been accounted for
        while (i < aLen && j < bLen) {
            int a = aIds[i];
            int b = bIds[j];
            if (a == b) {
                sum += aW[i++] * bW[j++];
            } else if (a < b) {
                i++;
            } else {
                j++;
            }
        }
        return sum;
    }

    /** Keeps the {@code maxTerms} heaviest entries with weight {@code >= minWeight} (ties: lower term id wins). */
    public SparseVector prune(int maxTerms, float minWeight) {
        if (maxTerms < 0) {
            throw new IllegalArgumentException("maxTerms must be >= 0, was " + maxTerms);
        }
        int n = termIds.length;
        int kept = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] >= minWeight && weights[i] > 0f) {
                kept++;
            }
        }
        if (kept <= maxTerms && kept == n) {
            return this;
        }
        // sort candidate positions by weight desc, then id asc; vectors are short (hundreds), done once per doc
        long[] keys = new long[kept];
        int k = 0;
        for (int i = 0; i < n; i++) {
            if (weights[i] >= minWeight && weights[i] > 0f) {
                // weights are >= 0 so their IEEE bits order like the values; invert for descending order
                keys[k++] = ((long) (Integer.MAX_VALUE - Float.floatToIntBits(weights[i])) << 32) | i;
            }
        }
        Arrays.sort(keys);
        int m = Math.min(maxTerms, kept);
        int[] positions = new int[m];
        for (int i = 0; i < m; i++) {
            positions[i] = (int) keys[i];
        }
        Arrays.sort(positions);
        int[] ids = new int[m];
        float[] ws = new float[m];
        for (int i = 0; i < m; i++) {
            ids[i] = termIds[positions[i]];
            ws[i] = weights[positions[i]];
        }
        return new SparseVector(ids, ws);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SparseVector v && Arrays.equals(termIds, v.termIds) && Arrays.equals(weights, v.weights);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(termIds) + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SparseVector{");
        for (int i = 0; i < Math.min(termIds.length, 16); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(termIds[i]).append(':').append(weights[i]);
        }
        if (termIds.length > 16) {
            sb.append(", ... (").append(termIds.length).append(" terms)");
        }
        return sb.append('}').toString();
    }
}
