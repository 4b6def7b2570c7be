package io.streamsparse.api.shard;

import java.util.List;

/**
 * A shard's answer.
 *
 * @param shard      the shard (= partition of {@code sparse-vectors})
 * @param offset     the shard's applied offset when the search started (-1: empty)
 * @param scoredDocs documents whose exact score was computed
 * @param tookMicros time spent searching inside the shard
 * @param hits       at most k hits, score descending, ties by id ascending
 */
public record ShardSearchResponse(int shard, long offset, int scoredDocs, long tookMicros, List<Hit> hits) {

    public ShardSearchResponse {
        hits = hits == null ? List.of() : List.copyOf(hits);
    }
}
