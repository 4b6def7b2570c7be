package io.streamsparse.api.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A shard's answer.
 *
 * @param shard      the shard (= partition of {@code sparse-vectors})
 * @param offset     the shard's applied offset when the search started (-1: empty)
 * @param scoredDocs documents whose exact score was computed
 * @param tookMicros time spent searching inside the shard
 * @param hits       at most k hits, score descending, ties by id ascending
 * @param lexicalHits the lexical index's top k for the request's lexical query, ordered like {@code hits}; empty
 *                    (and absent from the JSON) when the request had none
 */
public record ShardSearchResponse(int shard, long offset, int scoredDocs, long tookMicros, List<Hit> hits,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<Hit> lexicalHits) {

    public ShardSearchResponse {
        hits = hits == null ? List.of() : List.copyOf(hits);
        lexicalHits = lexicalHits == null ? List.of() : List.copyOf(lexicalHits);
    }

    /** An answer without lexical hits. */
    public ShardSearchResponse(int shard, long offset, int scoredDocs, long tookMicros, List<Hit> hits) {
        this(shard, offset, scoredDocs, tookMicros, hits, null);
    }
}
