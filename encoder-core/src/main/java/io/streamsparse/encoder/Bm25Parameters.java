package io.streamsparse.encoder;

/**
 * BM25's document-side constants for {@link Bm25DocumentEncoder}.
 *
 * @param k1    term-frequency saturation, {@code >= 0} (0: a term counts once however often it occurs)
 * @param b     length normalisation in {@code [0, 1]} (0: none)
 * @param avgdl the average document length in tokens that {@code b} normalises against, {@code > 0}: a
 *              configured constant, not the live mean, so that a document's vector depends on its text alone
 */
public record Bm25Parameters(float k1, float b, float avgdl) {

    /**
     * k1 0.9 and b 0.4 (the project's BM25 baseline, Lucene's {@code BM25Similarity} in {@code tools evaluate});
     * avgdl 83, the mean WordPiece length (specials excluded) of the Debian set's 60,371 long descriptions.
     */
    public static final Bm25Parameters DEFAULTS = new Bm25Parameters(0.9f, 0.4f, 83f);

    public Bm25Parameters {
        if (!(k1 >= 0f) || Float.isInfinite(k1)) {
            throw new IllegalArgumentException("k1 must be finite and >= 0, was " + k1);
        }
        if (!(b >= 0f && b <= 1f)) {
            throw new IllegalArgumentException("b must be in [0, 1], was " + b);
        }
        if (!(avgdl > 0f) || Float.isInfinite(avgdl)) {
            throw new IllegalArgumentException("avgdl must be finite and > 0, was " + avgdl);
        }
    }

    /** {@code tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))}; {@code > 0} for {@code tf >= 1}. */
    public float saturatedFrequency(int tf, int dl) {
        if (tf < 1 || dl < tf) {
            throw new IllegalArgumentException("need 1 <= tf <= dl, were tf " + tf + ", dl " + dl);
        }
        double norm = k1 * (1 - b + b * dl / (double) avgdl);
        return (float) (tf * (k1 + 1.0) / (tf + norm));
    }
}
