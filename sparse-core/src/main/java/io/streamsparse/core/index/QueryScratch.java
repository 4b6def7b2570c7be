package io.streamsparse.core.index;

import java.util.Arrays;

/**
 * Per-thread reusable query buffers, so a search allocates only its result: the dense query, the "seen" marks
 * (an epoch per slot: a slot is seen in this query iff {@code seen[slot] == epoch}, so nothing is cleared between
 * queries), and the top-k heap.
 */
final class QueryScratch {
    final float[] dense;
    int[] seen = new int[0];
    int epoch;
    final TopK top = new TopK();
    int[] outSlots = new int[16];
    float[] outScores = new float[16];
    /** Counts of the last traversal: documents scored, blocks whose summary was scored, blocks skipped. */
    int scored;
    int evaluated;
    int skipped;
    /**
     * The traversal's calibration sums over the blocks visited so far in this query: best exact score found in a
     * block, and that block's summary score ({@link ApproximateTraversal}).
     */
    float trueScoreSum;
    float summaryScoreSum;

    QueryScratch(int vocabularySize) {
        dense = new float[vocabularySize];
    }

    /** Starts a query over {@code slotLimit} slots: bumps the epoch (clearing the marks only on wrap-around). */
    void beginSeen(int slotLimit) {
        if (seen.length < slotLimit) {
            seen = new int[Math.max(slotLimit, seen.length + (seen.length >>> 1))];
            epoch = 0;
        }
        if (++epoch == Integer.MAX_VALUE) {
            Arrays.fill(seen, 0);
            epoch = 1;
        }
    }

    /** Marks the slot seen; returns false when it already was in this query. */
    boolean markSeen(int slot) {
        if (seen[slot] == epoch) {
            return false;
        }
        seen[slot] = epoch;
        return true;
    }

    /** Scratch of {@link ScoreKernels#rankedDot}. */
    final int[] lanes = new int[ScoreKernels.rankedLanes()];
    /** Sink of {@link ScoreKernels#touchSketches}: a field, so that the JIT cannot drop the loads. */
    int touched;
    private int[] candidates = new int[64];
    private long[] termOrder = new long[64];
    private long[] blockOrder = new long[256];

    long[] termOrder(int n) {
        return termOrder = ArrayGrowth.scratch(termOrder, n);
    }

    int[] candidates(int n) {
        return candidates = ArrayGrowth.scratch(candidates, n);
    }

    long[] blockOrder(int n) {
        return blockOrder = ArrayGrowth.scratch(blockOrder, n);
    }

    void ensureOut(int k) {
        if (outSlots.length < k) {
            outSlots = new int[k];
            outScores = new float[k];
        }
    }
}
