package io.streamsparse.core.index;

/**
 * Stateless scoring loops over flat arrays. The query is a dense {@code float[vocabularySize]} (zero outside its
 * terms), so a document score is one gather per stored entry with no branches: simple counted loops that C2 unrolls.
 * Exact scores ({@link #scoreSlot}) of the same (query, document) pair are bit-identical wherever they are computed,
 * because every exact path sums the same entries in the same (term-id) order and applies the document scale once at
 * the end. The approximate traversal scores with {@link #approximateScoreSlot}, which takes the Vector API kernel
 * ({@link VectorKernels}) where {@link #VECTORIZED}: its scores may differ from exact ones by float rounding.
 */
final class ScoreKernels {

    /**
     * Whether the approximate traversal uses {@link VectorKernels}: wherever the JVM resolved
     * {@code jdk.incubator.vector} ({@code --add-modules jdk.incubator.vector}) and its preferred shape is wide enough,
     * unless switched off with the system property {@value #VECTOR_PROPERTY}{@code =false}; otherwise the scalar loop.
     * Lane sums round differently from the term-order sum, so the reader re-scores the k survivors of an approximate
     * traversal with {@link #scoreSlot} ({@link TopK#rescoreExact}): returned scores are exact ones either way.
     */
    static final boolean VECTORIZED = vectorApiUsable();
    static final String VECTOR_PROPERTY = "streamsparse.vector";

    private ScoreKernels() {
    }

    private static boolean vectorApiUsable() {
        if ("false".equalsIgnoreCase(System.getProperty(VECTOR_PROPERTY))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorKernels.usable();
        } catch (LinkageError e) {
            return false;
        }
    }

    /** Σ q[terms[i]] · code[i] over {@code [from, to)} with one-byte codes; multiply by the document scale after. */
    static float dotU8(float[] q, int[] terms, byte[] codes, int from, int to) {
        float s = 0f;
        for (int i = from; i < to; i++) {
            s += q[terms[i]] * (codes[i] & 0xff);
        }
        return s;
    }

    /** As {@link #dotU8} with two-byte little-endian codes at {@code codes[2i]}. */
    static float dotU16(float[] q, int[] terms, byte[] codes, int from, int to) {
        float s = 0f;
        for (int i = from; i < to; i++) {
            s += q[terms[i]] * ((codes[2 * i] & 0xff) | (codes[2 * i + 1] & 0xff) << 8);
        }
        return s;
    }

    /** Score of forward-index slot {@code slot}: the exact inner product with the stored (quantized) vector. */
    static float scoreSlot(float[] q, View v, int slot) {
        int from = v.start[slot];
        int to = v.start[slot + 1];
        float dot = v.codeBytes == 1 ? dotU8(q, v.terms, v.codes, from, to) : dotU16(q, v.terms, v.codes, from, to);
        return dot * v.scale[slot];
    }

    /**
     * Score of slot {@code slot} for the approximate traversal: {@link #scoreSlot} up to float rounding, through the
     * Vector API kernel where {@link #VECTORIZED} and the codes are u8.
     */
    static float approximateScoreSlot(float[] q, View v, int slot) {
        if (!VECTORIZED || v.codeBytes != 1) {
            return scoreSlot(q, v, slot);
        }
        return VectorKernels.dotU8(q, v.terms, v.codes, v.start[slot], v.start[slot + 1]) * v.scale[slot];
    }

    /**
     * Σ q[rankTerms[i]] · rankCodes[i] over {@code [from, to)} of the ranked copy ({@link ForwardIndex}); multiply by
     * the slot's scale (and {@code featureUnit}) after. Through {@link VectorKernels} where {@link #VECTORIZED};
     * {@code lanes} is scratch of {@link #rankedLanes()} ints.
     */
    static float rankedDot(float[] q, char[] rankTerms, byte[] rankCodes, int from, int to, int[] lanes) {
        if (VECTORIZED) {
            return VectorKernels.rankedDot(q, rankTerms, rankCodes, from, to, lanes);
        }
        float s = 0f;
        for (int i = from; i < to; i++) {
            s += q[rankTerms[i]] * (rankCodes[i] & 0xff);
        }
        return s;
    }

    /** Ints of scratch {@link #rankedDot} needs. */
    static int rankedLanes() {
        return VECTORIZED ? VectorKernels.lanes() : 0;
    }

    /**
     * The sketch score of slot {@code slot}: Σ over its {@link ForwardIndex#SKETCH_TERMS} heaviest entries (the head
     * of its ranked copy) of q[term] · weight (code8 precision), a lower bound of its score up to that precision,
     * read from one contiguous run; 0 where the view keeps no ranked copy.
     */
    static float sketchScore(float[] q, View v, int slot, int[] lanes) {
        if (v.rankTerms == null) {
            return 0f;
        }
        int from = v.start[slot];
        int head = Math.min(v.start[slot + 1], from + ForwardIndex.SKETCH_TERMS);
        return rankedDot(q, v.rankTerms, v.rankCodes, from, head, lanes) * v.scale[slot] * v.featureUnit;
    }

    /**
     * Loads one element of every cache line of the sketches (ranked-copy heads) of {@code slots[0 .. count)} and
     * returns their sum, so that the misses of a block's candidates overlap before they are scored (see
     * {@link ApproximateTraversal}); the caller stores the sum where the JIT cannot prove it unused.
     */
    static int touchSketches(View v, int[] slots, int count) {
        char[] rankTerms = v.rankTerms;
        byte[] rankCodes = v.rankCodes;
        int[] start = v.start;
        int sum = 0;
        for (int i = 0; i < count; i++) {
            int from = start[slots[i]];
            // a head is 64 entries: 128 bytes of terms (2 or 3 lines of 64 bytes) and 64 bytes of codes (1 or 2)
            sum += rankTerms[from] + rankTerms[from + 32] + rankTerms[from + ForwardIndex.SKETCH_TERMS - 1]
                    + rankCodes[from] + rankCodes[from + ForwardIndex.SKETCH_TERMS - 1];
        }
        return sum;
    }

    /**
     * Scores every block summary of {@code summaries} for the dense query {@code q} and writes
     * {@code keys[b] = (0x7fffffff - bits(max(0, bound_b))) << 32 | b}, so that sorting the keys ascending orders the
     * blocks best bound first (non-negative floats order like their bits). Through {@link VectorKernels} where
     * {@link #VECTORIZED} (the summary phase of a 15-term query on the real doc corpus: ~120 µs scalar, ~95 µs
     * vectorized; docs/BENCHMARKS.md, issue 10). One call per list with the loop inside, so that the kernel inlines
     * into one small compiled loop.
     */
    static void summaryOrder(float[] q, BlockSummaries summaries, long[] keys) {
        int[] start = summaries.start;
        int[] terms = summaries.terms;
        byte[] codes = summaries.codes;
        float[] scale = summaries.scale;
        for (int b = 0, blocks = summaries.blocks(); b < blocks; b++) {
            float dot = VECTORIZED ? VectorKernels.dotU8(q, terms, codes, start[b], start[b + 1])
                    : dotU8(q, terms, codes, start[b], start[b + 1]);
            keys[b] = ((long) (0x7fffffff - Float.floatToIntBits(Math.max(0f, dot * scale[b]))) << 32) | b;
        }
    }
}
