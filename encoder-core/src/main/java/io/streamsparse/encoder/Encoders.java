package io.streamsparse.encoder;

/**
 * Builds the configured encoders: documents always through the ONNX model; queries through the same kind of model
 * ({@link QueryEncoding#MODEL}) or inference-free ({@link QueryEncoding#INFERENCE_FREE}).
 */
public final class Encoders {

    private Encoders() {
    }

    /** The document encoder of {@code config}. */
    public static OnnxSparseEncoder documentEncoder(EncoderConfig config) {
        return OnnxSparseEncoder.open(config);
    }

    /** The query encoder of {@code mode} ({@code model} or {@code inference-free}); IDF not weighted by count. */
    public static SparseEncoder queryEncoder(String mode, EncoderConfig config, DocumentFrequencies frequencies) {
        return queryEncoder(QueryEncoding.parse(mode), config, frequencies, false);
    }

    /**
     * The query encoder of {@code mode}.
     *
     * @param frequencies   corpus statistics; required for {@link QueryEncoding#INFERENCE_FREE}, ignored (may be
     *                      null) for {@link QueryEncoding#MODEL}
     * @param weightByCount inference-free only: multiply a term's IDF by its count in the query
     */
    public static SparseEncoder queryEncoder(QueryEncoding mode, EncoderConfig config, DocumentFrequencies frequencies,
            boolean weightByCount) {
        if (mode == null) {
            throw new IllegalArgumentException("query encoding must not be null");
        }
        return switch (mode) {
            case MODEL -> OnnxSparseEncoder.open(config);
            case INFERENCE_FREE -> InferenceFreeQueryEncoder.open(config, frequencies, weightByCount);
        };
    }
}
