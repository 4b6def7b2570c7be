package io.streamsparse.api.shard;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One term a query and a hit share, and its share of the hit's score: {@code contribution = queryWeight ×
 * documentWeight}; a hit's contributions add up to its score (up to float rounding). The document weight is the
 * stored one (quantized, as scored).
 *
 * @param term           the term id (token id of the documents' encoder)
 * @param token          the token's text from the model's vocabulary; null from an index service (it has no
 *                       vocabulary text), set by the query service
 * @param queryWeight    the term's weight in the query vector
 * @param documentWeight the term's weight in the hit's stored vector
 * @param contribution   {@code queryWeight × documentWeight}
 */
public record TermContribution(int term, @JsonInclude(JsonInclude.Include.NON_NULL) String token, float queryWeight,
        float documentWeight, float contribution) {

    /** The same contribution named by {@code text}. */
    public TermContribution withToken(String text) {
        return new TermContribution(term, text, queryWeight, documentWeight, contribution);
    }
}
