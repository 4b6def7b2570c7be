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
 * @param lexicalTerms   hybrid retrieval: term ids of the lexical (BM25) query, searched in the shard's lexical
 *                       index with the same k, filter, mode and knobs, answered in
 *                       {@link ShardSearchResponse#lexicalHits()}; null (with {@code lexicalWeights}) = no lexical
 *                       search
 * @param lexicalWeights the lexical query's weights (its terms' IDF), checked like {@code weights}
 */
public record ShardSearchRequest(int[] terms, float[] weights, Integer k, String filter, String mode,
        Integer queryCut, Float heapFactor, Boolean explain, int[] lexicalTerms, float[] lexicalWeights) {

    /** Largest query weight accepted: far above any encoder's output, far below overflow. */
    public static final float MAX_WEIGHT = 1000f;

    public ShardSearchRequest {
        if (terms == null || weights == null) {
            throw new IllegalArgumentException("'terms' and 'weights' are required arrays");
        }
        checkQuery("terms", terms, "weights", weights);
        if ((lexicalTerms == null) != (lexicalWeights == null)) {
            throw new IllegalArgumentException("'lexicalTerms' and 'lexicalWeights' go together: give both or none");
        }
        if (lexicalTerms != null) {
            checkQuery("lexicalTerms", lexicalTerms, "lexicalWeights", lexicalWeights);
        }
    }

    private static void checkQuery(String termsName, int[] terms, String weightsName, float[] weights) {
        if (terms.length != weights.length) {
            throw new IllegalArgumentException("'" + termsName + "' has " + terms.length + " entries but '"
                    + weightsName + "' has " + weights.length);
        }
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0f && weights[i] <= MAX_WEIGHT)) { // also false for NaN
                throw new IllegalArgumentException(weightsName + "[" + i + "] must be finite and in [0, "
                        + MAX_WEIGHT + "], was " + weights[i]);
            }
        }
    }

    /** A learned-only request. */
    public ShardSearchRequest(int[] terms, float[] weights, Integer k, String filter, String mode, Integer queryCut,
            Float heapFactor, Boolean explain) {
        this(terms, weights, k, filter, mode, queryCut, heapFactor, explain, null, null);
    }

    /** A learned-only request without explanations. */
    public ShardSearchRequest(int[] terms, float[] weights, Integer k, String filter, String mode, Integer queryCut,
            Float heapFactor) {
        this(terms, weights, k, filter, mode, queryCut, heapFactor, null);
    }

    /** The same query asking for {@code value} hits. */
    public ShardSearchRequest withK(int value) {
        return new ShardSearchRequest(terms, weights, value, filter, mode, queryCut, heapFactor, explain,
                lexicalTerms, lexicalWeights);
    }

    /** The same query with a lexical query beside the learned one (hybrid retrieval). */
    public ShardSearchRequest withLexical(int[] termIds, float[] termWeights) {
        return new ShardSearchRequest(terms, weights, k, filter, mode, queryCut, heapFactor, explain, termIds,
                termWeights);
    }

    /** True when the shard should also search its lexical index. */
    public boolean hasLexical() {
        return lexicalTerms != null;
    }

    /** True when the hits should carry explanations. */
    public boolean explained() {
        return Boolean.TRUE.equals(explain);
    }
}
