package io.streamsparse.query;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamsparse.api.http.AdmissionGate;
import io.streamsparse.api.shard.Hit;
import io.streamsparse.api.shard.ShardSearchRequest;
import io.streamsparse.core.search.RankFusion;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.encoder.InferenceFreeQueryEncoder;
import io.streamsparse.encoder.SparseEncoder;
import io.streamsparse.encoder.TokenVocabulary;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/search}: encode the query, fan out to every shard, merge the top k. Hybrid retrieval (the
 * {@code fusion} parameter, default {@code streamsparse.query.fusion}): the query's lexical (BM25) vector is searched
 * in every shard's lexical index beside its learned vector, each side's merged top list is fused
 * ({@link HybridFusion}). Runs behind an {@link AdmissionGate} ({@code streamsparse.query.max-concurrent-searches};
 * beyond it 503 with {@code Retry-After}).
 */
@RestController
public class SearchController {

    /**
     * The answer. {@code shards} counts every shard that exists; each one without an answer is in
     * {@code failedShards} with its reason, and then {@code partial} is true. With {@code explain=true} each hit
     * carries its {@code explanation} (shared terms, weights, contributions) and {@code queryExpansion} lists the
     * query vector's terms; both are absent otherwise. {@code fusion} says how the rankings were combined
     * ({@code none}, {@code linear w=0.2}, {@code rrf k=10 w=0.2}); with a fusion a hit's {@code score} is its fused
     * score, and its explanation is that of the learned vector (of the lexical one for a hit only it found), whose
     * contributions add up to the learned (lexical) score, not the fused one.
     */
    public record SearchResponse(String query, int k, String mode, String fusion, int queryTerms, long tookMicros,
            int shards,
            List<ReplicaRace.ShardFailure> failedShards, boolean partial, int scoredDocs,
            List<ShardFanout.ShardTiming> shardTimings, List<Hit> hits,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<QueryTerm> queryExpansion) {
    }

    private static final Set<String> PARAMETERS = Set.of("q", "k", "filter", "mode", "explain", "fusion");

    private final SparseEncoder queryEncoder;
    private final SparseEncoder lexicalEncoder;
    private final HybridFusion hybrid;
    private final Explainer explainer;
    private final ShardFanout fanout;
    private final QueryProperties properties;
    private final AdmissionGate admission;
    private final Timer latency;

    /** Beans by name: with inference-free queries both encoders are {@link InferenceFreeQueryEncoder}s. */
    public SearchController(@Qualifier("queryEncoder") SparseEncoder queryEncoder,
            @Qualifier("lexicalQueryEncoder") InferenceFreeQueryEncoder lexicalQueryEncoder,
            TokenVocabulary vocabulary, ShardFanout fanout, QueryProperties properties, MeterRegistry registry) {
        this.queryEncoder = queryEncoder;
        this.lexicalEncoder = lexicalQueryEncoder;
        this.hybrid = properties.hybridFusion();
        this.explainer = new Explainer(vocabulary);
        this.fanout = fanout;
        this.properties = properties;
        this.admission = new AdmissionGate(properties.maxConcurrentSearches(), properties.admissionWait());
        this.latency = Timer.builder("streamsparse.query.latency").publishPercentileHistogram()
                .description("Search requests end to end: encode, fan out, merge").register(registry);
        FunctionCounter.builder("streamsparse.query.rejected", admission, AdmissionGate::rejected)
                .description("Searches refused with 503 because max-concurrent-searches were running")
                .register(registry);
    }

    @GetMapping("/v1/search")
    @Operation(summary = "Search every shard and merge the top k", description = "Each parameter at most once; "
            + "a shard without answer is listed in failedShards and makes the answer partial.")
    @Parameter(in = ParameterIn.QUERY, name = "q", required = true, description = "the query text",
            schema = @Schema(type = "string", maxLength = 1000))
    @Parameter(in = ParameterIn.QUERY, name = "k", description = "hits wanted (default 10)",
            schema = @Schema(type = "integer", minimum = "1", maximum = "100"))
    @Parameter(in = ParameterIn.QUERY, name = "filter", description = "keyword filter, e.g. section:web AND "
            + "(source:a OR source:b)", schema = @Schema(type = "string"))
    @Parameter(in = ParameterIn.QUERY, name = "mode", description = "approximate (default) or exact",
            schema = @Schema(type = "string", allowableValues = {"approximate", "exact"}))
    @Parameter(in = ParameterIn.QUERY, name = "explain", description = "true: each hit lists the terms it shares "
            + "with the query (token, query weight, document weight, contribution) and queryExpansion lists the "
            + "query vector's terms", schema = @Schema(type = "boolean", defaultValue = "false"))
    @Parameter(in = ParameterIn.QUERY, name = "fusion", description = "hybrid retrieval: linear (default: "
            + "streamsparse.query.fusion) fuses the learned ranking with a lexical BM25 one, each normalised by its "
            + "best score, lexical share 0.2 (streamsparse.query.fusion-lexical-weight); rrf fuses their ranks "
            + "(1 - w) / (10 + rank) + w / (10 + rank); none: the learned ranking alone. Each side's top 100 "
            + "(streamsparse.query.fusion-depth) over all shards is fused",
            schema = @Schema(type = "string", allowableValues = {"linear", "rrf", "none"}))
    public SearchResponse search(@Parameter(hidden = true) HttpServletRequest http) {
        Map<String, String[]> params;
        try {
            params = http.getParameterMap();
        } catch (IllegalStateException e) { // Tomcat's InvalidParameterException: the query string does not decode
            throw new IllegalArgumentException("a query parameter could not be decoded: malformed percent-encoding"
                    + " or invalid UTF-8");
        }
        for (Map.Entry<String, String[]> p : params.entrySet()) {
            if (!PARAMETERS.contains(p.getKey())) {
                throw new IllegalArgumentException("unknown parameter '" + p.getKey() + "'; accepted: q, k, filter,"
                        + " mode, explain, fusion");
            }
            if (p.getValue().length > 1) {
                throw new IllegalArgumentException("parameter '" + p.getKey() + "' is given " + p.getValue().length
                        + " times; give it once");
            }
        }
        String q = http.getParameter("q");
        if (q == null || q.isBlank()) {
            throw new IllegalArgumentException("parameter 'q' is required and must not be blank");
        }
        if (q.length() > properties.maxQueryChars()) {
            throw new IllegalArgumentException("query has " + q.length() + " chars; the limit is "
                    + properties.maxQueryChars());
        }
        int k = parseK(http.getParameter("k"));
        String mode = parseMode(http.getParameter("mode"));
        String filter = http.getParameter("filter");
        boolean explain = parseExplain(http.getParameter("explain"));
        RankFusion.Settings fusion = hybrid.settings(http.getParameter("fusion"));
        return admission.call(() -> {
            long start = System.nanoTime();
            SparseVector vector = queryEncoder.encode(q);
            ShardSearchRequest request = new ShardSearchRequest(vector.termIds(), vector.weights(), k,
                    filter == null || filter.isBlank() ? null : filter, mode, null, null, explain ? true : null);
            SparseVector words = fusion.method() == RankFusion.Method.NONE ? SparseVector.EMPTY
                    : lexicalEncoder.encode(q);
            if (words.nnz() > 0) {
                request = request.withK(hybrid.depth(k)).withLexical(words.termIds(), words.weights());
            }
            ShardFanout.Outcome outcome = fanout.search(request);
            List<Hit> ranked = words.nnz() > 0
                    ? HybridFusion.fuse(outcome.hits(), outcome.lexicalHits(), fusion, k) : outcome.hits();
            List<Hit> hits = explain ? explainer.nameTerms(ranked) : ranked;
            List<QueryTerm> expansion = explain ? explainer.queryTerms(q, vector) : null;
            long nanos = System.nanoTime() - start;
            latency.record(nanos, TimeUnit.NANOSECONDS);
            return new SearchResponse(q, k, mode, fusion.label(), vector.nnz(), nanos / 1_000, outcome.shardsTotal(),
                    outcome.failedShards(), outcome.partial(), outcome.scoredDocs(), outcome.timings(), hits,
                    expansion);
        });
    }

    private int parseK(String k) {
        if (k == null) {
            return 10;
        }
        int value;
        try {
            value = Integer.parseInt(k.trim());
        } catch (NumberFormatException e) {
            value = 0;
        }
        if (value < 1 || value > properties.maxK()) {
            throw new IllegalArgumentException("k must be an integer in [1, " + properties.maxK() + "], was '"
                    + (k.length() > 20 ? k.substring(0, 20) + "…" : k) + "'");
        }
        return value;
    }

    private static boolean parseExplain(String explain) {
        if (explain == null || explain.isBlank()) {
            return false;
        }
        return switch (explain.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("explain must be 'true' or 'false', was '"
                    + (explain.length() > 20 ? explain.substring(0, 20) + "…" : explain) + "'");
        };
    }

    private static String parseMode(String mode) {
        if (mode == null || mode.isBlank()) {
            return "approximate";
        }
        String m = mode.trim().toLowerCase(Locale.ROOT);
        if (!m.equals("approximate") && !m.equals("exact")) {
            throw new IllegalArgumentException("mode must be 'approximate' or 'exact', was '"
                    + (mode.length() > 20 ? mode.substring(0, 20) + "…" : mode) + "'");
        }
        return m;
    }

    @ExceptionHandler(ReplicaRace.RejectedRequestException.class)
    ProblemDetail rejected(ReplicaRace.RejectedRequestException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(ShardFanout.NoShardsException.class)
    ProblemDetail unavailable(ShardFanout.NoShardsException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }
}
