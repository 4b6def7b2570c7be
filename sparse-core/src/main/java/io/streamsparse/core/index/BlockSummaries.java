package io.streamsparse.core.index;

import com.carrotsearch.hppc.ByteArrayList;
import com.carrotsearch.hppc.FloatArrayList;
import com.carrotsearch.hppc.IntArrayList;

/**
 * The block summaries of one inverted list: for block {@code b}, the run {@code terms/codes[start[b] .. start[b+1])}
 * (term ids ascending) with weight {@code code · scale[b]}.
 *
 * <p>Invariants: codes are u8 ({@link #MAX_CODE}), rounded up when quantized, so for every term in block
 * {@code b}'s summary, {@code code · scale[b] >=} the stored weight of that term in every document of the block that
 * was live when the summary was made or raised; documents only ever leave a block or die afterwards, so the bound holds
 * for the live content at all times. A summary may leave terms out (α-mass pruning, a cap on its size): then its score
 * underestimates the block, which {@link ApproximateTraversal} calibrates for. The list's own term is in every summary.
 * Immutable once built; readers share it without synchronization (final fields).
 */
final class BlockSummaries {
    /** Summary weights are u8 codes. */
    static final int MAX_CODE = 255;
    static final BlockSummaries NONE = new BlockSummaries(new int[] {0}, new int[0], new byte[0], new float[0]);

    final int[] start;
    final int[] terms;
    final byte[] codes;
    final float[] scale;

    BlockSummaries(int[] start, int[] terms, byte[] codes, float[] scale) {
        this.start = start;
        this.terms = terms;
        this.codes = codes;
        this.scale = scale;
    }

    int blocks() {
        return scale.length;
    }

    int entries() {
        return terms.length;
    }

    /** The smallest float scale with {@code MAX_CODE · scale >= max} (0 for max 0). */
    static float quantizationScale(float max) {
        if (!(max > 0f)) {
            return 0f;
        }
        float scale = max / MAX_CODE;
        while (MAX_CODE * scale < max) {
            scale = Math.nextUp(scale);
        }
        return scale;
    }

    /** The smallest code with {@code code · scale >= w}, for {@code w <= MAX_CODE · scale}. */
    static int ceilCode(float w, float scale) {
        if (!(w > 0f)) {
            return 0;
        }
        int c = Math.min(MAX_CODE, (int) Math.ceil(w / scale));
        while (c * scale < w) {
            c++;
        }
        return c;
    }

    /** Accumulates summaries block by block; reusable after {@link #build()} and {@link #clear()}. */
    static final class Builder {
        private final IntArrayList start = new IntArrayList();
        private final IntArrayList terms = new IntArrayList();
        private final ByteArrayList codes = new ByteArrayList();
        private final FloatArrayList scale = new FloatArrayList();

        Builder() {
            clear();
        }

        void clear() {
            start.clear();
            start.add(0);
            terms.clear();
            codes.clear();
            scale.clear();
        }

        /** Adds a coordinate to the open block (terms must ascend within it). */
        void add(int term, int code) {
            terms.add(term);
            codes.add((byte) code);
        }

        /** Closes the open block with its scale. */
        void endBlock(float blockScale) {
            start.add(terms.size());
            scale.add(blockScale);
        }

        /** Appends block {@code b} of {@code from} unchanged. */
        void copyBlock(BlockSummaries from, int b) {
            int lo = from.start[b];
            int n = from.start[b + 1] - lo;
            terms.add(from.terms, lo, n);
            codes.add(from.codes, lo, n);
            endBlock(from.scale[b]);
        }

        BlockSummaries build() {
            return new BlockSummaries(start.toArray(), terms.toArray(), codes.toArray(), scale.toArray());
        }
    }
}
