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
     * The sketch score of slot {@code slot}: Σ over its {@link ForwardIndex#SKETCH_TERMS} heaviest entries of
     * q[term] · weight (code8 precision), a lower bound of its score up to that precision, read from one contiguous
     * run of packed ints.
     */
    static float sketchScore(float[] q, View v, int slot) {
        int[] sketch = v.sketch;
        float s = 0f;
        for (int i = slot * ForwardIndex.SKETCH_TERMS, end = i + ForwardIndex.SKETCH_TERMS; i < end; i++) {
            int packed = sketch[i];
            s += q[packed >>> 8] * (packed & 0xff);
        }
        return s * v.scale[slot] * v.featureUnit;
    }

    /**
     * Loads one int of every cache line of the sketches of {@code slots[0 .. count)} and returns their sum, so that
     * the misses of a block's candidates overlap before {@link #sketchScore} reads them (see
     * {@link ApproximateTraversal}); the caller stores the sum where the JIT cannot prove it unused.
     */
    static int touchSketches(View v, int[] slots, int count) {
        int[] sketch = v.sketch;
        int sum = 0;
        for (int i = 0; i < count; i++) {
            int base = slots[i] * ForwardIndex.SKETCH_TERMS;
            // a sketch is 256 bytes; the array header shifts it off line boundaries, so it spans 4 or 5 lines of
            // 64 bytes: one int per 16 and the last one touch each of them
            sum += sketch[base] + sketch[base + 16] + sketch[base + 32] + sketch[base + 48]
                    + sketch[base + ForwardIndex.SKETCH_TERMS - 1];
        }
        return sum;
    }

    /** Σ q[terms[i]] · code[i] over a summary run (one-byte codes); multiply by the block scale after. */
    static float summaryDot(float[] q, int[] terms, byte[] codes, int from, int to) {
        float s = 0f;
        for (int i = from; i < to; i++) {
            s += q[terms[i]] * (codes[i] & 0xff);
        }
        return s;
    }
}
