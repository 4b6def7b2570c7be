package io.streamsparse.tools.ingest;

import io.streamsparse.encoder.DocumentValidator;
import io.streamsparse.encoder.SourceDocument;
import java.util.Locale;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One input line of the bulk ingest to a {@code documents} record: pure (no I/O), no state between lines. The
 * document rules are {@link DocumentValidator}'s, the same as the encoder's and HTTP ingest's: a line the CLI
 * accepts is never dead-lettered by the encoder for its content. This class adds only the line syntax.
 *
 * <p>Accepted input, one JSON object per line (UTF-8):
 * <pre>
 *   line   := document | document with "delete": false | delete
 *   delete := {"id": ID, "delete": true}
 * </pre>
 * where {@code document} and {@code ID} are {@link DocumentValidator}'s. Blank lines (only JSON whitespace) are
 * neither documents nor errors.
 *
 * <p>Output (the Kafka record of topic {@code documents}): key = the id; value = {@code null} for a delete (a
 * tombstone), otherwise {@link DocumentValidator#recordValue}, the canonical cleaned JSON. A value of more than
 * {@code maxValueBytes} bytes (the topic's record size limit, a transport limit rather than a document rule) is
 * rejected.
 */
public final class DocumentLines {

    /** What one line turned into. */
    public sealed interface Verdict permits Accepted, Rejected, Blank {
    }

    /**
     * A record to send: {@code value == null} is a delete (tombstone). The value array is owned by the verdict.
     */
    public record Accepted(String id, byte[] value) implements Verdict {
        public boolean isDelete() {
            return value == null;
        }
    }

    /** A bad line; {@code reason} says which key or value is wrong, with the value where short enough. */
    public record Rejected(String reason) implements Verdict {
    }

    /** A line of JSON whitespace only. */
    public enum Blank implements Verdict {
        INSTANCE
    }

    private final int maxValueBytes;
    private final DocumentValidator validator;

    public DocumentLines(DocumentValidator validator, int maxValueBytes) {
        if (maxValueBytes < 64) {
            throw new IllegalArgumentException("maxValueBytes must be at least 64, got " + maxValueBytes);
        }
        this.maxValueBytes = maxValueBytes;
        this.validator = validator;
    }

    int maxValueBytes() {
        return maxValueBytes;
    }

    /** Checks {@code line[offset, offset + length)}, the bytes of one line without its {@code '\n'}. */
    public Verdict check(byte[] line, int offset, int length) {
        if (isBlank(line, offset, length)) {
            return Blank.INSTANCE;
        }
        try {
            JsonNode root = DocumentValidator.readTree(line, offset, length);
            JsonNode deleteNode = root.isObject() ? root.get("delete") : null;
            if (deleteNode != null) {
                if (!deleteNode.isBoolean()) {
                    return new Rejected("'delete' must be true or false, was " + typeOf(deleteNode));
                }
                ObjectNode document = ((ObjectNode) root).deepCopy();
                document.remove("delete");
                if (deleteNode.booleanValue()) {
                    return delete(document);
                }
                root = document;
            }
            SourceDocument document = validator.validate(null, root);
            byte[] value = DocumentValidator.recordValue(document);
            if (value.length > maxValueBytes) {
                return new Rejected("document is " + value.length + " bytes after normalisation (max "
                        + maxValueBytes + ")");
            }
            return new Accepted(document.id(), value);
        } catch (DocumentValidator.InvalidDocumentException e) {
            return new Rejected(e.getMessage());
        }
    }

    private static Verdict delete(ObjectNode document) {
        for (String key : document.propertyNames()) {
            if (!key.equals("id")) {
                return new Rejected("a delete line has only 'id' and 'delete', found '" + key + "'");
            }
        }
        JsonNode id = document.get("id");
        if (id == null || !id.isString()) {
            return new Rejected("'id' must be a string, was " + typeOf(id));
        }
        return new Accepted(DocumentValidator.checkId(id.asString(), "id"), null);
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

    private static String typeOf(JsonNode node) {
        return node == null ? "missing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
    }
}
