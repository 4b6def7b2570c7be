package io.streamsparse.core.vector;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The value of a {@code sparse-vectors} record: what the index keeps of a document (its id is the record key).
 *
 * @param title   display title, may be empty
 * @param snippet the start of the text, shown in results (the encoder bounds its length)
 * @param fields  keyword fields for filtering, kept sorted by key so equal documents encode to equal bytes
 * @param vector  the document's sparse vector (the learned one)
 * @param lexical the document's lexical (BM25) vector for hybrid retrieval, {@link SparseVector#EMPTY} when the
 *                producer sent none (every record of format version 1)
 */
public record EncodedDocument(String title, String snippet, Map<String, String> fields, SparseVector vector,
        SparseVector lexical) {

    /** A document without a lexical vector. */
    public EncodedDocument(String title, String snippet, Map<String, String> fields, SparseVector vector) {
        this(title, snippet, fields, vector, SparseVector.EMPTY);
    }

    public EncodedDocument {
        if (title == null || snippet == null) {
            throw new IllegalArgumentException("title and snippet must not be null (use \"\")");
        }
        if (vector == null || lexical == null) {
            throw new IllegalArgumentException("vector and lexical vector must not be null (use SparseVector.EMPTY)");
        }
        if (fields == null || fields.isEmpty()) {
            fields = Collections.emptyMap();
        } else {
            TreeMap<String, String> sorted = new TreeMap<>();
            for (Map.Entry<String, String> e : fields.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("field keys and values must not be null: " + e);
                }
                sorted.put(e.getKey(), e.getValue());
            }
            fields = Collections.unmodifiableSortedMap(sorted);
        }
    }

    /** True when the document carries a lexical vector. */
    public boolean hasLexical() {
        return lexical.nnz() > 0;
    }

    /** This document with {@code value} as its lexical vector. */
    public EncodedDocument withLexical(SparseVector value) {
        return new EncodedDocument(title, snippet, fields, vector, value);
    }
}
