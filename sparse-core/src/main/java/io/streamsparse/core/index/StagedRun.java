package io.streamsparse.core.index;

/**
 * A sealed run of staged slots {@code [from, to)} indexed by term: for each term, the run's slots that hold a
 * non-zero weight of it, ascending. Immutable once made; published inside a {@link View} (see {@link ShardWriter},
 * "Append path"), so that a search finds the staged documents of its heaviest query terms by one lookup per term
 * instead of scoring every staged document from the forward index.
 *
 * <p>Layout: {@code groupStart} has one entry per vocabulary term plus one; term {@code t}'s slots are
 * {@code slots[groupStart[t] .. groupStart[t + 1])}. Dense on purpose: a lookup is one read (a search makes one per
 * query term and run), and a run covers hundreds of documents, so the vocabulary-sized array costs less per document
 * than the postings themselves. Slots dead when the run was sealed are left out; slots that die later stay and
 * readers skip them by visibility. A run holds the postings the move into the tails would admit at sealing time
 * (non-zero weight, at least the list's pruning threshold), so a search scores about the staged documents the lists
 * will hold; at a million documents most postings of frequent terms fall below their list's threshold, and a run
 * without the filter made searches score several times more staged documents than the old full scan.
 */
final class StagedRun {
    static final StagedRun[] NONE = new StagedRun[0];

    /**
     * The writer's sequence number of this run (1, 2, … since the writer was made): a run sealed before a term's
     * admission threshold rose was filtered by the older, lower one (see {@link ShardWriter}, the move).
     */
    final long number;
    final int from;
    final int to;
    private final int[] groupStart;
    private final int[] slots;
    /** The terms with a non-empty group, ascending: a move visits these instead of the whole vocabulary. */
    private final int[] presentTerms;

    private StagedRun(long number, int from, int to, int[] groupStart, int[] slots, int[] presentTerms) {
        this.number = number;
        this.from = from;
        this.to = to;
        this.groupStart = groupStart;
        this.slots = slots;
        this.presentTerms = presentTerms;
    }

    /**
     * Indexes the postings of the slots {@code [from, to)} of {@code f} not dead yet by term, those with a non-zero
     * weight of at least {@code admitWeight[term]}. One pass over the forward entries collects the admitted (term,
     * slot) pairs into {@code pairTerm} / {@code pairSlot} (scratch, at least as long as the range's entries) while
     * counting per term; a counting sort then groups them by term, slots ascending within each.
     */
    static StagedRun seal(long number, ForwardIndex f, int from, int to, float[] admitWeight, int[] pairTerm,
                          int[] pairSlot) {
        int vocab = admitWeight.length;
        int[] groupStart = new int[vocab + 1];
        int pairs = collectAdmitted(f, from, to, admitWeight, pairTerm, pairSlot, groupStart, 1);
        int present = 0;
        for (int t = 0; t < vocab; t++) {
            if (groupStart[t + 1] != 0) {
                present++;
            }
        }
        int[] presentTerms = new int[present];
        present = 0;
        for (int t = 0; t < vocab; t++) {
            if (groupStart[t + 1] != 0) {
                presentTerms[present++] = t;
            }
            groupStart[t + 1] += groupStart[t];
        }
        int[] slots = new int[pairs];
        for (int i = 0; i < pairs; i++) {
            slots[groupStart[pairTerm[i]]++] = pairSlot[i]; // invariant: slots ascend within a group
        }
        // each groupStart[t] advanced to its group's end, which is the next group's start: shift back by one
        System.arraycopy(groupStart, 0, groupStart, 1, vocab - 1);
        groupStart[0] = 0;
        return new StagedRun(number, from, to, groupStart, slots, presentTerms);
    }

    /**
     * The admission rule of the move into the tails, shared by sealing and moving: collects the (term, slot) pairs of
     * the slots {@code [from, to)} of {@code f} not dead yet whose weight is non-zero and at least
     * {@code admitWeight[term]} into {@code pairTerm} / {@code pairSlot} (slot order), counting them in
     * {@code perTerm[term + shift]}; returns how many.
     */
    static int collectAdmitted(ForwardIndex f, int from, int to, float[] admitWeight, int[] pairTerm, int[] pairSlot,
                               int[] perTerm, int shift) {
        int pairs = 0;
        long[] died = f.died;
        for (int s = from; s < to; s++) {
            if (died[s] != 0) {
                continue; // replaced or deleted while staged: never listed
            }
            float scale = f.scale[s];
            for (int e = f.start[s], end = f.start[s + 1]; e < end; e++) {
                int t = f.terms[e];
                float w = f.code(e) * scale;
                // zero scores nothing; below the list's pruning threshold a batch build prunes it too
                if (w != 0f && w >= admitWeight[t]) {
                    perTerm[t + shift]++;
                    pairTerm[pairs] = t;
                    pairSlot[pairs++] = s;
                }
            }
        }
        return pairs;
    }

    /** Start of {@code term}'s slots in {@link #slots()}. */
    int groupFrom(int term) {
        return groupStart[term];
    }

    /** End (exclusive) of {@code term}'s slots in {@link #slots()}. */
    int groupTo(int term) {
        return groupStart[term + 1];
    }

    int[] slots() {
        return slots;
    }

    /** The terms with postings in this run, ascending. */
    int[] presentTerms() {
        return presentTerms;
    }

    /** Postings in this run. */
    int postings() {
        return slots.length;
    }

    long approxBytes() {
        return 48 + (long) groupStart.length * 4 + (long) slots.length * 4 + (long) presentTerms.length * 4;
    }
}
