package io.streamsparse.tools.eval;

import java.util.Arrays;

/**
 * Known-item retrieval metrics: every query has exactly one relevant document, so a query's whole outcome is the
 * rank of that document in the system's ranking ({@code 1} = first), or {@link #NOT_FOUND} when it is not among the
 * {@code depth} results the system returned.
 *
 * <p>Definitions, each averaged over the queries added (a miss counts as 0):
 * <ul>
 *   <li>{@code MRR@k} = {@code 1 / rank} if {@code rank <= k};</li>
 *   <li>{@code R@k} = {@code 1} if {@code rank <= k} (recall with one relevant document);</li>
 *   <li>{@code nDCG@k} = {@code 1 / log2(rank + 1)} if {@code rank <= k} (the ideal DCG is 1: the one relevant
 *       document first).</li>
 * </ul>
 * A cutoff deeper than the depth the rankings were cut at cannot be answered and gives {@code NaN}. Ranks are kept
 * in a growing {@code int[]}; adding is O(1) amortized and a metric is one pass.
 */
final class RankMetrics {

    /** Rank of a relevant document that is not among the returned results. */
    static final int NOT_FOUND = 0;

    private final int depth;
    private int[] ranks = new int[1024];
    private int n;

    /** @param depth how many results each ranking holds at most ({@code >= 1}); deeper cutoffs give NaN */
    RankMetrics(int depth) {
        if (depth < 1) {
            throw new IllegalArgumentException("depth must be >= 1, was " + depth);
        }
        this.depth = depth;
    }

    /** Adds one query's outcome: the 1-based rank of its relevant document, or {@link #NOT_FOUND}. */
    void add(int rank) {
        if (rank < 0 || rank > depth) {
            throw new IllegalArgumentException("rank must be in [0, " + depth + "] (0 = not found), was " + rank);
        }
        if (n == ranks.length) {
            ranks = Arrays.copyOf(ranks, n * 2);
        }
        ranks[n++] = rank;
    }

    /** Adds all outcomes of {@code other} (same depth). */
    void addAll(RankMetrics other) {
        if (other.depth != depth) {
            throw new IllegalArgumentException("depths differ: " + other.depth + " != " + depth);
        }
        for (int i = 0; i < other.n; i++) {
            add(other.ranks[i]);
        }
    }

    int depth() {
        return depth;
    }

    int queries() {
        return n;
    }

    double mrrAt(int k) {
        checkCutoff(k);
        if (k > depth || n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int r = ranks[i];
            if (r != NOT_FOUND && r <= k) {
                sum += 1.0 / r;
            }
        }
        return sum / n;
    }

    double recallAt(int k) {
        checkCutoff(k);
        if (k > depth || n == 0) {
            return Double.NaN;
        }
        int hits = 0;
        for (int i = 0; i < n; i++) {
            int r = ranks[i];
            if (r != NOT_FOUND && r <= k) {
                hits++;
            }
        }
        return (double) hits / n;
    }

    double ndcgAt(int k) {
        checkCutoff(k);
        if (k > depth || n == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            int r = ranks[i];
            if (r != NOT_FOUND && r <= k) {
                sum += 1.0 / log2(r + 1);
            }
        }
        return sum / n;
    }

    private static void checkCutoff(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("cutoff must be >= 1, was " + k);
        }
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    /**
     * The 1-based rank of {@code relevant} among {@code ranked[0..length)}, or {@link #NOT_FOUND}. The ranking is
     * by position: ties in score are whatever order the system returned.
     */
    static int rankOf(int[] ranked, int length, int relevant) {
        for (int i = 0; i < length; i++) {
            if (ranked[i] == relevant) {
                return i + 1;
            }
        }
        return NOT_FOUND;
    }

    /**
     * Overlap of an approximate top-k with the exact top-k of the same query: {@code |A ∩ E| / |E|}, 1 when the
     * exact list is empty (nothing to find). Both lists hold distinct document numbers.
     */
    static double overlap(int[] approximate, int approximateLength, int[] exact, int exactLength) {
        if (exactLength == 0) {
            return 1.0;
        }
        int found = 0;
        for (int i = 0; i < exactLength; i++) {
            if (rankOf(approximate, approximateLength, exact[i]) != NOT_FOUND) {
                found++;
            }
        }
        return (double) found / exactLength;
    }
}
