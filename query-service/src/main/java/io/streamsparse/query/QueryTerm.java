package io.streamsparse.query;

/**
 * One term of the query vector.
 *
 * @param term    the term id
 * @param token   its token text
 * @param weight  its weight in the query vector
 * @param inQuery true when the query text itself has this token; false for a term the model added (expansion)
 */
public record QueryTerm(int term, String token, float weight, boolean inQuery) {
}
