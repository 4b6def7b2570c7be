package io.streamsparse.core.search;

/**
 * Query-time knobs of the approximate search (Seismic, SIGIR 2024). Exact search ignores all but
 * {@code filterExactMax}-style routing, which it does not need.
 *
 * @param queryCut       number of heaviest query terms whose inverted lists are traversed ({@code >= 1}); the rest
 *                       of the query still contributes to every exact document score
 * @param heapFactor     a block is skipped when its summary score is {@code < heapFactor ×} the current k-th best
 *                       score ({@code > 0}); below 1 visits more blocks (higher recall), above 1 fewer
 * @param filterExactMax a filtered query whose filter matches at most this many documents is answered by exact
 *                       scoring of exactly those documents instead of the approximate traversal ({@code >= 0})
 */
public record SearchKnobs(int queryCut, float heapFactor, int filterExactMax) {

    /**
     * Defaults for the vectors this system serves: the bundled model writes flat documents (128 similar weights each)
     * and 64-term queries, on which summaries are weak bounds, so the traversal must visit far more blocks than on
     * peaked SPLADE-like vectors. Candidates are screened by their sketch before the full dot product, and each
     * lighter query term's list must pass a higher bar (issue 10): at queryCut 15 / heapFactor 0.45 approximate
     * top-10 finds ~0.954 of the exact top-10 on 250k passages of the doc corpus at p50 ~0.5 ms (20 / 0.5: 0.956 at
     * ~0.57 ms); the index service uses these same values unless configured otherwise (docs/BENCHMARKS.md, issue 10).
     */
    public static final int DEFAULT_QUERY_CUT = 15;
    public static final float DEFAULT_HEAP_FACTOR = 0.45f;
    public static final int DEFAULT_FILTER_EXACT_MAX = 20_000;

    private static final SearchKnobs DEFAULTS =
            new SearchKnobs(DEFAULT_QUERY_CUT, DEFAULT_HEAP_FACTOR, DEFAULT_FILTER_EXACT_MAX);

    public SearchKnobs {
        if (queryCut < 1) {
            throw new IllegalArgumentException("queryCut must be >= 1, was " + queryCut);
        }
        if (!(heapFactor > 0f) || Float.isInfinite(heapFactor)) {
            throw new IllegalArgumentException("heapFactor must be finite and > 0, was " + heapFactor);
        }
        if (filterExactMax < 0) {
            throw new IllegalArgumentException("filterExactMax must be >= 0, was " + filterExactMax);
        }
    }

    public static SearchKnobs defaults() {
        return DEFAULTS;
    }

    public SearchKnobs withQueryCut(int value) {
        return new SearchKnobs(value, heapFactor, filterExactMax);
    }

    public SearchKnobs withHeapFactor(float value) {
        return new SearchKnobs(queryCut, value, filterExactMax);
    }

    public SearchKnobs withFilterExactMax(int value) {
        return new SearchKnobs(queryCut, heapFactor, value);
    }
}
