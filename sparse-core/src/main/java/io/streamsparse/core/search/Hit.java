package io.streamsparse.core.search;

/**
 * One result document.
 *
 * @param docId   the document's id (the record key of the {@code sparse-vectors} topic)
 * @param score   inner product of the query with the stored (quantized) document vector
 * @param title   display title as indexed, may be empty
 * @param snippet display snippet as indexed, may be empty
 */
public record Hit(String docId, float score, String title, String snippet) {

    public Hit {
        if (docId == null) {
            throw new IllegalArgumentException("docId must not be null");
        }
        if (title == null || snippet == null) {
            throw new IllegalArgumentException("title and snippet must not be null (use \"\") for " + docId);
        }
    }
}
