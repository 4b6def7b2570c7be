package io.streamsparse.encoder;

import java.nio.charset.CharacterCodingException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one definition of a valid document, shared by every way into the pipeline: the encoder reading the
 * {@code documents} topic (a rejected record becomes a dead letter with this reason), the bulk ingest CLI (a rejected
 * line) and HTTP ingest (a 400 problem detail). Whatever one of them accepts, the others accept; the encoder never
 * dead-letters a document that the CLI or HTTP ingest let through.
 *
 * <pre>
 *   document := {"id": ID, "text": TEXT [, "title": TITLE | null] [, "fields": {NAME: VALUE, ...} | null]}
 * </pre>
 * <ul>
 *   <li><b>JSON</b>: one object in strict UTF-8; duplicate keys, content after the object and keys other than these
 *       four are rejected (a misspelt {@code "titel"} is an error, not a silently missing title).</li>
 *   <li><b>ID</b>: a string of 1 to {@value #MAX_ID_CHARS} UTF-16 chars, not blank ({@link TextHygiene#isBlank}),
 *       without control characters or unpaired surrogates (it travels as the UTF-8 record key and in URLs and logs).
 *       On the topic the record key is the id; there the JSON's {@code id} may be left out but must equal the key
 *       when present. Without a key (CLI lines, HTTP bodies) the JSON's {@code id} is required.</li>
 *   <li><b>TEXT</b>: a string, cleaned by {@link TextHygiene#cleanBody}; not blank; at most {@code maxTextChars}
 *       (the encoder's {@code max-document-chars}, default {@value #DEFAULT_MAX_TEXT_CHARS}). A title does not make
 *       up for a blank text: the model would encode the title alone and the hit would show no snippet.</li>
 *   <li><b>TITLE</b>: a string or null (= empty), cleaned by {@link TextHygiene#cleanLine}; at most
 *       {@value #MAX_TITLE_CHARS} chars.</li>
 *   <li><b>fields</b>: an object or null; at most {@value #MAX_FIELDS} entries; names and values strings cleaned by
 *       {@link TextHygiene#cleanLine}, names of 1 to {@value #MAX_FIELD_CHARS} chars, values of at most
 *       {@value #MAX_FIELD_CHARS} chars.</li>
 *   <li><b>Record value</b>: at most {@code maxRecordBytes} bytes (default {@value #DEFAULT_MAX_RECORD_BYTES}), checked
 *       before parsing. A document within the limits above is far smaller, so the limit only bounds what a raw
 *       producer can make the encoder parse.</li>
 * </ul>
 * {@link #recordValue} writes the canonical value ({@code id, title, text, fields} in this order, cleaned strings);
 * validating it again yields the same document, so re-sending a document is idempotent.
 *
 * <p>Thread-safe and immutable.
 */
public final class DocumentValidator {

    public static final int MAX_ID_CHARS = 512;
    public static final int MAX_TITLE_CHARS = 1_000;
    public static final int MAX_FIELDS = 64;
    public static final int MAX_FIELD_CHARS = 256;
    public static final int DEFAULT_MAX_TEXT_CHARS = 100_000;
    public static final int DEFAULT_MAX_RECORD_BYTES = 1_048_576;

    private static final Set<String> KEYS = Set.of("id", "title", "text", "fields");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final int maxTextChars;
    private final int maxRecordBytes;

    public DocumentValidator(int maxTextChars, int maxRecordBytes) {
        if (maxTextChars < 1 || maxRecordBytes < 1) {
            throw new IllegalArgumentException("document limits must be positive: maxTextChars=" + maxTextChars
                    + " maxRecordBytes=" + maxRecordBytes);
        }
        this.maxTextChars = maxTextChars;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** The limits the encoder applies unless configured otherwise. */
    public static DocumentValidator withDefaults() {
        return new DocumentValidator(DEFAULT_MAX_TEXT_CHARS, DEFAULT_MAX_RECORD_BYTES);
    }

    public int maxTextChars() {
        return maxTextChars;
    }

    /** A record of the {@code documents} topic: the key (strict UTF-8) is the id. */
    public SourceDocument parseRecord(byte[] key, byte[] value) {
        return parseRecord(decodeKey(key), value);
    }

    /** A record of the {@code documents} topic whose key is decoded already. */
    public SourceDocument parseRecord(String key, byte[] value) {
        if (key == null) {
            throw new InvalidDocumentException("record has no key; the key must be the document id");
        }
        checkId(key, "key");
        if (value.length > maxRecordBytes) {
            throw new InvalidDocumentException("value of " + value.length + " bytes exceeds " + maxRecordBytes);
        }
        String json;
        try {
            json = TextHygiene.decodeUtf8(value);
        } catch (CharacterCodingException e) {
            throw new InvalidDocumentException("value is not valid UTF-8");
        }
        return validate(key, readTree(json));
    }

    /**
     * Parses JSON text with the validator's rules (no duplicate keys, nothing after the value); the value may be of
     * any type (HTTP ingest reads a batch as an array).
     */
    public static JsonNode readTree(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new InvalidDocumentException("value is not valid JSON: " + firstLine(e));
        }
        return root == null ? JSON.nullNode() : root;
    }

    /** {@link #readTree(String)} of UTF-8 bytes; malformed UTF-8 is invalid JSON. */
    public static JsonNode readTree(byte[] utf8, int offset, int length) {
        JsonNode root;
        try {
            root = JSON.readTree(utf8, offset, length);
        } catch (JacksonException e) {
            throw new InvalidDocumentException("value is not valid JSON: " + firstLine(e));
        }
        return root == null ? JSON.nullNode() : root;
    }

    /**
     * Checks a parsed document. {@code key} is the record key when there is one (the encoder); null when the
     * document must carry its id itself (CLI lines, HTTP bodies).
     */
    public SourceDocument validate(String key, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidDocumentException("value must be a JSON object, was " + describe(root));
        }
        for (String name : root.propertyNames()) {
            if (!KEYS.contains(name)) {
                throw new InvalidDocumentException("unknown key '" + clip(name) + "' (allowed: id, title, text,"
                        + " fields)");
            }
        }
        JsonNode idNode = root.get("id");
        String id;
        if (key != null) {
            if (idNode != null && !idNode.isNull() && !(idNode.isString() && idNode.asString().equals(key))) {
                throw new InvalidDocumentException("id " + clip(idNode.toString()) + " does not match the record key \""
                        + clip(key) + "\"");
            }
            id = key;
        } else {
            if (idNode == null || !idNode.isString()) {
                throw new InvalidDocumentException("'id' must be a string, was " + describe(idNode));
            }
            id = idNode.asString();
        }
        checkId(id, "id");
        String title = title(root.get("title"));
        JsonNode textNode = root.get("text");
        if (textNode == null || !textNode.isString()) {
            throw new InvalidDocumentException("'text' must be a string, was " + describe(textNode));
        }
        String text = TextHygiene.cleanBody(textNode.asString());
        if (TextHygiene.isBlank(text)) {
            throw new InvalidDocumentException("'text' is blank (only whitespace, format or control characters)");
        }
        if (text.length() > maxTextChars) {
            throw new InvalidDocumentException("'text' has " + text.length() + " chars; the limit is " + maxTextChars);
        }
        return new SourceDocument(id, title, text, fields(root.get("fields")));
    }

    /**
     * Checks a document id (an HTTP path, a CLI delete line, a record key); {@code what} names it in the reason.
     *
     * @return the id
     */
    public static String checkId(String id, String what) {
        if (id == null || TextHygiene.isBlank(id)) {
            throw new InvalidDocumentException("'" + what + "' is blank; a document id needs a visible character");
        }
        if (id.length() > MAX_ID_CHARS) {
            throw new InvalidDocumentException(what + " of " + id.length() + " chars exceeds " + MAX_ID_CHARS + ": \""
                    + clip(id) + "\"");
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (Character.isISOControl(c)) {
                throw new InvalidDocumentException(what + " contains control character U+"
                        + String.format(Locale.ROOT, "%04X", (int) c) + " at " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < id.length() && Character.isLowSurrogate(id.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidDocumentException(what + " has an unpaired surrogate at " + i + " (not valid UTF-8)");
            }
        }
        return id;
    }

    /** The record key as the document id: strict UTF-8; null when there is none. */
    public static String decodeKey(byte[] key) {
        if (key == null) {
            return null;
        }
        try {
            return TextHygiene.decodeUtf8(key);
        } catch (CharacterCodingException e) {
            throw new InvalidDocumentException("key is not valid UTF-8 (" + key.length + " bytes)");
        }
    }

    /** The canonical record value of a validated document: compact JSON, keys id, title, text, fields. */
    public static byte[] recordValue(SourceDocument document) {
        ObjectNode out = JSON.createObjectNode();
        out.put("id", document.id());
        out.put("title", document.title());
        out.put("text", document.text());
        ObjectNode fields = out.putObject("fields");
        document.fields().forEach(fields::put);
        return JSON.writeValueAsBytes(out);
    }

    private static String title(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        if (!node.isString()) {
            throw new InvalidDocumentException("'title' must be a string, was " + describe(node));
        }
        String title = TextHygiene.cleanLine(node.asString());
        if (title.length() > MAX_TITLE_CHARS) {
            throw new InvalidDocumentException("'title' has " + title.length() + " chars; the limit is "
                    + MAX_TITLE_CHARS);
        }
        return title;
    }

    private static Map<String, String> fields(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new InvalidDocumentException("'fields' must be an object of strings, was " + describe(node));
        }
        if (node.size() > MAX_FIELDS) {
            throw new InvalidDocumentException("'fields' has " + node.size() + " entries; the limit is " + MAX_FIELDS);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            JsonNode v = e.getValue();
            if (!v.isString()) {
                throw new InvalidDocumentException("field '" + clip(e.getKey()) + "' must be a string, was "
                        + describe(v));
            }
            String name = TextHygiene.cleanLine(e.getKey());
            String value = TextHygiene.cleanLine(v.asString());
            if (name.isEmpty() || name.length() > MAX_FIELD_CHARS || value.length() > MAX_FIELD_CHARS) {
                throw new InvalidDocumentException("field '" + clip(e.getKey()) + "': names must have 1 to "
                        + MAX_FIELD_CHARS + " chars and values at most " + MAX_FIELD_CHARS);
            }
            if (fields.put(name, value) != null) {
                throw new InvalidDocumentException("field '" + clip(name) + "' is given twice (after cleaning)");
            }
        }
        return fields;
    }

    private static String describe(JsonNode node) {
        return node == null ? "missing" : node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    private static String firstLine(JacksonException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        String first = newline < 0 ? message : message.substring(0, newline);
        return e.getLocation() != null && e.getLocation().getColumnNr() > 0
                ? first + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"
                : first;
    }

    /** Shortens user text quoted in a reason. */
    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /** The document breaks a rule; the message is the reason (dead-letter header, CLI report, problem detail). */
    public static final class InvalidDocumentException extends IllegalArgumentException {
        public InvalidDocumentException(String reason) {
            super(reason);
        }
    }
}
