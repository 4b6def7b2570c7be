package io.streamsparse.core.index;

import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.search.ShardSearcher;
import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The read side of one shard: exact and approximate search, statistics and digests over the {@link View} its
 * {@link ShardWriter} published last. Every call reads the view once (one volatile load) and uses only it, so it
 * sees each operation entirely or not at all; nothing here locks or waits for the writer. Safe for any number of
 * threads; per-thread scratch makes a search allocate only its result. See docs/ARCHITECTURE.md, "Threading and
 * publication".
 */
public final class ShardReader implements ShardSearcher {

    private final IndexConfig config;
    /** The writer's running document frequencies (racy reads: one operation early or late). */
    private final int[] df;
    /** Per term: approximate searches that asked for its list; the writer re-blocks those lists first. */
    private final int[] queryTouches;
    private final ThreadLocal<QueryScratch> scratch;
    private volatile View view;

    ShardReader(IndexConfig config, int[] df, int[] queryTouches) {
        this.config = config;
        this.df = df;
        this.queryTouches = queryTouches;
        this.scratch = ThreadLocal.withInitial(() -> new QueryScratch(config.vocabularySize()));
    }

    /** Writer: makes {@code v} what every later read sees. */
    void publish(View v) {
        view = v;
    }

    /** The published view (tests inspect lists and visibility through it). */
    View currentView() {
        return view;
    }

    public IndexConfig config() {
        return config;
    }

    public long appliedOffset() {
        return view.appliedOffset;
    }

    public int liveDocuments() {
        return view.liveDocs;
    }

    /**
     * Number of live documents containing {@code termId} (exact running count; a reader concurrent with the writer
     * may see it one operation early or late). 0 for ids outside the vocabulary.
     */
    public int documentFrequency(int termId) {
        return termId >= 0 && termId < df.length ? df[termId] : 0;
    }

    @Override
    public SearchResult search(SearchRequest request) {
        return search(request, null);
    }

    /**
     * As {@link #search(SearchRequest)}, and appends each hit's stored vector, as this search scored it (dequantized:
     * code × the document's scale), to {@code hitVectors} in hit order, so that a caller can explain a score term
     * by term. Both come from the same published view: the vector is the version of the document that was scored.
     * Costs one copy of each hit's stored entries; {@code null} skips it.
     */
    public SearchResult search(SearchRequest request, List<SparseVector> hitVectors) {
        if (request == null) {
            throw new IllegalArgumentException("request must not be null");
        }
        View v = view;
        QueryScratch sc = scratch.get();
        float[] q = sc.dense;
        SparseVector query = request.query();
        int[] queryTerms = query.termIds();
        float[] queryWeights = query.weights();
        int queryTermCount = 0;
        while (queryTermCount < queryTerms.length && queryTerms[queryTermCount] < q.length) {
            q[queryTerms[queryTermCount]] = queryWeights[queryTermCount];
            queryTermCount++;
        }
        try {
            TopK top = sc.top;
            top.reset(request.k(), v.meta);
            RoaringBitmap allowed = request.filter() == null ? null
                    : v.generation.fields.evaluate(request.filter());
            if (allowed != null && allowed.isEmpty()) {
                return toResult(v, sc, 0, 0, 0, true, hitVectors);
            }
            if (request.mode() == SearchMode.EXACT) {
                int scored = allowed == null ? exactScan(v, q, top) : exactOver(v, q, top, allowed);
                return toResult(v, sc, scored, 0, 0, true, hitVectors);
            }
            if (allowed != null && allowed.getLongCardinality() <= request.knobs().filterExactMax()) {
                return toResult(v, sc, exactOver(v, q, top, allowed), 0, 0, true, hitVectors);
            }
            for (int i = 0; i < queryTermCount; i++) {
                queryTouches[queryTerms[i]]++; // racy by design: a lost increment only blurs a priority
            }
            ApproximateTraversal.search(v, sc, queryTerms, queryWeights, queryTermCount, request.knobs(), allowed);
            int scored = sc.scored + scoreStaged(v, sc, queryTerms, queryWeights, queryTermCount,
                    request.knobs().queryCut(), allowed);
            sc.top.rescoreExact(q, v);
            return toResult(v, sc, scored, sc.evaluated, sc.skipped, false, hitVectors);
        } finally {
            for (int i = 0; i < queryTermCount; i++) {
                q[queryTerms[i]] = 0f;
            }
        }
    }

    /**
     * After a traversal: offers the view's staged documents (postings not moved into the lists when the view was
     * published, see {@link ShardWriter}) that the traversal did not see, as the lists would have offered them had
     * they held their postings: from each sealed run, the slots of the {@code queryCut} heaviest query terms (the
     * terms whose lists a traversal reads); then every unsealed slot, scored from the forward index (fewer than
     * {@link ShardWriter#SEAL_SLOTS}), offered when its score is positive.
     */
    private static int scoreStaged(View v, QueryScratch sc, int[] queryTerms, float[] queryWeights,
                                   int queryTermCount, int queryCut, RoaringBitmap allowed) {
        int scored = 0;
        float[] q = sc.dense;
        StagedRun[] runs = v.runs;
        if (runs.length > 0) {
            int cut = Math.min(queryCut, queryTermCount);
            long[] termOrder = sc.termOrder(queryTermCount);
            for (int i = 0; i < queryTermCount; i++) {
                // heaviest first, then lower term id, as the traversal orders them
                termOrder[i] = ((long) (0x7fffffff - Float.floatToIntBits(queryWeights[i])) << 32) | queryTerms[i];
            }
            Arrays.sort(termOrder, 0, queryTermCount);
            for (StagedRun run : runs) {
                int[] slots = run.slots();
                for (int c = 0; c < cut; c++) {
                    int term = (int) termOrder[c];
                    if (q[term] == 0f) {
                        continue;
                    }
                    for (int j = run.groupFrom(term), end = run.groupTo(term); j < end; j++) {
                        int s = slots[j];
                        if (v.visible(s) && sc.markSeen(s) && (allowed == null || allowed.contains(s))) {
                            sc.top.offer(s, ScoreKernels.approximateScoreSlot(q, v, s));
                            scored++;
                        }
                    }
                }
            }
        }
        for (int s = v.sealedTo; s < v.slotLimit; s++) {
            if (v.visible(s) && sc.markSeen(s) && (allowed == null || allowed.contains(s))) {
                float score = ScoreKernels.approximateScoreSlot(q, v, s);
                if (score > 0f) {
                    sc.top.offer(s, score);
                }
                scored++;
            }
        }
        return scored;
    }

    /** Scores every visible slot. */
    private static int exactScan(View v, float[] q, TopK top) {
        int scored = 0;
        for (int s = 0; s < v.slotLimit; s++) {
            if (v.visible(s)) {
                top.offer(s, ScoreKernels.scoreSlot(q, v, s));
                scored++;
            }
        }
        return scored;
    }

    /** Scores every visible slot of {@code allowed}. */
    private static int exactOver(View v, float[] q, TopK top, RoaringBitmap allowed) {
        int scored = 0;
        PeekableIntIterator it = allowed.getIntIterator();
        while (it.hasNext()) {
            int s = it.next();
            if (s >= v.slotLimit) {
                break;
            }
            if (v.visible(s)) {
                top.offer(s, ScoreKernels.scoreSlot(q, v, s));
                scored++;
            }
        }
        return scored;
    }

    private static SearchResult toResult(View v, QueryScratch sc, int scored, int evaluated, int skipped,
                                         boolean exact, List<SparseVector> hitVectors) {
        sc.ensureOut(sc.top.size());
        int n = sc.top.drainBestFirst(sc.outSlots, sc.outScores);
        List<Hit> hits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            DocMeta m = v.meta[sc.outSlots[i]];
            hits.add(new Hit(m.docId(), sc.outScores[i], m.title(), m.snippet()));
            if (hitVectors != null) {
                hitVectors.add(storedVector(v, sc.outSlots[i]));
            }
        }
        return new SearchResult(hits, scored, evaluated, skipped, exact, v.appliedOffset);
    }

    /** The stored vector of {@code slot}, dequantized: ascending term ids, weight = code × the slot's scale. */
    private static SparseVector storedVector(View v, int slot) {
        int from = v.start[slot];
        int to = v.start[slot + 1];
        float scale = v.scale[slot];
        float[] weights = new float[to - from];
        for (int i = from; i < to; i++) {
            weights[i - from] = v.code(i) * scale;
        }
        return SparseVector.ofSorted(Arrays.copyOfRange(v.terms, from, to), weights);
    }

    public IndexStats stats() {
        View v = view;
        long forwardPostings = 0;
        for (int s = 0; s < v.slotLimit; s++) {
            if (v.visible(s)) {
                forwardPostings += v.start[s + 1] - v.start[s];
            }
        }
        long listPostings = 0;
        long blocks = 0;
        long summaryEntries = 0;
        long listBytes = (long) config.vocabularySize() * 8;
        int drifted = 0;
        AtomicReferenceArray<PostingList> lists = v.generation.lists;
        for (int t = 0; t < lists.length(); t++) {
            PostingList list = lists.get(t);
            if (list != null) {
                listPostings += list.blockedSize() + list.count();
                blocks += list.blocks();
                summaryEntries += list.summaries.entries();
                listBytes += list.approxBytes();
                if (list.tailFull()) {
                    drifted++;
                }
            }
        }
        long forwardBytes = v.forwardBytes();
        long fieldBytes = v.generation.fields.approxBytes();
        return new IndexStats(v.liveDocs, v.slotLimit, forwardPostings, listPostings, blocks, summaryEntries, drifted,
                forwardBytes, listBytes, forwardBytes + listBytes + fieldBytes + (long) df.length * 4,
                v.appliedOffset);
    }

    /**
     * Hash of the logical content: every live document's id, title, snippet, fields and stored vector, in doc-id
     * order, so it is independent of arrival order and of the physical layout (SHA-256). Replicas that applied the
     * same stream have equal digests.
     */
    public byte[] contentDigest() {
        return ContentDigests.content(view);
    }

    /**
     * Hash of the physical layout of the inverted lists (blocks, summaries, thresholds, tails), in term order. Two
     * shards with equal content have equal layout digests after {@code compact()}; tests use it for P1.
     */
    byte[] layoutDigest() {
        return ContentDigests.layout(view);
    }
}
