package io.streamsparse.query;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of the query service.
 *
 * @param indexUrls         base URLs of index-service instances; shards are discovered from each one's
 *                          {@code GET /v1/shards}, and instances owning the same shard are replicas
 * @param encoder           {@code model} (the ONNX model encodes queries) or {@code inference-free} (query tokens
 *                          weighted by IDF from the live shards' document frequencies)
 * @param modelPath         ONNX model; {@code classpath:default} = the bundled one
 * @param tokenizerPath     tokenizer.json; {@code classpath:default} = the bundled one
 * @param maxQueryLength    query tokens fed to the model
 * @param maxQueryTerms     non-zeros kept in a query vector
 * @param maxQueryChars     longer query strings are rejected (400)
 * @param maxK              largest k accepted
 * @param shardTimeout      per-shard request timeout; a shard that misses it is reported as failed
 * @param discoveryInterval how often shard ownership, readiness and document frequencies are refreshed
 */
@ConfigurationProperties("streamsparse.query")
public record QueryProperties(
        @DefaultValue("http://127.0.0.1:8082") List<URI> indexUrls,
        @DefaultValue("model") String encoder,
        @DefaultValue("classpath:default") String modelPath,
        @DefaultValue("classpath:default") String tokenizerPath,
        @DefaultValue("64") int maxQueryLength,
        @DefaultValue("64") int maxQueryTerms,
        @DefaultValue("1000") int maxQueryChars,
        @DefaultValue("100") int maxK,
        @DefaultValue("2s") Duration shardTimeout,
        @DefaultValue("2s") Duration discoveryInterval) {

    public QueryProperties {
        if (indexUrls == null || indexUrls.isEmpty()) {
            throw new IllegalArgumentException("streamsparse.query.index-urls must list at least one index service");
        }
        if (!encoder.equals("model") && !encoder.equals("inference-free")) {
            throw new IllegalArgumentException(
                    "streamsparse.query.encoder must be 'model' or 'inference-free', was '" + encoder + "'");
        }
        if (maxK < 1 || maxQueryChars < 1 || maxQueryTerms < 1) {
            throw new IllegalArgumentException("limits must be positive: maxK=" + maxK + " maxQueryChars="
                    + maxQueryChars + " maxQueryTerms=" + maxQueryTerms);
        }
        indexUrls = List.copyOf(indexUrls);
    }
}
