/**
 * The read-only query API of a shard: {@link io.streamsparse.core.search.ShardSearcher} answers a
 * {@link io.streamsparse.core.search.SearchRequest} (query vector, k, optional
 * {@link io.streamsparse.core.search.Filter}, {@link io.streamsparse.core.search.SearchMode}, approximate-search
 * {@link io.streamsparse.core.search.SearchKnobs}) with a {@link io.streamsparse.core.search.SearchResult} whose hits
 * are sorted by score descending, ties by doc id ascending, so results from several shards merge by the same rule.
 */
package io.streamsparse.core.search;
