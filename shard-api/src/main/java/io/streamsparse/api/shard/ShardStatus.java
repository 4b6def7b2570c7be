package io.streamsparse.api.shard;

/**
 * One shard served by an index-service instance.
 *
 * @param shard     the shard (= partition)
 * @param offset    applied offset
 * @param documents live documents
 * @param postings  forward postings (non-zeros over live documents)
 * @param ready     caught up with the partition's end as of start: queries may go here
 */
public record ShardStatus(int shard, long offset, int documents, long postings, boolean ready) {
}
