package io.streamsparse.encoderservice;

import io.streamsparse.encoder.TextHygiene;
import java.nio.charset.CharacterCodingException;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates a {@code documents} record and turns it into a {@link SourceDocument}. Everything a producer can get
 * wrong is rejected here with a {@link RejectedDocumentException} whose message is the reason written to the
 * dead-letter topic: missing key, invalid UTF-8 (key or value) or JSON, wrong types, an id that disagrees with the
 * key, blank text, limits. Text rules (what is blank, which characters titles and snippets keep) are
 * {@link TextHygiene}'s, shared with HTTP ingest.
 */
public final class DocumentParser {

    static final int MAX_ID_CHARS = 512;
    static final int MAX_FIELDS = 64;
    static final int MAX_FIELD_CHARS = 256;
    static final int MAX_TITLE_CHARS = 1_000;

    private final JsonMapper json;
    private final int maxDocumentChars;
    private final int maxRecordBytes;

    public DocumentParser(JsonMapper json, int maxDocumentChars, int maxRecordBytes) {
        this.json = json;
        this.maxDocumentChars = maxDocumentChars;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** Parses a record whose key is still bytes: a key that is not valid UTF-8 is rejected, never turned into U+FFFD. */
    public SourceDocument parse(byte[] key, byte[] value) {
        return parse(decodeKey(key), value);
    }

    /** The record key as the document id: strict UTF-8; null when there is none. */
    public static String decodeKey(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return TextHygiene.decodeUtf8(key);
        } catch (CharacterCodingException e) {
            throw new RejectedDocumentException("key is not valid UTF-8 (" + key.length + " bytes)");
        }
    }

    public SourceDocument parse(String key, byte[] value) {
        if (key == null || key.isEmpty()) {
            throw new RejectedDocumentException("record has no key; the key must be the document id");
        }
        if (key.length() > MAX_ID_CHARS) {
            throw new RejectedDocumentException("key of " + key.length() + " chars exceeds " + MAX_ID_CHARS);
        }
        if (value.length > maxRecordBytes) {
            throw new RejectedDocumentException("value of " + value.length + " bytes exceeds " + maxRecordBytes);
        }
        JsonNode root;
        try {
            root = json.readTree(TextHygiene.decodeUtf8(value));
        } catch (CharacterCodingException e) {
            throw new RejectedDocumentException("value is not valid UTF-8");
        } catch (JacksonException e) {
            throw new RejectedDocumentException("value is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new RejectedDocumentException("value must be a JSON object, was " + describe(root));
        }
        JsonNode id = root.get("id");
        if (id != null && !id.isNull() && !(id.isString() && id.asString().equals(key))) {
            throw new RejectedDocumentException("id " + id + " does not match the record key \"" + key + "\"");
        }
        String title = optionalString(root, "title", MAX_TITLE_CHARS);
        JsonNode textNode = root.get("text");
        if (textNode == null || !textNode.isString()) {
            throw new RejectedDocumentException("'text' must be a string, was " + describe(textNode));
        }
        String text = TextHygiene.cleanBody(textNode.asString());
        if (TextHygiene.isBlank(text)) {
            throw new RejectedDocumentException("'text' is blank (only whitespace, format or control characters)");
        }
        if (text.length() > maxDocumentChars) {
            throw new RejectedDocumentException("'text' has " + text.length() + " chars; the limit is "
                    + maxDocumentChars);
        }
        return new SourceDocument(key, title, text, fields(root.get("fields")));
    }

    private static String optionalString(JsonNode root, String name, int maxChars) {
        JsonNode node = root.get(name);
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isString()) {
            throw new RejectedDocumentException("'" + name + "' must be a string, was " + describe(node));
        }
        String s = TextHygiene.cleanLine(node.asString());
        if (s.length() > maxChars) {
            throw new RejectedDocumentException("'" + name + "' has " + s.length() + " chars; the limit is " + maxChars);
        }
        return s;
    }

    private static Map<String, String> fields(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new RejectedDocumentException("'fields' must be an object of strings, was " + describe(node));
        }
        if (node.size() > MAX_FIELDS) {
            throw new RejectedDocumentException("'fields' has " + node.size() + " entries; the limit is " + MAX_FIELDS);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (!v.isString()) {
                throw new RejectedDocumentException("field '" + e.getKey() + "' must be a string, was " + describe(v));
            }
            if (e.getKey().isEmpty() || e.getKey().length() > MAX_FIELD_CHARS
                    || v.asString().length() > MAX_FIELD_CHARS) {
                throw new RejectedDocumentException("field '" + e.getKey() + "': names and values must have 1 to "
                        + MAX_FIELD_CHARS + " chars");
            }
            fields.put(e.getKey(), v.asString());
        }
        return fields;
    }

    private static String describe(JsonNode node) {
        return node == null ? "missing" : node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    }

    /** The document cannot be encoded; the message is the reason recorded with the dead letter. */
    public static final class RejectedDocumentException extends RuntimeException {
        public RejectedDocumentException(String reason) {
            super(reason);
        }
    }
}
