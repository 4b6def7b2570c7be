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
     * then the {@code maxTerms} heaviest kept (ties: lower id). A NaN or infinite output is an error of the model.
     */
    static SparseVector toVector(float[] values, int vocab, boolean log1p, int[] specialIds, float minWeight,
            int maxTerms, int[] idScratch, float[] weightScratch) {
        for (int s : specialIds) {
            if (s < vocab) {
                values[s] = 0f;
            }
        }
        // a value below this cannot reach minWeight after log1p; exact check on the weight below
        float floor = log1p ? (float) Math.expm1(minWeight) * (1f - 1e-6f) : minWeight;
        int n = 0;
        for (int j = 0; j < vocab; j++) {
            float v = values[j];
            if (v > 0f && v >= floor) {
                if (v == Float.POSITIVE_INFINITY) {
                    throw new IllegalStateException("model output is infinite at term " + j);
                }
                float w = log1p ? (float) Math.log1p(v) : v;
                if (w >= minWeight) {
                    idScratch[n] = j;
                    weightScratch[n] = w;
                    n++;
                }
            } else if (v != v) {
                throw new IllegalStateException("model output is NaN at term " + j);
            }
        }
        if (n == 0) {
            return SparseVector.EMPTY;
        }
        return SparseVector.ofSorted(Arrays.copyOf(idScratch, n), Arrays.copyOf(weightScratch, n))
                .prune(maxTerms, minWeight);
    }
}
