package io.streamsparse.encoder;

import io.streamsparse.core.vector.SparseVector;
import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Stateless kernels that turn model outputs into sparse vectors.
 *
 * <p>SPLADE max pooling: {@code w_j = max_s log(1 + relu(logit[s][j]))} over the unmasked positions {@code s}.
 * Since {@code log(1 + relu(x))} is monotone, this equals {@code log1p(max(0, max_s logit[s][j]))}: the hot loop only
 * takes a running maximum (floor 0, which is the relu) and the logarithm is taken once per surviving term. The
 * special-token <em>positions</em> ({@code [CLS]}, {@code [SEP]}) take part in the maximum like any unmasked
 * position, as in SPLADE and in a graph with the pooling inside; the special-token <em>ids</em> are removed from
 * the vocabulary of the result.
 *
 * <p>Layout: {@code logits} is row-major {@code [B][S][V]}; the rows of one text are contiguous, and with right
 * padding its unmasked positions are the first {@code length} rows.
 */
final class SpladeKernels {

    private SpladeKernels() {
    }

    /**
     * {@code acc[j] = max(0, max_{r < rows} logits[offset + r * vocab + j])} for {@code j < vocab}. NaN propagates
     * (Math.max semantics) so that {@link #toVector} can report it. Each row is first bulk-copied into {@code row}
     * (one memcpy out of the direct buffer) so the max loop runs over two heap float arrays, which C2 vectorizes;
     * an indexed {@code FloatBuffer.get} per element is bounds-checked and does not.
     */
    static void maxPool(FloatBuffer logits, int offset, int rows, int vocab, float[] row, float[] acc) {
        Arrays.fill(acc, 0, vocab, 0f);
        for (int r = 0; r < rows; r++) {
            logits.get(offset + r * vocab, row, 0, vocab);
            // invariant: acc[0..vocab) holds max(0, rows 0..r-1) on entry and max(0, rows 0..r) on exit
            for (int j = 0; j < vocab; j++) {
                acc[j] = Math.max(acc[j], row[j]);
            }
        }
    }

    /**
     * The vector of one text from {@code values[0..vocab)}: with {@code log1p}, values are pooled maxima and the
     * weight is {@code log1p(value)}; without, values are already weights (a model with the pooling inside).
     * Special ids are zeroed in {@code values} (it is scratch), weights {@code <= 0} or {@code < minWeight} dropped,
     * then the {@code maxTerms} heaviest kept, ties to the lower id: the same result as
     * {@code SparseVector.prune(maxTerms, minWeight)} over all weights, without computing or sorting them all.
     * A NaN or infinite output is an error of the model.
     *
     * <p>Cost: one scan of {@code vocab} values; when more than {@code maxTerms} terms pass the threshold (a dense
     * output), one quickselect over them; the logarithm only for the terms kept (plus float ties at the cut).
     */
    static SparseVector toVector(float[] values, int vocab, boolean log1p, int[] specialIds, float minWeight,
            int maxTerms, int[] idScratch, float[] valueScratch, float[] selectScratch) {
        for (int s : specialIds) {
            if (s < vocab) {
                values[s] = 0f;
            }
        }
        float min = minValue(minWeight, log1p);
        int n = 0;
        // invariant: idScratch/valueScratch[0..n) are the terms j' < j with value >= min, in id order
        for (int j = 0; j < vocab; j++) {
            float v = values[j];
            if (v >= min) {
                if (v == Float.POSITIVE_INFINITY) {
                    throw new IllegalStateException("model output is infinite at term " + j);
                }
                idScratch[n] = j;
                valueScratch[n] = v;
                n++;
            } else if (v != v) {
                throw new IllegalStateException("model output is NaN at term " + j);
            }
        }
        if (n == 0) {
            return SparseVector.EMPTY;
        }
        if (n <= maxTerms) {
            int[] ids = Arrays.copyOf(idScratch, n);
            float[] weights = new float[n];
            for (int i = 0; i < n; i++) {
                weights[i] = weight(valueScratch[i], log1p);
            }
            return SparseVector.ofSorted(ids, weights);
        }
        // more candidates than room: the cut is the maxTerms-th largest value; weights are a monotone (not strictly:
        // float rounding) function of values, so the kept set is every weight above the cut's weight, then the
        // lowest ids among the weights equal to it
        System.arraycopy(valueScratch, 0, selectScratch, 0, n);
        float cut = select(selectScratch, n, n - maxTerms);
        float cutWeight = weight(cut, log1p);
        float tieFloor = cut;   // smallest value whose weight equals cutWeight
        while (tieFloor > min && weight(Math.nextDown(tieFloor), log1p) == cutWeight) {
            tieFloor = Math.nextDown(tieFloor);
        }
        int above = 0;
        for (int i = 0; i < n; i++) {
            if (valueScratch[i] > cut && weight(valueScratch[i], log1p) > cutWeight) {
                above++;
            }
        }
        int tiesLeft = maxTerms - above;
        int[] ids = new int[maxTerms];
        float[] weights = new float[maxTerms];
        int k = 0;
        // invariant: ids[0..k) are the kept terms among candidates [0, i), ascending
        for (int i = 0; i < n && k < maxTerms; i++) {
            float v = valueScratch[i];
            if (v < tieFloor) {
                continue;
            }
            float w = weight(v, log1p);
            if (w > cutWeight || (w == cutWeight && tiesLeft-- > 0)) {
                ids[k] = idScratch[i];
                weights[k] = w;
                k++;
            }
        }
        return SparseVector.ofSorted(k == maxTerms ? ids : Arrays.copyOf(ids, k),
                k == maxTerms ? weights : Arrays.copyOf(weights, k));
    }

    private static float weight(float value, boolean log1p) {
        return log1p ? (float) Math.log1p(value) : value;
    }

    /** The smallest positive value whose weight is {@code >= minWeight}: a term is a candidate iff value >= it. */
    static float minValue(float minWeight, boolean log1p) {
        float v = log1p ? (float) Math.expm1(minWeight) : minWeight;
        v = Math.max(v, Float.MIN_VALUE);
        while (v > Float.MIN_VALUE && weight(Math.nextDown(v), log1p) >= minWeight) {
            v = Math.nextDown(v);
        }
        while (weight(v, log1p) < minWeight || weight(v, log1p) <= 0f) {
            v = Math.nextUp(v);
        }
        return v;
    }

    /**
     * The value of rank {@code rank} (0 = smallest) among {@code a[0..n)}, reordering {@code a}: iterative
     * quickselect with a median-of-three pivot; NaN-free input (checked by the caller).
     */
    static float select(float[] a, int n, int rank) {
        int lo = 0;
        int hi = n - 1;
        // invariant: the element of the wanted rank lies in a[lo..hi]; everything left of lo is <= it, right of hi >=
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            float x = a[lo];
            float y = a[mid];
            float z = a[hi];
            float pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            if (rank <= j) {
                hi = j;
            } else if (rank >= i) {
                lo = i;
            } else {
                return a[rank];
            }
        }
        return a[lo];
    }
}
