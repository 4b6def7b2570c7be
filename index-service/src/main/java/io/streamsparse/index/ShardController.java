package io.streamsparse.index;

import io.streamsparse.core.index.ShardReader;
import io.streamsparse.api.http.AdmissionGate;
import io.streamsparse.api.shard.DocumentFrequencies;
import io.streamsparse.api.shard.Hit;
import io.streamsparse.api.shard.ShardApi;
import io.streamsparse.api.shard.ShardDigest;
import io.streamsparse.api.shard.ShardSearchRequest;
import io.streamsparse.api.shard.ShardSearchResponse;
import io.streamsparse.api.shard.ShardStatus;
import io.streamsparse.core.search.Filter;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.vector.SparseVector;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP face of the owned shards ({@link ShardApi}: search, status, replica digest, term statistics). Searches run
 * behind an {@link AdmissionGate}: beyond {@code streamsparse.index.max-concurrent-searches} a request gets 503 with
 * {@code Retry-After}, and the query service tries another replica.
 */
@RestController
public class ShardController implements ShardApi {

    private final Shards shards;
    private final IndexProperties properties;
    private final RecallEstimator recallEstimator;
    private final AdmissionGate admission;

    public ShardController(Shards shards, IndexProperties properties, RecallEstimator recallEstimator,
            MeterRegistry registry) {
        this.shards = shards;
        this.properties = properties;
        this.recallEstimator = recallEstimator;
        this.admission = new AdmissionGate(properties.maxConcurrentSearches(), properties.admissionWait());
        FunctionCounter.builder("streamsparse.index.search.rejected", admission, AdmissionGate::rejected)
                .description("Shard searches refused with 503 because max-concurrent-searches were running")
                .register(registry);
    }

    @Override
    public List<ShardStatus> shards() {
        List<ShardStatus> out = new ArrayList<>();
        shards.readers().forEach((id, index) -> out.add(new ShardStatus(id, index.appliedOffset(), index.liveDocuments(),
                index.stats().forwardPostings(), shards.isCaughtUp(id))));
        return out;
    }

    /**
     * Searches the shard's learned index, and with a lexical query (hybrid retrieval) its lexical index too, with
     * the same k, filter, mode and knobs; the query service fuses the two rankings.
     */
    @Override
    public ShardSearchResponse search(int shard, ShardSearchRequest body) {
        ShardReader index = shards.reader(shard);
        ShardReader lexicalIndex = body.hasLexical() ? shards.lexicalReader(shard) : null;
        SearchRequest request = toRequest(body);
        SearchRequest lexicalRequest = body.hasLexical()
                ? new SearchRequest(query(body.lexicalTerms(), body.lexicalWeights(), "lexical query"), request.k(),
                        request.filter(), request.mode(), request.knobs())
                : null;
        return admission.call(() -> {
            long start = System.nanoTime();
            Answer learned = answer(shard, index, request, body.explained());
            Answer lexical = lexicalIndex == null ? null : answer(shard, lexicalIndex, lexicalRequest,
                    body.explained());
            long micros = (System.nanoTime() - start) / 1_000;
            recallEstimator.offer(request, learned.result, index::search);
            return new ShardSearchResponse(shard, learned.result.appliedOffset(),
                    learned.result.scoredDocs() + (lexical == null ? 0 : lexical.result.scoredDocs()), micros,
                    learned.hits, lexical == null ? null : lexical.hits);
        });
    }

    /** One index's result and its hits as the API answers them. */
    private record Answer(SearchResult result, List<Hit> hits) {
    }

    private static Answer answer(int shard, ShardReader index, SearchRequest request, boolean explained) {
        List<SparseVector> hitVectors = explained ? new ArrayList<>() : null;
        SearchResult result = index.search(request, hitVectors);
        List<Hit> hits = new ArrayList<>(result.hits().size());
        for (int i = 0; i < result.hits().size(); i++) {
            var h = result.hits().get(i);
            hits.add(new Hit(h.docId(), finite(h.score()), h.title(), h.snippet(), shard,
                    hitVectors == null ? null : Explanations.of(request.query(), hitVectors.get(i))));
        }
        return new Answer(result, hits);
    }

    /**
     * Query weights are bounded ({@link ShardSearchRequest#MAX_WEIGHT}), but a document's stored weights are whatever
     * its encoder wrote: a score that overflows is reported as the largest float, so the answer stays valid JSON and
     * still ranks first.
     */
    private static float finite(float score) {
        return Float.isFinite(score) ? score : Float.MAX_VALUE;
    }

    private SearchRequest toRequest(ShardSearchRequest body) {
        int k = body.k() == null ? 10 : body.k();
        if (k < 1 || k > properties.maxK()) {
            throw new IllegalArgumentException("k must be in [1, " + properties.maxK() + "], was " + k);
        }
        SparseVector query = query(body.terms(), body.weights(), "query");
        Filter filter = body.filter() == null || body.filter().isBlank() ? null : Filter.parse(body.filter());
        SearchMode mode = parseMode(body.mode());
        SearchKnobs knobs = properties.engine().searchKnobs();
        if (body.queryCut() != null) {
            knobs = knobs.withQueryCut(body.queryCut());
        }
        if (body.heapFactor() != null) {
            knobs = knobs.withHeapFactor(body.heapFactor());
        }
        return new SearchRequest(query, k, filter, mode, knobs);
    }

    private SparseVector query(int[] terms, float[] weights, String what) {
        if (terms.length > properties.maxQueryTerms()) {
            throw new IllegalArgumentException(what + " has " + terms.length + " terms; at most "
                    + properties.maxQueryTerms() + " are allowed");
        }
        return SparseVector.of(terms, weights);
    }

    private static SearchMode parseMode(String mode) {
        if (mode == null || mode.isBlank()) {
            return SearchMode.APPROXIMATE;
        }
        try {
            return SearchMode.valueOf(mode.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mode must be 'approximate' or 'exact', was '" + mode + "'");
        }
    }

    /** Offset and documents of the learned index; the digest covers both indexes. */
    @Override
    public ShardDigest digest(int shard) {
        ShardReader index = shards.reader(shard);
        return new ShardDigest(shard, index.appliedOffset(), index.liveDocuments(),
                HexFormat.of().formatHex(shards.contentDigest(shard)));
    }

    /**
     * Exact document frequencies of term ids {@code [0, size)} over live documents, for inference-free query
     * weighting; {@code size} is the caller's vocabulary size, at most {@link ShardApi#MAX_VOCABULARY}.
     */
    @Override
    public DocumentFrequencies documentFrequencies(int shard, int size) {
        return frequencies(shard, shards.reader(shard), size);
    }

    /** The same over the lexical index: the IDF statistics of lexical queries. */
    @Override
    public DocumentFrequencies lexicalDocumentFrequencies(int shard, int size) {
        return frequencies(shard, shards.lexicalReader(shard), size);
    }

    private static DocumentFrequencies frequencies(int shard, ShardReader index, int size) {
        if (size < 1 || size > MAX_VOCABULARY) {
            throw new IllegalArgumentException("size must be in [1, " + MAX_VOCABULARY + "], was " + size);
        }
        int documents = index.liveDocuments();
        int[] df = new int[size];
        for (int t = 0; t < size; t++) {
            df[t] = index.documentFrequency(t);
        }
        return new DocumentFrequencies(shard, documents, df);
    }

    /** Engine statistics of one shard, for operators. */
    @GetMapping("/v1/shards/{shard}/stats")
    public Map<String, Object> stats(@PathVariable int shard) {
        ShardReader index = shards.reader(shard);
        return Map.of("shard", shard, "offset", index.appliedOffset(), "stats", index.stats());
    }

    @ExceptionHandler(Shards.UnknownShardException.class)
    ProblemDetail unknownShard(Shards.UnknownShardException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }
}
