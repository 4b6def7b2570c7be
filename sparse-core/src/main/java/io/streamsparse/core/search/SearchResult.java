package io.streamsparse.core.search;

import java.util.List;

/**
 * The answer of one shard.
 *
 * @param hits            at most k hits, score descending, ties by doc id ascending; only documents with a score
 *                        {@code > 0} are hits
 * @param scoredDocs      documents whose exact score was computed (the work done)
 * @param blocksEvaluated block summaries scored (approximate mode; 0 otherwise)
 * @param blocksSkipped   blocks skipped because their summary score was below the heap threshold
 * @param exact           true when the answer is exact (exact mode, or a selective filter fell back to exact scoring)
 * @param appliedOffset   the shard's applied offset at the moment the search started (-1: empty shard)
 */
public record SearchResult(List<Hit> hits, int scoredDocs, int blocksEvaluated, int blocksSkipped, boolean exact,
                           long appliedOffset) {

    public SearchResult {
        if (hits == null) {
            throw new IllegalArgumentException("hits must not be null");
        }
        hits = List.copyOf(hits);
    }
}
