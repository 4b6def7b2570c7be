package io.streamsparse.encoder;

/**
 * Configuration of a sparse encoder, checked once in the compact constructor.
 *
 * <p>Locations ({@code modelPath}, {@code tokenizerPath}) are a file system path, {@code classpath:<resource>}, or
 * {@value #DEFAULT_LOCATION} (also what {@code null} means) for the bundled default model
 * ({@value ModelResources#DEFAULT_MODEL_RESOURCE}) and its tokenizer ({@value ModelResources#DEFAULT_TOKENIZER_RESOURCE}).
 * Whether a location exists is checked when an encoder is opened, not here.
 *
 * @param modelPath      the ONNX model: output {@code logits [B,S,V]} or pooled weights {@code [B,V]}
 * @param tokenizerPath  the Hugging Face {@code tokenizer.json} matching the model
 * @param maxLength      token limit per text, special tokens included ({@code >= 2}); longer texts are truncated
 *                       and counted
 * @param maxTerms       at most this many (heaviest) terms per vector ({@code >= 1})
 * @param minWeight      terms lighter than this are dropped (finite, {@code >= 0})
 * @param intraOpThreads ONNX Runtime intra-op threads per session; {@code 0} = the processors shared out among the
 *                       sessions, or with one session the runtime's default (one per physical core)
 * @param sessions       number of ONNX Runtime sessions ({@code >= 1}); concurrent callers are spread over them
 *                       round robin, one session may serve several callers at once, and with more than one the
 *                       sub-batches of one call run on all of them in parallel (one thread each)
 * @param maxBatchSize   at most this many texts per model run ({@code >= 1}); longer lists are split into
 *                       length-sorted sub-batches
 * @param warmup         run the model once per session when opened, at the largest shape, so the first real
 *                       request does not pay for allocation and a model that cannot take {@code maxLength}
 *                       tokens fails at start
 */
public record EncoderConfig(
        String modelPath,
        String tokenizerPath,
        int maxLength,
        int maxTerms,
        float minWeight,
        int intraOpThreads,
        int sessions,
        int maxBatchSize,
        boolean warmup) {

    /** Location meaning "the model bundled in encoder-core". */
    public static final String DEFAULT_LOCATION = "classpath:default";
    /** Prefix of a class path resource location. */
    public static final String CLASSPATH_PREFIX = "classpath:";

    public static final int DEFAULT_DOCUMENT_MAX_LENGTH = 256;
    public static final int DEFAULT_DOCUMENT_MAX_TERMS = 128;
    public static final int DEFAULT_QUERY_MAX_LENGTH = 64;
    public static final int DEFAULT_QUERY_MAX_TERMS = 64;
    public static final float DEFAULT_MIN_WEIGHT = 0.01f;
    public static final int DEFAULT_MAX_BATCH_SIZE = 32;

    public EncoderConfig {
        modelPath = location("modelPath", modelPath);
        tokenizerPath = location("tokenizerPath", tokenizerPath);
        if (maxLength < 2) {
            throw new IllegalArgumentException(
                    "maxLength must be >= 2 (room for the special tokens), was " + maxLength);
        }
        if (maxTerms < 1) {
            throw new IllegalArgumentException("maxTerms must be >= 1, was " + maxTerms);
        }
        if (!(minWeight >= 0f) || Float.isInfinite(minWeight)) {
            throw new IllegalArgumentException("minWeight must be finite and >= 0, was " + minWeight);
        }
        if (intraOpThreads < 0) {
            throw new IllegalArgumentException(
                    "intraOpThreads must be >= 0 (0 = ONNX Runtime's default), was " + intraOpThreads);
        }
        if (sessions < 1) {
            throw new IllegalArgumentException("sessions must be >= 1, was " + sessions);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be >= 1, was " + maxBatchSize);
        }
    }

    private static String location(String name, String value) {
        if (value == null) {
            return DEFAULT_LOCATION;
        }
        String v = value.trim();
        if (v.isEmpty()) {
            throw new IllegalArgumentException(name + " must be a path, classpath:<resource> or "
                    + DEFAULT_LOCATION + " (or null), was '" + value + "'");
        }
        if (v.startsWith(CLASSPATH_PREFIX) && v.length() == CLASSPATH_PREFIX.length()) {
            throw new IllegalArgumentException(name + " names no class path resource: '" + value + "'");
        }
        return v;
    }

    /**
     * Defaults for documents: bundled model, 256 tokens, 128 terms (the cap the bundled model was trained with,
     * docs/MODEL_CARD.md), weight >= 0.01, batches of 32, warm-up.
     */
    public static EncoderConfig documentDefaults() {
        return new EncoderConfig(DEFAULT_LOCATION, DEFAULT_LOCATION, DEFAULT_DOCUMENT_MAX_LENGTH,
                DEFAULT_DOCUMENT_MAX_TERMS, DEFAULT_MIN_WEIGHT, 0, 1, DEFAULT_MAX_BATCH_SIZE, true);
    }

    /** Defaults for queries: bundled model, 64 tokens, 64 terms, weight >= 0.01, batches of 32, warm-up. */
    public static EncoderConfig queryDefaults() {
        return new EncoderConfig(DEFAULT_LOCATION, DEFAULT_LOCATION, DEFAULT_QUERY_MAX_LENGTH,
                DEFAULT_QUERY_MAX_TERMS, DEFAULT_MIN_WEIGHT, 0, 1, DEFAULT_MAX_BATCH_SIZE, true);
    }

    /** True when {@code location} names the bundled default. */
    public static boolean isDefault(String location) {
        return location == null || DEFAULT_LOCATION.equals(location.trim());
    }

    public EncoderConfig withModel(String modelPath, String tokenizerPath) {
        return new EncoderConfig(modelPath, tokenizerPath, maxLength, maxTerms, minWeight, intraOpThreads, sessions,
                maxBatchSize, warmup);
    }

    public EncoderConfig withMaxLength(int maxLength) {
        return new EncoderConfig(modelPath, tokenizerPath, maxLength, maxTerms, minWeight, intraOpThreads, sessions,
                maxBatchSize, warmup);
    }

    public EncoderConfig withPruning(int maxTerms, float minWeight) {
        return new EncoderConfig(modelPath, tokenizerPath, maxLength, maxTerms, minWeight, intraOpThreads, sessions,
                maxBatchSize, warmup);
    }

    public EncoderConfig withThreads(int intraOpThreads, int sessions) {
        return new EncoderConfig(modelPath, tokenizerPath, maxLength, maxTerms, minWeight, intraOpThreads, sessions,
                maxBatchSize, warmup);
    }

    public EncoderConfig withMaxBatchSize(int maxBatchSize) {
        return new EncoderConfig(modelPath, tokenizerPath, maxLength, maxTerms, minWeight, intraOpThreads, sessions,
                maxBatchSize, warmup);
    }

    public EncoderConfig withWarmup(boolean warmup) {
        return new EncoderConfig(modelPath, tokenizerPath, maxLength, maxTerms, minWeight, intraOpThreads, sessions,
                maxBatchSize, warmup);
    }
}
