package io.streamsparse.encoder;

/**
 * Corpus statistics for inference-free query encoding: how many live documents there are and how many of them
 * contain a term. The query service implements it by summing the exact per-shard running counts over the live
 * shards, so the statistics follow the corpus as it changes.
 *
 * <p>Implementations must be thread-safe and cheap (called once per distinct query term). Values need not be a
 * consistent snapshot: a frequency above the count (a race between two shards' sums) is clamped by the caller.
 * Negative values are bugs and are rejected.
 */
public interface DocumentFrequencies {

    /** Number of live documents, {@code >= 0}. */
    long documentCount();

    /** Number of live documents whose vector contains {@code termId}, {@code >= 0}. */
    int documentFrequency(int termId);
}
