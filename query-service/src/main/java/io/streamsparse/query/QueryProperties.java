package io.streamsparse.query;

import io.streamsparse.core.search.RankFusion;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the query service.
 *
 * @param indexUrls         base URLs of index-service instances; which shards each serves is discovered from its
 *                          {@code GET /v1/shards}, and instances serving the same shard are its replicas
 * @param shardCount        how many shards exist; 0 = the partition count of {@code vectorsTopic}, asked from the
 *                          broker ({@code spring.kafka.bootstrap-servers}). Either way the count does not depend on
 *                          which instances answer: a shard without a ready replica is reported in
 *                          {@code failedShards}, never silently left out
 * @param vectorsTopic      the topic whose partitions are the shards
 * @param encoder           {@code model} (the ONNX model encodes queries) or {@code inference-free} (query tokens
 *                          weighted by IDF from the live shards' document frequencies)
 * @param modelPath         ONNX model; {@code classpath:default} = the bundled one
 * @param tokenizerPath     tokenizer.json; {@code classpath:default} = the bundled one
 * @param maxQueryLength    query tokens fed to the model
 * @param maxQueryTerms     non-zeros kept in a query vector
 * @param maxQueryChars     longer query strings are rejected (400)
 * @param maxK              largest k accepted
 * @param shardTimeout      deadline for a shard's answer, failovers included; a shard that misses it is reported
 *                          as failed (reason {@code timeout})
 * @param attemptTimeout    deadline of one call to one replica; a replica that misses it is replaced by the next
 * @param hedgeDelay        ask a second replica when the first has not answered after this long (0 = no hedging)
 * @param maxConcurrentSearches searches run at once; more wait up to {@code admissionWait}, then get 503 with
 *                          {@code Retry-After}
 * @param admissionWait     how long a search beyond the bound waits for a running one to finish
 * @param discoveryInterval how often shard ownership, readiness, shard count and document frequencies are
 *                          refreshed
 * @param fusion            hybrid retrieval, for a search without the {@code fusion} parameter: {@code linear}
 *                          (default), {@code rrf} or {@code none} (the learned ranking alone, no lexical search).
 *                          The query's lexical (BM25) vector is its tokens weighted by IDF from the shards' lexical
 *                          indexes, searched beside the learned vector
 * @param fusionLexicalWeight the lexical ranking's share in {@code [0, 1]} (the learned one gets the rest): 0.2,
 *                          chosen on the Debian val split (docs/EVALUATION.md, "Hybrid")
 * @param fusionRrfK        RRF's rank offset: {@code score = (1 - w) / (rrfK + rank_learned) + w / (rrfK +
 *                          rank_lexical)}
 * @param fusionDepth       hits taken from each side (over all shards) before fusing, at least k
 */
@ConfigurationProperties("streamsparse.query")
public record QueryProperties(
        @DefaultValue("http://127.0.0.1:8082") List<URI> indexUrls,
        @DefaultValue("0") int shardCount,
        @DefaultValue("sparse-vectors") String vectorsTopic,
        @DefaultValue("model") String encoder,
        @DefaultValue("classpath:default") String modelPath,
        @DefaultValue("classpath:default") String tokenizerPath,
        @DefaultValue("64") int maxQueryLength,
        @DefaultValue("64") int maxQueryTerms,
        @DefaultValue("1000") int maxQueryChars,
        @DefaultValue("100") int maxK,
        @DefaultValue("2s") Duration shardTimeout,
        @DefaultValue("1s") Duration attemptTimeout,
        @DefaultValue("0ms") Duration hedgeDelay,
        @DefaultValue("16") int maxConcurrentSearches,
        @DefaultValue("100ms") Duration admissionWait,
        @DefaultValue("2s") Duration discoveryInterval,
        @DefaultValue("linear") String fusion,
        @DefaultValue("0.2") float fusionLexicalWeight,
        @DefaultValue("10") int fusionRrfK,
        @DefaultValue("100") int fusionDepth) {

    public QueryProperties {
        if (indexUrls == null || indexUrls.isEmpty()) {
            throw new IllegalArgumentException("streamsparse.query.index-urls must list at least one index service");
        }
        if (!encoder.equals("model") && !encoder.equals("inference-free")) {
            throw new IllegalArgumentException(
                    "streamsparse.query.encoder must be 'model' or 'inference-free', was '" + encoder + "'");
        }
        if (maxK < 1 || maxQueryChars < 1 || maxQueryTerms < 1 || maxConcurrentSearches < 1 || shardCount < 0) {
            throw new IllegalArgumentException("limits must be positive: maxK=" + maxK + " maxQueryChars="
                    + maxQueryChars + " maxQueryTerms=" + maxQueryTerms + " maxConcurrentSearches="
                    + maxConcurrentSearches + " shardCount=" + shardCount);
        }
        if (shardTimeout.isNegative() || shardTimeout.isZero() || attemptTimeout.isNegative() || attemptTimeout.isZero()
                || hedgeDelay.isNegative()
                || admissionWait.isNegative()) {
            throw new IllegalArgumentException("timeouts must be positive and delays >= 0: shardTimeout="
                    + shardTimeout + " attemptTimeout=" + attemptTimeout + " hedgeDelay=" + hedgeDelay
                    + " admissionWait=" + admissionWait);
        }
        indexUrls = List.copyOf(indexUrls);
        try {
            hybridFusion(fusion, fusionLexicalWeight, fusionRrfK, fusionDepth);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("streamsparse.query.fusion*: " + e.getMessage(), e);
        }
    }

    /** Hybrid retrieval as configured. */
    public HybridFusion hybridFusion() {
        return hybridFusion(fusion, fusionLexicalWeight, fusionRrfK, fusionDepth);
    }

    private static HybridFusion hybridFusion(String method, float lexicalWeight, int rrfK, int depth) {
        RankFusion.Settings defaults = new RankFusion.Settings(RankFusion.Method.LINEAR, lexicalWeight, rrfK);
        return new HybridFusion(new HybridFusion(defaults, depth).settings(method), depth);
    }
}
