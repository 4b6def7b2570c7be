package io.streamsparse.encoder;

import java.util.Locale;

/** How queries are encoded: by the same ONNX model as documents, or inference-free from token ids and IDF. */
public enum QueryEncoding {
    /** Run the model on the query (same contract as documents, usually with smaller limits). */
    MODEL("model"),
    /** Token ids weighted by IDF from the live index; no model inference at query time. */
    INFERENCE_FREE("inference-free");

    private final String configValue;

    QueryEncoding(String configValue) {
        this.configValue = configValue;
    }

    /** The spelling used in configuration files: {@code model} or {@code inference-free}. */
    public String configValue() {
        return configValue;
    }

    /** Parses {@code model} or {@code inference-free} (case-insensitive; {@code _} accepted for {@code -}). */
    public static QueryEncoding parse(String value) {
        if (value != null) {
            String v = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
            for (QueryEncoding e : values()) {
                if (e.configValue.equals(v)) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException(
                "query encoding must be 'model' or 'inference-free', was " + (value == null ? "null" : "'" + value + "'"));
    }
}
