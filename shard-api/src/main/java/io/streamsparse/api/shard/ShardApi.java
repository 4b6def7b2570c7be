package io.streamsparse.api.shard;

import java.util.List;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * The HTTP API of an index-service instance over the shards it owns. index-service's controller implements it (Spring
 * MVC maps the annotations) and the query service calls it through a {@code RestClient} proxy, so both sides share
 * one set of paths and records. Errors are RFC 9457 problem details: 400 for a bad request (the reason in
 * {@code detail}), 404 for a shard not served by the instance, 413 for an oversized body, 503 when the instance is
 * saturated (with {@code Retry-After}).
 */
public interface ShardApi {

    /** Largest vocabulary the document-frequency endpoint answers for (the response is 4 bytes+ per id). */
    int MAX_VOCABULARY = 262_144;

    @GetExchange("/v1/shards")
    List<ShardStatus> shards();

    @PostExchange("/v1/shards/{shard}/search")
    ShardSearchResponse search(@PathVariable("shard") int shard, @RequestBody ShardSearchRequest request);

    @GetExchange("/v1/shards/{shard}/digest")
    ShardDigest digest(@PathVariable("shard") int shard);

    /** Document frequencies of term ids {@code [0, size)}, {@code 1 <= size <= MAX_VOCABULARY}. */
    @GetExchange("/v1/shards/{shard}/document-frequencies")
    DocumentFrequencies documentFrequencies(@PathVariable("shard") int shard, @RequestParam("size") int size);

    /**
     * The same over the shard's lexical index (the BM25 vectors of hybrid retrieval): {@code documents} counts the
     * live documents that carry a lexical vector. The query service weights lexical queries by their IDF.
     */
    @GetExchange("/v1/shards/{shard}/lexical/document-frequencies")
    DocumentFrequencies lexicalDocumentFrequencies(@PathVariable("shard") int shard,
            @RequestParam("size") int size);
}
