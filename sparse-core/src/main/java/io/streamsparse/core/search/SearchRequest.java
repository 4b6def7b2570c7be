package io.streamsparse.core.search;

import io.streamsparse.core.vector.SparseVector;

/**
 * A top-k query against one shard.
 *
 * @param query  the query's sparse vector (term ids of the same vocabulary as the documents)
 * @param k      number of hits wanted, {@code 1 <= k <= MAX_K}
 * @param filter documents must match it; {@code null} means no filter
 * @param mode   approximate (default) or exact; {@code null} means {@link SearchMode#APPROXIMATE}
 * @param knobs  approximate-search knobs; {@code null} means {@link SearchKnobs#defaults()}
 */
public record SearchRequest(SparseVector query, int k, Filter filter, SearchMode mode, SearchKnobs knobs) {

    /** Largest k a shard answers; top-k heaps are sized by it. */
    public static final int MAX_K = 10_000;

    public SearchRequest {
        if (query == null) {
            throw new IllegalArgumentException("query must not be null");
        }
        if (k < 1 || k > MAX_K) {
            throw new IllegalArgumentException("k must be in [1, " + MAX_K + "], was " + k);
        }
        if (mode == null) {
            mode = SearchMode.APPROXIMATE;
        }
        if (knobs == null) {
            knobs = SearchKnobs.defaults();
        }
    }

    public static SearchRequest approximate(SparseVector query, int k) {
        return new SearchRequest(query, k, null, SearchMode.APPROXIMATE, null);
    }

    public static SearchRequest exact(SparseVector query, int k) {
        return new SearchRequest(query, k, null, SearchMode.EXACT, null);
    }

    public SearchRequest withFilter(Filter value) {
        return new SearchRequest(query, k, value, mode, knobs);
    }

    public SearchRequest withMode(SearchMode value) {
        return new SearchRequest(query, k, filter, value, knobs);
    }

    public SearchRequest withKnobs(SearchKnobs value) {
        return new SearchRequest(query, k, filter, mode, value);
    }
}
