package io.streamsparse.index;

import io.streamsparse.api.shard.TermContribution;
import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Why a document scored what it did: the terms its stored vector shares with the query, each with its product of
 * weights. A score is the inner product of the two sparse vectors, so these contributions are its exact terms.
 */
final class Explanations {

    /** Largest contribution first; ties by term id, so an explanation does not depend on anything but the vectors. */
    static final Comparator<TermContribution> LARGEST_FIRST = Comparator
            .comparingDouble((TermContribution c) -> -c.contribution()).thenComparingInt(TermContribution::term);

    private Explanations() {
    }

    /** The shared terms of {@code query} and {@code document} (both ascending by term id), largest first. */
    static List<TermContribution> of(SparseVector query, SparseVector document) {
        int[] queryTerms = query.termIds();
        int[] documentTerms = document.termIds();
        List<TermContribution> shared = new ArrayList<>();
        // invariant: every shared term below queryTerms[q] and documentTerms[d] has been added
        for (int q = 0, d = 0; q < queryTerms.length && d < documentTerms.length; ) {
            if (queryTerms[q] < documentTerms[d]) {
                q++;
            } else if (queryTerms[q] > documentTerms[d]) {
                d++;
            } else {
                float queryWeight = query.weight(q);
                float documentWeight = document.weight(d);
                shared.add(new TermContribution(queryTerms[q], null, queryWeight, documentWeight,
                        queryWeight * documentWeight));
                q++;
                d++;
            }
        }
        shared.sort(LARGEST_FIRST);
        return shared;
    }
}
