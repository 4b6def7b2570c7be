package io.streamsparse.core.index;

/**
 * Stateless scoring loops over flat arrays. The query is a dense {@code float[vocabularySize]} (zero outside its
 * terms), so a document score is one gather per stored entry with no branches: simple counted loops that C2 unrolls.
 * Scores of the same (query, document) pair are bit-identical wherever they are computed, because every path sums
 * the same entries in the same (term-id) order and applies the document scale once at the end.
 */
final class ScoreKernels {

    private ScoreKernels() {
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

    /** Σ q[terms[i]] · code[i] over a summary run (one-byte codes); multiply by the block scale after. */
    static float summaryDot(float[] q, int[] terms, byte[] codes, int from, int to) {
        float s = 0f;
        for (int i = from; i < to; i++) {
            s += q[terms[i]] * (codes[i] & 0xff);
        }
        return s;
    }
}
