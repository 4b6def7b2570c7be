package io.streamsparse.core.index;

/**
 * Bounded top-k of (slot, score) on two parallel arrays: a binary min-heap whose root is the worst kept entry.
 * "Worse" means lower score, and on equal scores the larger doc id, so the kept set and its order equal a full sort
 * by (score desc, docId asc) cut at k, whatever order candidates arrive in. Reused per thread; no allocation in
 * {@link #offer}.
 */
final class TopK {
    private int[] slots = new int[16];
    private float[] scores = new float[16];
    private int size;
    private int k;
    private DocMeta[] meta;

    void reset(int k, DocMeta[] meta) {
        this.k = k;
        this.meta = meta;
        this.size = 0;
        if (slots.length < k) {
            slots = new int[k];
            scores = new float[k];
        }
    }

    int size() {
        return size;
    }

    boolean full() {
        return size == k;
    }

    /** Score of the worst kept entry; candidates at or below it cannot enter once the heap is full. */
    float threshold() {
        return size == k ? scores[0] : 0f;
    }

    /** Keeps the candidate if it beats the worst kept one (only scores {@code > 0} are ever kept). */
    void offer(int slot, float score) {
        if (!(score > 0f)) {
            return;
        }
        if (size < k) {
            siftUp(slot, score);
            return;
        }
        if (!worse(scores[0], slots[0], score, slot)) {
            return;
        }
        siftDown(slot, score);
    }

    private void siftDown(int slot, float score) {
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < size && worse(scores[r], slots[r], scores[c], slots[c])) {
                c = r;
            }
            if (!worse(scores[c], slots[c], score, slot)) {
                break;
            }
            slots[i] = slots[c];
            scores[i] = scores[c];
            i = c;
        }
        slots[i] = slot;
        scores[i] = score;
    }

    /** True when (sa, a) ranks below (sb, b). */
    private boolean worse(float sa, int a, float sb, int b) {
        if (sa != sb) {
            return sa < sb;
        }
        return meta[a].docId().compareTo(meta[b].docId()) > 0;
    }

    /**
     * Replaces every held score by the exact {@link ScoreKernels#scoreSlot} of its slot and restores the heap order:
     * after an approximate traversal scored with {@link VectorKernels}, whose lane sums differ from the exact sum by
     * float rounding, so that results carry exact scores (k documents: negligible next to the traversal).
     */
    void rescoreExact(float[] q, View v) {
        int n = size;
        size = 0;
        for (int i = 0; i < n; i++) {
            int slot = slots[i];
            // entries [0, i) form the rebuilt heap; entry i is read before siftUp may overwrite it
            siftUp(slot, ScoreKernels.scoreSlot(q, v, slot));
        }
    }

    /** Adds an entry at the end of a heap with room for it and restores the order. */
    private void siftUp(int slot, float score) {
        int i = size++;
        // invariant: every entry below the hole at i is no worse than the hole's parent chain; sift the new
        // entry up while it is worse than its parent (the root is the worst kept entry)
        while (i > 0) {
            int p = (i - 1) >>> 1;
            if (!worse(score, slot, scores[p], slots[p])) {
                break;
            }
            slots[i] = slots[p];
            scores[i] = scores[p];
            i = p;
        }
        slots[i] = slot;
        scores[i] = score;
    }

    /** Empties the heap into best-first order: {@code outSlots[0]} is the best. Returns the count. */
    int drainBestFirst(int[] outSlots, float[] outScores) {
        int n = size;
        for (int i = n - 1; i >= 0; i--) {
            outSlots[i] = slots[0];
            outScores[i] = scores[0];
            int lastSlot = slots[size - 1];
            float lastScore = scores[size - 1];
            size--;
            if (size > 0) {
                siftDown(lastSlot, lastScore);
            }
        }
        return n;
    }
}
