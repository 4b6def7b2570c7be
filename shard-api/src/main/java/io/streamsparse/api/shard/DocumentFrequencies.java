package io.streamsparse.api.shard;

/**
 * Exact document frequencies of term ids {@code [0, df.length)} over a shard's live documents.
 *
 * @param shard     the shard
 * @param documents live documents
 * @param df        {@code df[t]} = live documents containing term t
 */
public record DocumentFrequencies(int shard, int documents, int[] df) {
}
