package io.streamsparse.tools.ingest;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Validation and normalisation of one input line of the bulk ingest: pure (no I/O), one instance per ingest run
 * (not thread-safe only in that the caller owns it; it keeps no state between lines).
 *
 * <p>Accepted input, one JSON object per line (UTF-8):
 * <pre>
 *   document := {"id": ID, "text": STRING [, "title": STRING | null] [, "fields": {KEY: STRING, ...} | null]
 *                [, "delete": false]}
 *   delete   := {"id": ID, "delete": true}
 *   ID       := a string of 1..{@value #MAX_ID_CHARS} chars, not all whitespace
 * </pre>
 * Any other top-level key, a duplicate key, trailing content after the object, invalid UTF-8, a non-string field
 * value, an empty field key, or a document whose {@code title} and {@code text} are both blank is rejected with a
 * reason naming the offending key or value. Blank lines (only JSON whitespace) are neither documents nor errors.
 *
 * <p>Output (the Kafka record of topic {@code documents}): key = the id; value = {@code null} for a delete (a
 * tombstone), otherwise the compact JSON object {@code {"id":..,"title":..,"text":..,"fields":{..}}} with the keys
 * in exactly this order, {@code title} {@code ""} when absent or null, {@code fields} {@code {}} when absent or
 * null, field entries in input order, and string contents unchanged. A value of more than {@code maxValueBytes}
 * UTF-8 bytes is rejected; the limit applies to this normalised value, not to the raw line.
 */
final class DocumentLines {

    /** Longest accepted id, in UTF-16 chars. */
    static final int MAX_ID_CHARS = 512;

    private static final Set<String> KEYS = Set.of("id", "title", "text", "fields", "delete");
    private static final String ALLOWED = "id, title, text, fields, delete";

    /** What one line turned into. */
    sealed interface Verdict permits Accepted, Rejected, Blank {
    }

    /**
     * A record to send: {@code value == null} is a delete (tombstone). The value array is owned by the verdict.
     */
    record Accepted(String id, byte[] value) implements Verdict {
        boolean isDelete() {
            return value == null;
        }
    }

    /** A bad line; {@code reason} says which key or value is wrong, with the value where short enough. */
    record Rejected(String reason) implements Verdict {
    }

    /** A line of JSON whitespace only. */
    enum Blank implements Verdict {
        INSTANCE
    }

    private final int maxValueBytes;
    private final JsonMapper json;

    DocumentLines(int maxValueBytes) {
        if (maxValueBytes < 64) {
            throw new IllegalArgumentException("maxValueBytes must be at least 64, got " + maxValueBytes);
        }
        this.maxValueBytes = maxValueBytes;
        this.json = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    int maxValueBytes() {
        return maxValueBytes;
    }

    /** Checks {@code line[offset, offset + length)}, the bytes of one line without its {@code '\n'}. */
    Verdict check(byte[] line, int offset, int length) {
        if (isBlank(line, offset, length)) {
            return Blank.INSTANCE;
        }
        JsonNode root;
        try {
            root = json.readTree(line, offset, length);
        } catch (JacksonException e) {
            return new Rejected("not valid JSON: " + describe(e));
        }
        if (root == null || !root.isObject()) {
            return new Rejected("expected a JSON object, got " + typeOf(root));
        }
        for (String key : root.propertyNames()) {
            if (!KEYS.contains(key)) {
                return new Rejected("unknown key \"" + clip(key) + "\" (allowed: " + ALLOWED + ")");
            }
        }
        JsonNode idNode = root.get("id");
        if (idNode == null) {
            return new Rejected("missing \"id\"");
        }
        if (!idNode.isString()) {
            return new Rejected("\"id\" must be a string, got " + typeOf(idNode));
        }
        String id = idNode.stringValue();
        if (id.isBlank()) {
            return new Rejected("\"id\" is empty");
        }
        if (id.length() > MAX_ID_CHARS) {
            return new Rejected("\"id\" has " + id.length() + " chars (max " + MAX_ID_CHARS + "): \""
                    + clip(id) + "\"");
        }
        JsonNode deleteNode = root.get("delete");
        if (deleteNode != null && !deleteNode.isBoolean()) {
            return new Rejected("\"delete\" must be true or false, got " + typeOf(deleteNode));
        }
        if (deleteNode != null && deleteNode.booleanValue()) {
            for (String key : root.propertyNames()) {
                if (!key.equals("id") && !key.equals("delete")) {
                    return new Rejected("a delete line has only \"id\" and \"delete\", found \"" + key + "\"");
                }
            }
            return new Accepted(id, null);
        }
        return document(root, id);
    }

    private Verdict document(JsonNode root, String id) {
        JsonNode textNode = root.get("text");
        if (textNode == null) {
            return new Rejected("missing \"text\"");
        }
        if (!textNode.isString()) {
            return new Rejected("\"text\" must be a string, got " + typeOf(textNode));
        }
        JsonNode titleNode = root.get("title");
        if (titleNode != null && !titleNode.isNull() && !titleNode.isString()) {
            return new Rejected("\"title\" must be a string, got " + typeOf(titleNode));
        }
        String title = titleNode == null || titleNode.isNull() ? "" : titleNode.stringValue();
        String text = textNode.stringValue();
        if (title.isBlank() && text.isBlank()) {
            return new Rejected("\"text\" and \"title\" are both empty: nothing to encode");
        }
        JsonNode fieldsNode = root.get("fields");
        ObjectNode out = json.createObjectNode();
        out.put("id", id);
        out.put("title", title);
        out.put("text", text);
        ObjectNode fields = out.putObject("fields");
        if (fieldsNode != null && !fieldsNode.isNull()) {
            if (!fieldsNode.isObject()) {
                return new Rejected("\"fields\" must be an object of strings, got " + typeOf(fieldsNode));
            }
            for (Map.Entry<String, JsonNode> field : fieldsNode.properties()) {
                if (field.getKey().isEmpty()) {
                    return new Rejected("\"fields\" has an empty key");
                }
                if (!field.getValue().isString()) {
                    return new Rejected("\"fields." + clip(field.getKey()) + "\" must be a string, got "
                            + typeOf(field.getValue()));
                }
                fields.put(field.getKey(), field.getValue().stringValue());
            }
        }
        byte[] value = json.writeValueAsBytes(out);
        if (value.length > maxValueBytes) {
            return new Rejected("document is " + value.length + " bytes after normalisation (max " + maxValueBytes
                    + ")");
        }
        return new Accepted(id, value);
    }

    /** JSON whitespace: space, tab, carriage return (the reader strips the line feed). */
    static boolean isBlank(byte[] line, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static String describe(JacksonException e) {
        String message = e.getOriginalMessage();
        int newline = message == null ? -1 : message.indexOf('\n');
        String first = message == null ? e.getClass().getSimpleName() : newline < 0 ? message
                : message.substring(0, newline);
        TokenStreamLocation at = e.getLocation();
        if (at != null && at.getColumnNr() > 0) {
            return first + " (column " + at.getColumnNr() + ")";
        }
        return first;
    }

    private static String typeOf(JsonNode node) {
        return node == null ? "nothing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** Shortens user text quoted in a reason. */
    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
