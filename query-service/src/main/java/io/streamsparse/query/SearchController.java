package io.streamsparse.query;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.encoder.SparseEncoder;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/search}: encode the query, fan out to every shard, merge the top k. */
@RestController
public class SearchController {

    public record SearchResponse(String query, int k, int queryTerms, long tookMicros, int shards,
            List<Integer> failedShards, boolean partial, int scoredDocs, List<ShardFanout.Hit> hits) {
    }

    private final SparseEncoder queryEncoder;
    private final ShardFanout fanout;
    private final QueryProperties properties;
    private final Timer latency;

    public SearchController(SparseEncoder queryEncoder, ShardFanout fanout, QueryProperties properties,
            MeterRegistry registry) {
        this.queryEncoder = queryEncoder;
        this.fanout = fanout;
        this.properties = properties;
        this.latency = Timer.builder("streamsparse.query.latency").publishPercentileHistogram()
                .description("Search requests end to end: encode, fan out, merge").register(registry);
    }

    @GetMapping("/v1/search")
    public SearchResponse search(@RequestParam(name = "q", required = false) String q,
            @RequestParam(name = "k", defaultValue = "10") int k,
            @RequestParam(name = "filter", required = false) String filter,
            @RequestParam(name = "mode", required = false) String mode) {
        if (q == null || q.isBlank()) {
            throw new IllegalArgumentException("parameter 'q' is required and must not be blank");
        }
        if (q.length() > properties.maxQueryChars()) {
            throw new IllegalArgumentException("query has " + q.length() + " chars; the limit is "
                    + properties.maxQueryChars());
        }
        if (k < 1 || k > properties.maxK()) {
            throw new IllegalArgumentException("k must be in [1, " + properties.maxK() + "], was " + k);
        }
        long start = System.nanoTime();
        SparseVector vector = queryEncoder.encode(q);
        ShardFanout.Outcome outcome = fanout.search(vector, k, filter, mode);
        long nanos = System.nanoTime() - start;
        latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        return new SearchResponse(q, k, vector.nnz(), nanos / 1_000, outcome.shardsTotal(), outcome.failedShards(),
                outcome.partial(), outcome.scoredDocs(), outcome.hits());
    }

    @ExceptionHandler({IllegalArgumentException.class, ShardFanout.ShardRejectedException.class})
    ProblemDetail badRequest(RuntimeException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(ShardFanout.NoShardsException.class)
    ProblemDetail unavailable(ShardFanout.NoShardsException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
    }
}
