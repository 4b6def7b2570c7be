package io.streamsparse.api.shard;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One result document, as a shard answers it and as the query service returns it.
 *
 * @param id          the document id (the record key on the {@code sparse-vectors} topic)
 * @param score       inner product of the query with the stored document vector; always finite
 * @param title       display title as indexed, may be empty
 * @param snippet     display snippet as indexed, may be empty
 * @param shard       the shard that holds the document
 * @param explanation only when the search asked for it ({@code explain}): the terms the query and the document
 *                    share, largest contribution first; absent (null) otherwise
 */
public record Hit(String id, float score, String title, String snippet, int shard,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<TermContribution> explanation) {

    public Hit {
        if (id == null || title == null || snippet == null) {
            throw new IllegalArgumentException("id, title and snippet must not be null (use \"\")");
        }
        explanation = explanation == null ? null : List.copyOf(explanation);
    }

    /** A hit without explanation. */
    public Hit(String id, float score, String title, String snippet, int shard) {
        this(id, score, title, snippet, shard, null);
    }

    /** The same hit explained by {@code terms}. */
    public Hit withExplanation(List<TermContribution> terms) {
        return new Hit(id, score, title, snippet, shard, terms);
    }
}
