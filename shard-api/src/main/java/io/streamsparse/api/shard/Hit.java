package io.streamsparse.api.shard;

/**
 * One result document, as a shard answers it and as the query service returns it.
 *
 * @param id      the document id (the record key on the {@code sparse-vectors} topic)
 * @param score   inner product of the query with the stored document vector; always finite
 * @param title   display title as indexed, may be empty
 * @param snippet display snippet as indexed, may be empty
 * @param shard   the shard that holds the document
 */
public record Hit(String id, float score, String title, String snippet, int shard) {

    public Hit {
        if (id == null || title == null || snippet == null) {
            throw new IllegalArgumentException("id, title and snippet must not be null (use \"\")");
        }
    }
}
