package io.streamsparse.api.shard;

/**
 * A sparse query to one shard: parallel arrays of term ids and weights plus search options. Checked here, once, for
 * what holds whatever the service's configuration: both arrays present and of one length, every weight finite and
 * within {@code [0, MAX_WEIGHT]} (so that a score, a sum of at most a query's terms of weight products, stays
 * finite). Configured limits (largest k, most terms) are the index service's to check.
 *
 * @param terms      term ids (vocabulary ids of the documents' encoder), distinct
 * @param weights    the query weight of each term
 * @param k          hits wanted; null = 10
 * @param filter     keyword filter expression ({@code section:web AND (source:a OR source:b)}); null = none
 * @param mode       {@code approximate} (null) or {@code exact}
 * @param queryCut   approximate search: how many of the heaviest query terms are traversed; null = the shard's
 *                   default
 * @param heapFactor approximate search: block-skipping factor; null = the shard's default
 * @param explain    true: each hit carries its {@link Hit#explanation() explanation}; null = false
 */
public record ShardSearchRequest(int[] terms, float[] weights, Integer k, String filter, String mode,
        Integer queryCut, Float heapFactor, Boolean explain) {

    /** Largest query weight accepted: far above any encoder's output, far below overflow. */
    public static final float MAX_WEIGHT = 1000f;

    public ShardSearchRequest {
        if (terms == null || weights == null) {
            throw new IllegalArgumentException("'terms' and 'weights' are required arrays");
        }
        if (terms.length != weights.length) {
            throw new IllegalArgumentException("'terms' has " + terms.length + " entries but 'weights' has "
                    + weights.length);
        }
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0f && weights[i] <= MAX_WEIGHT)) { // also false for NaN
                throw new IllegalArgumentException("weights[" + i + "] must be finite and in [0, " + MAX_WEIGHT
                        + "], was " + weights[i]);
            }
        }
    }

    /** A request without explanations. */
    public ShardSearchRequest(int[] terms, float[] weights, Integer k, String filter, String mode, Integer queryCut,
            Float heapFactor) {
        this(terms, weights, k, filter, mode, queryCut, heapFactor, null);
    }

    /** The same query asking for {@code value} hits. */
    public ShardSearchRequest withK(int value) {
        return new ShardSearchRequest(terms, weights, value, filter, mode, queryCut, heapFactor, explain);
    }

    /** True when the hits should carry explanations. */
    public boolean explained() {
        return Boolean.TRUE.equals(explain);
    }
}
