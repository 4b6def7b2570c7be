package io.streamsparse.query;

import io.streamsparse.api.shard.Hit;
import io.streamsparse.api.shard.TermContribution;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.encoder.TokenVocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns the term ids of an explained answer into words: each hit's shared terms (computed by the shards) get their
 * token text, and the query vector is listed term by term, each marked as one of the query's own tokens or as an
 * expansion the model added. Token texts come from the query model's tokenizer vocabulary, which is the documents'
 * vocabulary (term id = token id on both sides).
 */
final class Explainer {

    private static final Comparator<QueryTerm> HEAVIEST_FIRST = Comparator
            .comparingDouble((QueryTerm t) -> -t.weight()).thenComparingInt(QueryTerm::term);

    private final TokenVocabulary vocabulary;

    Explainer(TokenVocabulary vocabulary) {
        this.vocabulary = vocabulary;
    }

    /** The query vector's terms, heaviest first. */
    List<QueryTerm> queryTerms(String text, SparseVector vector) {
        int[] ownTokens = vocabulary.tokenIds(text);
        List<QueryTerm> terms = new ArrayList<>(vector.nnz());
        for (int i = 0; i < vector.nnz(); i++) {
            int term = vector.termId(i);
            terms.add(new QueryTerm(term, vocabulary.token(term), vector.weight(i),
                    Arrays.binarySearch(ownTokens, term) >= 0));
        }
        terms.sort(HEAVIEST_FIRST);
        return terms;
    }

    /** The hits with token texts on their explanations (a hit without one stays as it is). */
    List<Hit> nameTerms(List<Hit> hits) {
        List<Hit> named = new ArrayList<>(hits.size());
        for (Hit hit : hits) {
            if (hit.explanation() == null) {
                named.add(hit);
                continue;
            }
            List<TermContribution> terms = new ArrayList<>(hit.explanation().size());
            hit.explanation().forEach(t -> terms.add(t.withToken(vocabulary.token(t.term()))));
            named.add(hit.withExplanation(terms));
        }
        return named;
    }
}
