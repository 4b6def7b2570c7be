package io.streamsparse.query;

import io.streamsparse.encoder.DocumentValidator;
import io.streamsparse.encoder.SourceDocument;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * The body of {@code POST /v1/documents}: one document, or a JSON array of 1 to {@code maxDocuments} documents, each
 * exactly as on the {@code documents} topic with its {@code id} ({@link DocumentValidator}'s rules, the encoder's).
 * All or nothing: one invalid document refuses the whole body, naming its index, before anything is written.
 */
public final class DocumentBatch {

    private DocumentBatch() {
    }

    /** A record to write: key = id, value = the canonical JSON, or null for a delete (a tombstone). */
    public record Record(String id, byte[] value) {
    }

    /** @throws DocumentValidator.InvalidDocumentException (an IllegalArgumentException: 400) naming the problem */
    public static List<Record> parse(byte[] body, DocumentValidator validator, int maxDocuments) {
        JsonNode root = DocumentValidator.readTree(body, 0, body.length);
        if (root.isObject()) {
            return List.of(record(validator.validate(null, root)));
        }
        if (!root.isArray() || root.isEmpty()) {
            throw new DocumentValidator.InvalidDocumentException("the body must be a document (JSON object) or a"
                    + " non-empty array of documents, was " + (root.isArray() ? "an empty array" : root.getNodeType()
                    .toString().toLowerCase(java.util.Locale.ROOT)));
        }
        if (root.size() > maxDocuments) {
            throw new DocumentValidator.InvalidDocumentException("the batch has " + root.size()
                    + " documents; the limit is " + maxDocuments + " (streamsparse.query.ingest.max-documents)");
        }
        List<Record> records = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            try {
                records.add(record(validator.validate(null, root.get(i))));
            } catch (DocumentValidator.InvalidDocumentException e) {
                throw new DocumentValidator.InvalidDocumentException("documents[" + i + "]: " + e.getMessage()
                        + "; nothing was written");
            }
        }
        return records;
    }

    /** A delete of {@code id} (from the URL path). */
    static Record delete(String id) {
        return new Record(DocumentValidator.checkId(id, "id"), null);
    }

    private static Record record(SourceDocument document) {
        return new Record(document.id(), DocumentValidator.recordValue(document));
    }
}
