package io.streamsparse.api.http;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the services bind JSON request bodies, and how they say what is wrong with one they cannot bind.
 *
 * <p>Strict, because a silently coerced value answers a question nobody asked: a term id of {@code 100.7} or
 * {@code "100"} is rejected rather than read as 100, {@code null} for a primitive is rejected rather than read as 0,
 * an unknown field (a misspelt option) is rejected rather than ignored, and text after the JSON value is an error.
 * Nesting depth, number and string lengths are bounded by Jackson's stream-read constraints (depth 500 by default),
 * and the body size by each service's body limit.
 */
public final class StrictJson {

    private StrictJson() {
    }

    /** Applies the strict binding rules to a mapper builder (a Boot {@code JsonMapperBuilderCustomizer} calls it). */
    public static JsonMapper.Builder configure(JsonMapper.Builder builder) {
        return builder.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
    }

    /**
     * A one-line reason, for a client, why a request body could not be read: the value a record's compact
     * constructor rejected, the JSON path of a value of the wrong type, the position of a syntax error, or the
     * limit that was exceeded. Never a stack trace or a Java class name.
     */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                return t.getMessage();
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StreamConstraintsException e) {
                return "request body exceeds a parser limit: " + e.getOriginalMessage();
            }
            if (t instanceof StreamReadException e) {
                return "request body is not valid JSON: " + e.getOriginalMessage() + location(e);
            }
            if (t instanceof JacksonException e) {
                String path = e.getPathReference();
                return (path == null || path.isEmpty() ? "" : "at " + jsonPath(e) + ": ") + e.getOriginalMessage();
            }
        }
        return "request body must be a JSON object";
    }

    private static String location(JacksonException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    /** {@code k}, {@code terms[3]}: the path a client wrote, not Jackson's {@code Type["field"]} chain. */
    private static String jsonPath(JacksonException e) {
        StringBuilder out = new StringBuilder();
        for (JacksonException.Reference ref : e.getPath()) {
            if (ref.getPropertyName() != null) {
                out.append(out.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            }
        }
        return out.isEmpty() ? "$" : out.toString();
    }
}
