package io.streamsparse.core.index;

import com.carrotsearch.hppc.IntArrayList;
import java.util.Arrays;

/**
 * Builds and maintains {@link PostingList}s: static pruning, seeded clustering into blocks, block summaries. One
 * instance per thread (it owns scratch buffers); the methods read documents through a published {@link View}, whose
 * slots never change (deaths after the view's stamp are ignored: such postings stay and die later).
 *
 * <h2>Build (a pure function of the list's postings and the documents' stored vectors)</h2>
 * <ol>
 *   <li><b>Prune</b>: with {@code pruneLambda > 0}, keep the {@code λ} heaviest postings (ties: lower slot first),
 *       {@code minWeight} = the λ-th weight.</li>
 *   <li><b>Centroids</b>: {@code β = ceil(n / blockSize)}; the centroids are the β documents with the smallest
 *       {@link ContentHash#termDoc} of (term, doc-id hash): seeded by term and content, never by arrival order.</li>
 *   <li><b>Assignment</b>: a centroid joins its own block; every other document joins its nearest centroid by
 *       {@link CentroidRouter} (over the centroids' full vectors).</li>
 *   <li><b>Layout</b>: blocks in centroid rank order, slots ascending inside a block.</li>
 *   <li><b>Summary</b> per block, see {@link #summarize} and {@link BlockSummaries}.</li>
 * </ol>
 * After {@code compact()} slots ascend with doc id, so "lower slot" and "slot order" are content orders too and the
 * layout is a function of the content alone.
 *
 * <h2>Merge (incremental re-blocking)</h2>
 * {@link #merge} folds a list's tail in as new, unclustered blocks of {@code blockSize} documents in tail order,
 * each with a summary made from the documents' clustering features ({@link #appendSealed}); the old blocks keep
 * their documents and summaries (blocks that only lost documents keep theirs, still upper bounds). Postings dead at
 * the view leave only when the caller asks ({@code dropDead}: the writer asks once dead postings reach half the
 * list's dead limit); otherwise they stay and readers skip them by visibility. A merge neither routes, re-clusters
 * nor prunes; a list whose postings folded in since its last clustering exceed {@link #REBUILD_CHURN} times its
 * clustered size is rebuilt from scratch instead ({@link #rebuild}: clustered, pruned back to λ, dead postings
 * dropped), so each posting is clustered O(1) times amortized and a list holds at most {@code 1 + REBUILD_CHURN}
 * times its clustered size plus its tail.
 *
 * <p>Why the merge reads so little: at a million documents the forward pool is far larger than the caches, and
 * every document read costs a DRAM miss per cache line. Appending reads only each tail document's clustering
 * features (one cache line, see {@link ForwardIndex}); the blocked part is copied by ranges. A merge costs O(blocks
 * + tail) cache lines. Routing tail documents to their nearest centroids and pruning on every merge (the previous
 * merge) cost several times more per posting, and the builder fell an order of magnitude behind the tails at 50k
 * upserts/s; the price of appending is blocks a search skips less often until the list is rebuilt.
 */
final class ListBuilder {

    /**
     * A list is re-clustered from scratch once the postings folded into it since its last clustering exceed
     * this multiple of its clustered size: every posting is clustered O(1) times amortized, and blocks at most
     * triple before they are redrawn.
     */
    static final int REBUILD_CHURN = 2;

    private final IndexConfig config;
    private final CentroidRouter router;
    private final float[] dense;
    private final int[] touched;
    private final long[] hist = new long[BlockSummaries.MAX_CODE + 1];
    private final int[] codeCount = new int[BlockSummaries.MAX_CODE + 1];
    private long[] ties = new long[256];
    private long[] keys = new long[256];
    private int[] selected = new int[256];
    private int[] rankOf = new int[256];
    private int[] codeOf = new int[256];
    private float[] floats = new float[256];
    /** Whether the last {@link #merge} dropped every posting dead at its view (else it kept them all). */
    private boolean lastMergeDroppedDead;

    // output of one list
    private final IntArrayList outDocs = new IntArrayList();
    private final IntArrayList outBlockStart = new IntArrayList();
    private final IntArrayList outCentroid = new IntArrayList();
    private final BlockSummaries.Builder outSummaries = new BlockSummaries.Builder();

    ListBuilder(IndexConfig config) {
        this.config = config;
        int v = config.vocabularySize();
        router = new CentroidRouter(config);
        dense = new float[v];
        touched = new int[v];
    }

    // ------------------------------------------------------------------------------------------------ build

    /**
     * Builds the list of {@code term} from postings {@code (slots[i], weights[i])}, {@code i < n}, slots ascending.
     * {@code floorWeight} is a lower bound for {@code minWeight} (a list rebuilt from an already pruned list cannot
     * lower its threshold: the postings below it are not among its candidates).
     */
    PostingList build(int term, int[] slots, float[] weights, int n, float floorWeight, View f) {
        int lambda = config.pruneLambda();
        int[] sel = selected = ArrayGrowth.scratch(selected, n);
        int m;
        float minW = floorWeight;
        if (lambda > 0 && n > lambda) {
            long[] k = keys = ArrayGrowth.scratch(keys, n);
            for (int i = 0; i < n; i++) {
                // weights are >= 0, so their bits order like the values; invert for heaviest first, then lower slot
                k[i] = ((long) (0x7fffffff - Float.floatToIntBits(weights[i])) << 32) | i;
            }
            Arrays.sort(k, 0, n);
            minW = Math.max(minW, weights[(int) k[lambda - 1]]);
            for (int j = 0; j < lambda; j++) {
                sel[j] = slots[(int) k[j]];
            }
            Arrays.sort(sel, 0, lambda);
            m = lambda;
        } else {
            System.arraycopy(slots, 0, sel, 0, n);
            m = n;
        }
        return cluster(term, sel, m, minW, f, 0);
    }

    /** Clusters {@code sel[0..m)} (slots ascending) into blocks with summaries. */
    private PostingList cluster(int term, int[] sel, int m, float minW, View f, int churn) {
        clearOut();
        if (m == 0) {
            return finish(term, minW, 0, churn);
        }
        int bs = config.blockSize();
        int beta = (m + bs - 1) / bs;
        long[] k = keys = ArrayGrowth.scratch(keys, m);
        for (int j = 0; j < m; j++) {
            k[j] = (ContentHash.termDoc(term, f.keyHash[sel[j]]) & 0xFFFFFFFF00000000L) | j;
        }
        Arrays.sort(k, 0, m);
        int[] rankOf = this.rankOf = ArrayGrowth.scratch(this.rankOf, m); // position j -> rank, -1 until assigned
        Arrays.fill(rankOf, 0, m, -1);
        int[] centroidSlot = new int[beta];
        for (int r = 0; r < beta; r++) {
            int j = (int) k[r];
            rankOf[j] = r;
            centroidSlot[r] = sel[j];
        }
        if (beta > 1) {
            router.index(term, centroidSlot, beta, f);
            for (int j = 0; j < m; j++) {
                if (rankOf[j] < 0) {
                    rankOf[j] = router.nearest(sel[j], f);
                }
            }
            router.clear();
        } else {
            Arrays.fill(rankOf, 0, m, 0);
        }
        // counting sort by rank; j ascending inside a rank keeps slots ascending
        int[] count = new int[beta + 1];
        for (int j = 0; j < m; j++) {
            count[rankOf[j] + 1]++;
        }
        for (int r = 0; r < beta; r++) {
            count[r + 1] += count[r];
        }
        int[] docs = new int[m];
        int[] fill = Arrays.copyOf(count, beta);
        for (int j = 0; j < m; j++) {
            docs[fill[rankOf[j]]++] = sel[j];
        }
        for (int r = 0; r < beta; r++) {
            if (count[r + 1] > count[r]) {
                addBlock(term, centroidSlot[r], docs, count[r], count[r + 1], f);
            }
        }
        return finish(term, minW, m, churn);
    }

    // ------------------------------------------------------------------------------------------------ merge

    /**
     * Folds the tail {@code tail[0..tailN)} into {@code old} (see the class javadoc), against the documents of view
     * {@code f}: the tail's live postings become new blocks of {@code blockSize} in tail order after the old ones
     * (see {@link #appendSealed}), or the list is rebuilt once its churn passes {@link #REBUILD_CHURN}. With
     * {@code dropDead}, postings whose slot is not visible in {@code f} leave (the result holds none dead at the
     * view); otherwise every posting stays. Returns a new list with an empty tail; {@link #lastMergeDroppedDead()}
     * tells which of the two happened (a rebuild always drops).
     */
    PostingList merge(PostingList old, int tailN, int[] tail, View f, boolean dropDead) {
        int term = old.term;
        int beta = old.blocks();
        if (beta == 0 || old.churn + tailN > REBUILD_CHURN * Math.max(old.clusteredSize, config.reblockMinTail())) {
            lastMergeDroppedDead = true;
            return rebuild(old, tailN, tail, f);
        }
        lastMergeDroppedDead = dropDead;
        clearOut();
        IntArrayList docs = outDocs;
        for (int b = 0; b < beta; b++) {
            int before = docs.size();
            int from = old.blockStart[b];
            int to = old.blockStart[b + 1];
            if (dropDead) {
                for (int i = from; i < to; i++) {
                    int s = old.docs[i];
                    if (f.visible(s)) {
                        docs.add(s);
                    }
                }
            } else {
                docs.add(old.docs, from, to - from);
            }
            if (docs.size() == before) {
                continue;
            }
            outBlockStart.add(docs.size());
            outCentroid.add(old.centroid[b]);
            outSummaries.copyBlock(old.summaries, b); // documents only left it: still an upper bound
        }
        int bs = config.blockSize();
        int[] live = selected = ArrayGrowth.scratch(selected, tailN);
        int n = 0;
        for (int i = 0; i < tailN; i++) {
            if (!dropDead || f.visible(tail[i])) {
                live[n++] = tail[i];
            }
        }
        for (int from = 0; from < n; from += bs) {
            appendSealed(term, live, from, Math.min(n, from + bs), f);
        }
        return finish(term, old.minWeight, old.clusteredSize, old.churn + n);
    }

    /** Whether the last {@link #merge} on this builder dropped every posting dead at its view. */
    boolean lastMergeDroppedDead() {
        return lastMergeDroppedDead;
    }

    /** Rebuilds a list from scratch from its postings visible in {@code f} (blocked part and the given tail). */
    PostingList rebuild(PostingList old, int tailN, int[] tail, View f) {
        int n = 0;
        // a fresh array: build() below uses the shared scratch
        int[] slots = new int[old.docs.length + tailN];
        for (int s : old.docs) {
            if (f.visible(s)) {
                slots[n++] = s;
            }
        }
        for (int i = 0; i < tailN; i++) {
            if (f.visible(tail[i])) {
                slots[n++] = tail[i];
            }
        }
        Arrays.sort(slots, 0, n);
        float[] ws = floats = ArrayGrowth.scratch(floats, n);
        for (int i = 0; i < n; i++) {
            ws[i] = f.weightOf(slots[i], old.term);
        }
        return build(old.term, slots, ws, n, old.minWeight, f);
    }

    // ------------------------------------------------------------------------------------------------ pieces

    private void addBlock(int term, int centroidSlot, int[] docs, int from, int to, View f) {
        for (int i = from; i < to; i++) {
            outDocs.add(docs[i]);
        }
        outBlockStart.add(outDocs.size());
        outCentroid.add(centroidSlot);
        summarize(term, docs, from, to, f);
    }

    /**
     * Appends the summary of the documents {@code docs[from..to)}: the coordinate-wise max of their stored weights,
     * quantized to u8 codes with one scale, rounding up ({@code code · scale >= weight}, so every kept coordinate
     * bounds every document's weight), then α-pruned on the codes: with {@code T} the largest code such that the
     * codes {@code >= T} hold at least α of the total code mass, coordinates with code {@code >= T} are kept, and
     * the list's own term always; of those beyond the list's term at most {@code summaryMaxTerms} stay, heaviest first
     * (ties: lower term). Terms ascend. O(block nnz) plus a sort of the kept terms.
     */
    void summarize(int term, int[] docs, int from, int to, View f) {
        int nt = 0;
        float max = 0f;
        boolean hasTerm = false;
        for (int i = from; i < to; i++) {
            int s = docs[i];
            float sc = f.scale[s];
            for (int e = f.start[s], end = f.start[s + 1]; e < end; e++) {
                int u = f.terms[e];
                float w = f.code(e) * sc;
                if (u == term) {
                    hasTerm = true;
                }
                if (w > dense[u]) {
                    if (dense[u] == 0f) {
                        touched[nt++] = u;
                    }
                    dense[u] = w;
                    if (w > max) {
                        max = w;
                    }
                }
            }
        }
        float scale = BlockSummaries.quantizationScale(max);
        long total = 0;
        int[] codeOf = this.codeOf = ArrayGrowth.scratch(this.codeOf, nt);
        for (int i = 0; i < nt; i++) {
            int c = BlockSummaries.ceilCode(dense[touched[i]], scale);
            codeOf[i] = c;
            total += c;
        }
        int threshold = 1;
        float alpha = config.summaryAlpha();
        if (alpha < 1f) {
            for (int i = 0; i < nt; i++) {
                hist[codeOf[i]] += codeOf[i];
            }
        }
        if (alpha < 1f) {
            double need = alpha * (double) total;
            long accMass = 0;
            for (int c = BlockSummaries.MAX_CODE; c >= 1; c--) {
                accMass += hist[c];
                if (accMass >= need) {
                    threshold = c;
                    break;
                }
            }
            for (int i = 0; i < nt; i++) {
                hist[codeOf[i]] = 0L;
            }
        }
        // keep (term, code) pairs packed as term << 8 | code, sorted by term
        long[] kept = keys = ArrayGrowth.scratch(keys, nt + 1);
        int nk = 0;
        boolean termKept = false;
        int termCode = 0;
        for (int i = 0; i < nt; i++) {
            int u = touched[i];
            if (u == term) {
                termKept = true;
                termCode = codeOf[i];
            } else if (codeOf[i] >= threshold) {
                kept[nk++] = ((long) u << 8) | codeOf[i];
            }
            dense[u] = 0f;
        }
        int cap = config.summaryMaxTerms();
        if (nk > cap) {
            nk = keepHeaviest(kept, nk, cap);
        }
        if (termKept || hasTerm) {
            kept[nk++] = ((long) term << 8) | termCode; // the list's own term, always (code 0 if weight 0)
        }
        Arrays.sort(kept, 0, nk);
        for (int i = 0; i < nk; i++) {
            outSummaries.add((int) (kept[i] >>> 8), (int) (kept[i] & 0xff));
        }
        outSummaries.endBlock(scale);
    }

    /**
     * Keeps the {@code cap} heaviest of the packed {@code term << 8 | code} entries {@code kept[0..n)}, ties to the
     * lower term, in {@code kept[0..cap)} (any order). Codes are u8, so a histogram finds the cut code and only the
     * entries at the cut are sorted: O(n + 256) instead of sorting the block's whole coordinate set, which dominated
     * re-blocking on flat vectors (hundreds of terms per document).
     */
    private int keepHeaviest(long[] kept, int n, int cap) {
        int[] count = codeCount;
        for (int i = 0; i < n; i++) {
            count[(int) (kept[i] & 0xff)]++;
        }
        int cut = BlockSummaries.MAX_CODE;
        int above = 0;
        while (above + count[cut] < cap) {
            above += count[cut];
            cut--;
        }
        Arrays.fill(count, 0);
        long[] ties = this.ties = ArrayGrowth.scratch(this.ties, n);
        int kn = 0;
        int tn = 0;
        for (int i = 0; i < n; i++) {
            int code = (int) (kept[i] & 0xff);
            if (code > cut) {
                kept[kn++] = kept[i];
            } else if (code == cut) {
                ties[tn++] = kept[i];
            }
        }
        Arrays.sort(ties, 0, tn); // one code: ascending packing = ascending term
        System.arraycopy(ties, 0, kept, kn, cap - kn);
        return cap;
    }

    /**
     * Appends the documents {@code docs[from..to)} as one block in their order, centred on the first, with a summary
     * made from their clustering features alone ({@link ForwardIndex}: each document's heaviest entries, heaviest
     * first), so a document costs one cache line instead of its whole vector, and no routing: folding a tail costs
     * O(tail) cache lines plus a copy of the blocked part, a fraction of routing each document to its nearest
     * centroid. The summary's coordinates are the block's heaviest feature terms (at most {@code summaryMaxTerms},
     * ties to the lower term) and the list's own term; each is the largest feature weight of it in the block, raised
     * to the block's floor, the largest weight of a document's last feature, which bounds every non-feature entry
     * (0 when a document has no more non-zero entries than features). So every coordinate bounds every document of the
     * block. The blocks are unclustered: a search skips them less often than clustered ones until the list is
     * rebuilt ({@link #REBUILD_CHURN}).
     */
    private void appendSealed(int term, int[] docs, int from, int to, View f) {
        for (int i = from; i < to; i++) {
            outDocs.add(docs[i]);
        }
        outBlockStart.add(outDocs.size());
        outCentroid.add(docs[from]);
        int stride = f.topStride;
        float unit = f.featureUnit;
        float floor = 0f;
        int nt = 0;
        for (int d = from; d < to; d++) {
            int slot = docs[d];
            float sc = f.scale[slot];
            int lastCode8 = 0;
            for (int i = slot * stride, end = i + stride; i < end; i++) {
                int feat = f.topFeat[i];
                if (feat < 0) {
                    lastCode8 = 0; // every non-zero entry is a feature: nothing else to bound
                    break;
                }
                lastCode8 = feat & 0xff;
                int u = feat >>> 8;
                float x = featureBound(lastCode8, unit, sc);
                if (x > dense[u]) {
                    if (dense[u] == 0f) {
                        touched[nt++] = u;
                    }
                    dense[u] = x;
                }
            }
            if (lastCode8 > 0) {
                floor = Math.max(floor, featureBound(lastCode8, unit, sc));
            }
        }
        float max = floor;
        for (int i = 0; i < nt; i++) {
            max = Math.max(max, dense[touched[i]]);
        }
        float scale = BlockSummaries.quantizationScale(max);
        long[] kept = keys = ArrayGrowth.scratch(keys, nt + 1);
        int nk = 0;
        float termWeight = floor;
        for (int i = 0; i < nt; i++) {
            int u = touched[i];
            float w = Math.max(dense[u], floor);
            dense[u] = 0f;
            if (u == term) {
                termWeight = w;
            } else {
                kept[nk++] = ((long) u << 8) | BlockSummaries.ceilCode(w, scale);
            }
        }
        int cap = config.summaryMaxTerms();
        if (nk > cap) {
            nk = keepHeaviest(kept, nk, cap);
        }
        kept[nk++] = ((long) term << 8) | BlockSummaries.ceilCode(termWeight, scale); // the list's own term, always
        Arrays.sort(kept, 0, nk);
        for (int i = 0; i < nk; i++) {
            outSummaries.add((int) (kept[i] >>> 8), (int) (kept[i] & 0xff));
        }
        outSummaries.endBlock(scale);
    }

    /**
     * An upper bound of the stored weight of a feature with top code byte {@code code8} in a document of scale
     * {@code docScale}: exact for U8 ({@code unit} 1); for U16 the code lies in {@code [code8·256, code8·256 + 255]}.
     */
    private static float featureBound(int code8, float unit, float docScale) {
        return (code8 * unit + (unit - 1f)) * docScale;
    }

    private void clearOut() {
        outDocs.clear();
        outBlockStart.clear();
        outBlockStart.add(0);
        outCentroid.clear();
        outSummaries.clear();
    }

    private PostingList finish(int term, float minW, int clusteredSize, int churn) {
        return new PostingList(term, outDocs.toArray(), outBlockStart.toArray(), outCentroid.toArray(),
                outSummaries.build(), minW, clusteredSize, churn, config);
    }
}
