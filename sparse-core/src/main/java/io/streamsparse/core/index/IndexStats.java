package io.streamsparse.core.index;

/**
 * A point-in-time summary of a shard index (read from the last published state; cheap, no scan).
 *
 * @param liveDocs             documents visible to searches
 * @param slots                document slots in use, live or dead (dead ones are reclaimed by
 *                             {@link ShardIndex#compact()})
 * @param forwardPostings      (term, weight) entries of the forward index, live documents only
 * @param listPostings         postings held by the inverted lists (blocked parts and tails, dead ones included)
 * @param blocks               blocks over all inverted lists
 * @param summaryEntries       (term, weight) entries over all block summaries
 * @param listsPendingReblock  lists whose tail or dead share passed the re-block thresholds and wait for re-blocking
 * @param forwardBytes         approximate heap bytes of the forward index (pool arrays, per-slot arrays)
 * @param listBytes            approximate heap bytes of the inverted lists and summaries
 * @param approxMemoryBytes    approximate heap bytes of the whole index, metadata strings excluded
 * @param appliedOffset        the last applied offset, -1 before anything
 */
public record IndexStats(int liveDocs, int slots, long forwardPostings, long listPostings, long blocks,
                         long summaryEntries, int listsPendingReblock, long forwardBytes, long listBytes,
                         long approxMemoryBytes, long appliedOffset) {
}
