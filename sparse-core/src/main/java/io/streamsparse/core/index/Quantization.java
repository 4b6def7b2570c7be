package io.streamsparse.core.index;

/**
 * How the forward index stores a document's weights: unsigned codes times one float scale per document
 * ({@code scale = maxWeight / maxCode}, {@code code = round(weight / scale)}). The relative error of a weight is at
 * most {@code 0.5 / maxCode} of the document's largest weight; weights below half a step store as code 0 (the term
 * stays in the document and counts in its document frequency, it just scores 0).
 */
public enum Quantization {
    /** One byte a weight, 255 steps. */
    U8(255),
    /** Two bytes a weight, 65535 steps. */
    U16(65535);

    private final int maxCode;

    Quantization(int maxCode) {
        this.maxCode = maxCode;
    }

    public int maxCode() {
        return maxCode;
    }

    /** Bytes per stored weight. */
    public int bytes() {
        return this == U8 ? 1 : 2;
    }
}
