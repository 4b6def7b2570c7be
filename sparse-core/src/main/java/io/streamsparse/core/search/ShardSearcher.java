package io.streamsparse.core.search;

/**
 * The one read-only face of a shard: answers top-k queries. Implementations are safe for any number of concurrent
 * callers and never block on the shard's writer.
 */
public interface ShardSearcher {

    /** Top-{@code k} documents for the request; hits sorted by score descending, ties by doc id ascending. */
    SearchResult search(SearchRequest request);
}
