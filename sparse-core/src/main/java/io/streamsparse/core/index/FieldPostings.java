package io.streamsparse.core.index;

import org.roaringbitmap.RoaringBitmap;

/**
 * The slots carrying one {@code field=value}: an immutable RoaringBitmap (never mutated once published) plus an
 * append-only tail of newer slots. Dead slots stay until the next merge or compaction; readers drop them by
 * visibility.
 */
final class FieldPostings {
    /** A tail longer than this (and than a quarter of the base) is merged into a new base. */
    static final int MERGE_MIN_TAIL = 4096;

    final RoaringBitmap base;
    /** Cardinality of {@link #base}, cached: the bitmap's own count walks its containers. */
    private final int baseCardinality;
    final IntTail tail = new IntTail();

    FieldPostings(RoaringBitmap base) {
        this.base = base;
        this.baseCardinality = base.getCardinality();
    }

    /** Reader: base ∪ tail as a bitmap the caller must not mutate when it is {@link #base}. */
    RoaringBitmap snapshot() {
        int n = tail.count();
        if (n == 0) {
            return base;
        }
        int[] a = tail.array();
        RoaringBitmap t = new RoaringBitmap();
        t.addN(a, 0, n);
        return RoaringBitmap.or(base, t);
    }

    /** Writer: true when the tail should be folded into a new base. */
    boolean needsMerge() {
        int n = tail.writerCount();
        return n > MERGE_MIN_TAIL && n > baseCardinality / 4;
    }

    /** Writer: a new object holding base ∪ tail, without the given dead slots' positions. */
    FieldPostings merged(long[] died) {
        RoaringBitmap b = base.clone();
        int n = tail.writerCount();
        int[] a = tail.writerArray();
        for (int i = 0; i < n; i++) {
            if (died[a[i]] == 0) {
                b.add(a[i]);
            }
        }
        b.runOptimize();
        return new FieldPostings(b);
    }
}
