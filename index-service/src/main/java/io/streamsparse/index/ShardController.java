package io.streamsparse.index;

import io.streamsparse.core.index.ShardReader;
import io.streamsparse.core.search.Filter;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** HTTP face of the owned shards: search, status, replica digest and term statistics. */
@RestController
@RequestMapping("/v1/shards")
public class ShardController {

    static final int MAX_VOCABULARY = 1 << 21;

    private final Shards shards;
    private final IndexProperties properties;
    private final RecallEstimator recallEstimator;

    public ShardController(Shards shards, IndexProperties properties, RecallEstimator recallEstimator) {
        this.shards = shards;
        this.properties = properties;
        this.recallEstimator = recallEstimator;
    }

    /** A sparse query: parallel arrays of term ids and weights, plus search options. */
    public record SearchBody(int[] terms, float[] weights, Integer k, String filter, String mode, Integer queryCut,
            Float heapFactor) {
    }

    public record HitView(String id, float score, String title, String snippet) {
    }

    public record SearchResponse(int shard, long offset, int scoredDocs, long tookMicros, List<HitView> hits) {
    }

    public record ShardStatus(int shard, long offset, int documents, long postings, boolean ready) {
    }

    public record Digest(int shard, long offset, int documents, String digest) {
    }

    public record DocumentFrequencies(int shard, int documents, int[] df) {
    }

    @GetMapping
    public List<ShardStatus> list() {
        List<ShardStatus> out = new ArrayList<>();
        shards.readers().forEach((id, index) -> out.add(new ShardStatus(id, index.appliedOffset(), index.liveDocuments(),
                index.stats().forwardPostings(), shards.isCaughtUp(id))));
        return out;
    }

    @PostMapping("/{shard}/search")
    public SearchResponse search(@PathVariable int shard, @RequestBody SearchBody body) {
        ShardReader index = shards.reader(shard);
        SearchRequest request = toRequest(body);
        long start = System.nanoTime();
        SearchResult result = index.search(request);
        long micros = (System.nanoTime() - start) / 1_000;
        recallEstimator.offer(request, result, index::search);
        List<HitView> hits = new ArrayList<>(result.hits().size());
        result.hits().forEach(h -> hits.add(new HitView(h.docId(), h.score(), h.title(), h.snippet())));
        return new SearchResponse(shard, index.appliedOffset(), result.scoredDocs(), micros, hits);
    }

    private SearchRequest toRequest(SearchBody body) {
        if (body.terms() == null || body.weights() == null) {
            throw new IllegalArgumentException("'terms' and 'weights' are required arrays");
        }
        if (body.terms().length > properties.maxQueryTerms()) {
            throw new IllegalArgumentException("query has " + body.terms().length + " terms; at most "
                    + properties.maxQueryTerms() + " are allowed");
        }
        int k = body.k() == null ? 10 : body.k();
        if (k < 1 || k > properties.maxK()) {
            throw new IllegalArgumentException("k must be in [1, " + properties.maxK() + "], was " + k);
        }
        SparseVector query = SparseVector.of(body.terms(), body.weights());
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

    @GetMapping("/{shard}/digest")
    public Digest digest(@PathVariable int shard) {
        ShardReader index = shards.reader(shard);
        return new Digest(shard, index.appliedOffset(), index.liveDocuments(),
                HexFormat.of().formatHex(index.contentDigest()));
    }

    /**
     * Exact document frequencies of term ids {@code [0, size)} over live documents, for inference-free query
     * weighting; {@code size} is the caller's vocabulary size.
     */
    @GetMapping("/{shard}/document-frequencies")
    public DocumentFrequencies documentFrequencies(@PathVariable int shard,
            @RequestParam(name = "size", defaultValue = "30522") int size) {
        if (size < 1 || size > MAX_VOCABULARY) {
            throw new IllegalArgumentException("size must be in [1, " + MAX_VOCABULARY + "], was " + size);
        }
        ShardReader index = shards.reader(shard);
        int documents = index.liveDocuments();
        int[] df = new int[size];
        for (int t = 0; t < size; t++) {
            df[t] = index.documentFrequency(t);
        }
        return new DocumentFrequencies(shard, documents, df);
    }

    /** Engine statistics of one shard, for operators. */
    @GetMapping("/{shard}/stats")
    public Map<String, Object> stats(@PathVariable int shard) {
        ShardReader index = shards.reader(shard);
        return Map.of("shard", shard, "offset", index.appliedOffset(), "stats", index.stats());
    }
}
