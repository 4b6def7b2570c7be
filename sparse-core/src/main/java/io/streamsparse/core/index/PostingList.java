package io.streamsparse.core.index;

/**
 * The inverted list of one term: an immutable blocked part plus an append-only tail of newer postings.
 *
 * <p>Blocked part invariants: block {@code b} holds slots {@code docs[blockStart[b] .. blockStart[b+1])}, ascending,
 * non-empty; {@code centroid[b]} is the slot whose vector the block was clustered around (its data stays in the
 * forward pool for the generation, even if that document has since died). Its summary is block {@code b} of
 * {@link #summaries} (an upper bound of the block's live content, see {@link BlockSummaries}).
 *
 * <p>Pruning: {@code minWeight} is the smallest weight a posting needs to be in this list (0: the list holds every
 * posting of the term). The tail holds slots appended since the blocked part was made, each with weight
 * {@code >= minWeight}. Dead postings stay until a re-blocking drops them (the writer counts them per term and asks
 * for that at half of {@link #deadLimit}); readers skip them by visibility.
 *
 * <p>Threading: the blocked part is final and published with the list object; the tail is the inherited
 * {@link IntTail} (same object, see there). The counters below the line are writer-only.
 */
final class PostingList extends IntTail {
    static final int[] NO_INTS = new int[0];

    final int term;
    final int[] docs;
    final int[] blockStart;
    final int[] centroid;
    final BlockSummaries summaries;
    final float minWeight;
    /** Re-block thresholds, fixed when the list is made: tail length and dead postings that mark it drifted. */
    final int tailLimit;
    final int deadLimit;

    // ---- writer-only bookkeeping ----
    /** Postings in the blocked part right after the last full clustering. */
    final int clusteredSize;
    /** Postings routed into the blocks by merges since the last full clustering. */
    final int churn;

    PostingList(int term, int[] docs, int[] blockStart, int[] centroid, BlockSummaries summaries, float minWeight,
                int clusteredSize, int churn, IndexConfig config) {
        super(tailLimit(config, docs.length));
        this.term = term;
        this.docs = docs;
        this.blockStart = blockStart;
        this.centroid = centroid;
        this.summaries = summaries;
        this.minWeight = minWeight;
        int minTail = config.reblockMinTail();
        this.tailLimit = tailLimit(config, docs.length);
        this.deadLimit = (int) Math.max(minTail, Math.ceil(config.reblockDeadFraction() * docs.length));
        this.clusteredSize = clusteredSize;
        this.churn = churn;
    }

    /**
     * The tail length that marks a list of {@code blocked} postings drifted; also the tail's initial capacity, so a
     * tail is allocated once per re-blocking instead of growing by copies on the append path (its memory is the
     * re-block fraction of the list, which a drifted list holds anyway).
     */
    static int tailLimit(IndexConfig config, int blocked) {
        return (int) Math.max(config.reblockMinTail(), Math.ceil(config.reblockTailFraction() * blocked));
    }

    /** An empty list (no blocks) that collects postings in its tail. */
    static PostingList empty(int term, float minWeight, IndexConfig config) {
        return new PostingList(term, NO_INTS, new int[] {0}, NO_INTS, BlockSummaries.NONE, minWeight, 0, 0, config);
    }

    /**
     * The tail passed this list's re-block threshold (the writer also re-blocks a list whose dead postings passed
     * {@link #deadLimit}; it counts those in a flat per-term array, so that a death touches no list object).
     */
    boolean tailFull() {
        return writerCount() >= tailLimit;
    }

    int blocks() {
        return centroid.length;
    }

    int blockedSize() {
        return docs.length;
    }

    long approxBytes() {
        return 64 + (long) docs.length * 4 + (long) centroid.length * (4 + 4 + 4 + 4) + (long) summaries.entries() * 5
                + (long) writerArray().length * 4;
    }
}
