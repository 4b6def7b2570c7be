package io.streamsparse.core.index;

import java.util.Arrays;

/**
 * Builds and maintains {@link PostingList}s: static pruning, seeded clustering into blocks, block summaries. One
 * instance per thread (it owns scratch buffers); the methods read a {@link ForwardIndex} that nobody mutates while
 * they run, or that only grows (the writer calling them itself).
 *
 * <h2>Build (a pure function of the list's postings and the documents' stored vectors)</h2>
 * <ol>
 *   <li><b>Prune</b>: with {@code pruneLambda > 0}, keep the {@code λ} heaviest postings (ties: lower slot first),
 *       {@code minWeight} = the λ-th weight.</li>
 *   <li><b>Centroids</b>: {@code β = ceil(n / blockSize)}; the centroids are the β documents with the smallest
 *       {@link ContentHash#termDoc} of (term, doc-id hash): seeded by term and content, never by arrival order.</li>
 *   <li><b>Assignment</b>: a centroid joins its own block; every other document joins the centroid maximizing the
 *       inner product of the document's {@code clusteringTerms} heaviest terms with the centroid's full vector (the
 *       list's own term left out, since every document shares it), ties to the lower-ranked centroid; a document
 *       overlapping no centroid goes to a centroid picked by its hash. The products are accumulated through a small
 *       inverted index over the centroids, so a document costs O(clusteringTerms × centroids per term).</li>
 *   <li><b>Layout</b>: blocks in centroid rank order, slots ascending inside a block.</li>
 *   <li><b>Summary</b> per block, see {@link #summarize}.</li>
 * </ol>
 * After {@code compact()} slots ascend with doc id, so "lower slot" and "slot order" are content orders too and the
 * layout is a function of the content alone.
 *
 * <h2>Merge (incremental re-blocking)</h2>
 * {@link #merge} folds a list's tail into its existing blocks: dead postings leave, each live tail document joins the
 * block of its nearest centroid, the summaries of blocks that gained documents are raised coordinate-wise to bound
 * them too (blocks that only lost documents keep theirs, still upper bounds), and a list grown past λ by a slack is
 * pruned back to λ. Its cost is O(list size) copying plus O(tail × (summary + nnz)), never a re-clustering; a list
 * whose routed postings since its last clustering exceed {@link #REBUILD_CHURN} times its clustered size is rebuilt
 * from scratch instead ({@link #rebuild}), so each posting is clustered O(1) times amortized.
 */
final class ListBuilder {

    /**
     * A list is re-clustered from scratch once the postings routed into its blocks since its last clustering exceed
     * this multiple of its clustered size: every posting is clustered O(1) times amortized, and blocks at most
     * triple before they are redrawn.
     */
    static final int REBUILD_CHURN = 2;

    /** Quantization of summary weights: u8 codes, rounded up. */
    static final int SUMMARY_MAX_CODE = 255;

    private final IndexConfig config;
    private final float[] dense;
    private final int[] touched;
    private final int[] chainHead;
    private final int[] headTouched;
    /** term -> position in the summary being raised, -1 elsewhere (reset after each use). */
    private final int[] coordPos;
    private int headTouchedN;
    private int[] chainNext = new int[256];
    private int[] chainCent = new int[256];
    private float[] chainW = new float[256];
    private int chainSize;
    private float[] acc = new float[64];
    private int[] accStamp = new int[64];
    private int[] accTouched = new int[64];
    private int stamp;
    private final int[] topT;
    private final float[] topW;
    private final long[] hist = new long[SUMMARY_MAX_CODE + 1];
    private final int[] codeCount = new int[SUMMARY_MAX_CODE + 1];
    private long[] ties = new long[256];
    private long[] keys = new long[256];
    private int[] ints = new int[256];
    private int[] ints2 = new int[256];
    private float[] floats = new float[256];

    // output buffers of one list
    private final IntBuf outDocs = new IntBuf();
    private final IntBuf outBlockStart = new IntBuf();
    private final IntBuf outCentroid = new IntBuf();
    private final IntBuf outSumStart = new IntBuf();
    private final IntBuf outSumTerms = new IntBuf();
    private final ByteBuf outSumCodes = new ByteBuf();
    private final FloatBuf outSumScale = new FloatBuf();

    ListBuilder(IndexConfig config) {
        this.config = config;
        int v = config.vocabularySize();
        dense = new float[v];
        touched = new int[v];
        chainHead = new int[v];
        Arrays.fill(chainHead, -1);
        headTouched = new int[v];
        coordPos = new int[v];
        Arrays.fill(coordPos, -1);
        topT = new int[config.clusteringTerms()];
        topW = new float[config.clusteringTerms()];
    }

    // ------------------------------------------------------------------------------------------------ build

    /**
     * Builds the list of {@code term} from postings {@code (slots[i], weights[i])}, {@code i < n}, slots ascending.
     * {@code floorWeight} is a lower bound for {@code minWeight} (a list rebuilt from an already pruned list cannot
     * lower its threshold: the postings below it are not among its candidates).
     */
    PostingList build(int term, int[] slots, float[] weights, int n, float floorWeight, ForwardIndex f) {
        int lambda = config.pruneLambda();
        int[] sel = ensureInts(n);
        int m;
        float minW = floorWeight;
        if (lambda > 0 && n > lambda) {
            long[] k = ensureKeys(n);
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
    private PostingList cluster(int term, int[] sel, int m, float minW, ForwardIndex f, int churn) {
        clearOut();
        if (m == 0) {
            return finish(term, minW, 0, churn);
        }
        int bs = config.blockSize();
        int beta = (m + bs - 1) / bs;
        long[] k = ensureKeys(m);
        for (int j = 0; j < m; j++) {
            k[j] = (ContentHash.termDoc(term, f.keyHash[sel[j]]) & 0xFFFFFFFF00000000L) | j;
        }
        Arrays.sort(k, 0, m);
        int[] rankOf = ensureInts2(m); // position j -> centroid rank, -1 until assigned
        Arrays.fill(rankOf, 0, m, -1);
        int[] centroidSlot = new int[beta];
        for (int r = 0; r < beta; r++) {
            int j = (int) k[r];
            rankOf[j] = r;
            centroidSlot[r] = sel[j];
        }
        if (beta > 1) {
            buildChains(term, centroidSlot, beta, f, false);
            for (int j = 0; j < m; j++) {
                if (rankOf[j] < 0) {
                    rankOf[j] = nearest(term, sel[j], beta, f);
                }
            }
            clearChains();
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
     * Folds the tail into the blocks (see the class javadoc). {@code died} is the writer's current death array; a
     * slot is dead when {@code died[slot] != 0}. Returns a new list with an empty tail and no dead postings.
     */
    PostingList merge(PostingList old, ForwardIndex f) {
        long[] died = f.died;
        int term = old.term;
        int tailN = old.writerCount();
        int[] tail = old.writerArray();
        int beta = old.blocks();
        if (beta == 0 || old.churn + tailN > REBUILD_CHURN * Math.max(old.clusteredSize, config.reblockMinTail())) {
            return rebuild(old, f);
        }
        // route live tail docs to blocks
        int[] route = ensureInts(tailN);
        int[] added = new int[beta + 1];
        int routed = 0;
        buildChains(term, old.centroid, beta, f, true);
        for (int i = 0; i < tailN; i++) {
            int s = tail[i];
            if (died[s] != 0) {
                route[i] = -1;
                continue;
            }
            int b = nearest(term, s, beta, f);
            route[i] = b;
            added[b + 1]++;
            routed++;
        }
        clearChains();
        for (int b = 0; b < beta; b++) {
            added[b + 1] += added[b];
        }
        int[] routedSlots = ensureInts2(Math.max(1, routed));
        int[] fill = Arrays.copyOf(added, beta);
        for (int i = 0; i < tailN; i++) {
            if (route[i] >= 0) {
                routedSlots[fill[route[i]]++] = tail[i];
            }
        }
        // new docs: live old docs of each block, then its routed docs (newer slots, so still ascending)
        clearOut();
        int removed = 0;
        IntBuf docs = outDocs;
        for (int b = 0; b < beta; b++) {
            int before = docs.size;
            for (int i = old.blockStart[b]; i < old.blockStart[b + 1]; i++) {
                int s = old.docs[i];
                if (died[s] == 0) {
                    docs.add(s);
                } else {
                    removed++;
                }
            }
            int gained = added[b + 1] - added[b];
            for (int i = added[b]; i < added[b + 1]; i++) {
                docs.add(routedSlots[i]);
            }
            if (docs.size == before) {
                continue;
            }
            outBlockStart.add(docs.size);
            outCentroid.add(old.centroid[b]);
            if (gained > 0) {
                raiseSummary(old, b, routedSlots, added[b], added[b + 1], f);
            } else {
                copySummary(old, b);
            }
        }
        int size = docs.size;
        float minW = old.minWeight;
        int lambda = config.pruneLambda();
        int slack = Math.max(config.blockSize(), lambda / 4);
        if (lambda > 0 && size > lambda + slack) {
            return pruneBlocks(old, f, minW, old.churn + routed);
        }
        return finish(term, minW, old.clusteredSize, old.churn + routed);
    }

    /** Rebuilds a list from scratch from its own live postings (blocked part and tail). */
    PostingList rebuild(PostingList old, ForwardIndex f) {
        long[] died = f.died;
        int tailN = old.writerCount();
        int[] tail = old.writerArray();
        int n = 0;
        int[] slots = ensureIntsFresh(old.docs.length + tailN);
        for (int s : old.docs) {
            if (died[s] == 0) {
                slots[n++] = s;
            }
        }
        for (int i = 0; i < tailN; i++) {
            if (died[tail[i]] == 0) {
                slots[n++] = tail[i];
            }
        }
        Arrays.sort(slots, 0, n);
        float[] ws = ensureFloats(n);
        for (int i = 0; i < n; i++) {
            ws[i] = weightOf(f, slots[i], old.term);
        }
        return build(old.term, slots, ws, n, old.minWeight, f);
    }

    /**
     * Prunes the blocks in the output buffers (a merged list grown past λ) back to the λ heaviest postings; blocks
     * keep their summaries (removing documents keeps them upper bounds) and empty blocks disappear.
     */
    private PostingList pruneBlocks(PostingList old, ForwardIndex f, float minW, int churn) {
        int term = old.term;
        int n = outDocs.size;
        int lambda = config.pruneLambda();
        int[] docs = Arrays.copyOf(outDocs.data, n);
        int[] blockStart = outBlockStart.toArray();
        int[] centroid = outCentroid.toArray();
        int[] sumStart = outSumStart.toArray();
        int[] sumTerms = outSumTerms.toArray();
        byte[] sumCodes = outSumCodes.toArray();
        float[] sumScale = outSumScale.toArray();
        float[] ws = ensureFloats(n);
        long[] k = ensureKeys(n);
        for (int i = 0; i < n; i++) {
            ws[i] = weightOf(f, docs[i], term);
            k[i] = ((long) (0x7fffffff - Float.floatToIntBits(ws[i])) << 32) | i;
        }
        Arrays.sort(k, 0, n);
        minW = Math.max(minW, ws[(int) k[lambda - 1]]);
        boolean[] keep = new boolean[n];
        for (int j = 0; j < lambda; j++) {
            keep[(int) k[j]] = true;
        }
        clearOut();
        int blocks = centroid.length;
        for (int b = 0; b < blocks; b++) {
            int before = outDocs.size;
            for (int i = blockStart[b]; i < blockStart[b + 1]; i++) {
                if (keep[i]) {
                    outDocs.add(docs[i]);
                }
            }
            if (outDocs.size == before) {
                continue;
            }
            outBlockStart.add(outDocs.size);
            outCentroid.add(centroid[b]);
            for (int i = sumStart[b]; i < sumStart[b + 1]; i++) {
                outSumTerms.add(sumTerms[i]);
                outSumCodes.add(sumCodes[i]);
            }
            outSumStart.add(outSumTerms.size);
            outSumScale.add(sumScale[b]);
        }
        return finish(term, minW, old.clusteredSize, churn);
    }

    // ------------------------------------------------------------------------------------------------ pieces

    /** The stored weight of {@code term} in {@code slot} (binary search over the slot's ascending term ids). */
    static float weightOf(ForwardIndex f, int slot, int term) {
        int i = Arrays.binarySearch(f.terms, f.start[slot], f.start[slot + 1], term);
        return i >= 0 ? f.code(i) * f.scale[slot] : 0f;
    }

    /**
     * Inverted index over the centroids' vectors (list term left out): term -> chain of (rank, weight). With
     * {@code topOnly} only each centroid's clustering features enter (merges route many small batches, so they trade
     * some routing precision for a chain ten times shorter to build).
     */
    private void buildChains(int term, int[] centroidSlot, int beta, ForwardIndex f, boolean topOnly) {
        chainSize = 0;
        headTouchedN = 0;
        if (acc.length < beta) {
            acc = new float[beta];
            accStamp = new int[beta];
            accTouched = new int[beta];
            stamp = 0;
        }
        for (int r = 0; r < beta; r++) {
            int s = centroidSlot[r];
            if (topOnly) {
                float unit = f.scale[s] * f.featureUnit;
                for (int i = s * f.topStride, end = i + f.topStride; i < end; i++) {
                    int feat = f.topFeat[i];
                    if (feat < 0) {
                        break;
                    }
                    int u = feat >>> 8;
                    if (u != term) {
                        chain(u, r, (feat & 0xff) * unit);
                    }
                }
                continue;
            }
            float sc = f.scale[s];
            for (int e = f.start[s], end = f.start[s + 1]; e < end; e++) {
                int u = f.terms[e];
                int code = f.code(e);
                if (u != term && code != 0) {
                    chain(u, r, code * sc);
                }
            }
        }
    }

    private void chain(int u, int r, float w) {
        if (chainSize == chainNext.length) {
            int cap = chainSize * 2;
            chainNext = Arrays.copyOf(chainNext, cap);
            chainCent = Arrays.copyOf(chainCent, cap);
            chainW = Arrays.copyOf(chainW, cap);
        }
        if (chainHead[u] < 0) {
            headTouched[headTouchedN++] = u;
        }
        chainNext[chainSize] = chainHead[u];
        chainCent[chainSize] = r;
        chainW[chainSize] = w;
        chainHead[u] = chainSize++;
    }

    private void clearChains() {
        for (int i = 0; i < headTouchedN; i++) {
            chainHead[headTouched[i]] = -1;
        }
        headTouchedN = 0;
        chainSize = 0;
    }

    /** Rank of the centroid nearest to {@code slot} (see assignment in the class javadoc). */
    private int nearest(int term, int slot, int beta, ForwardIndex f) {
        int mT = topTerms(term, slot, f);
        if (++stamp == Integer.MAX_VALUE) {
            Arrays.fill(accStamp, 0);
            stamp = 1;
        }
        int nt = 0;
        for (int i = 0; i < mT; i++) {
            float w = topW[i];
            for (int e = chainHead[topT[i]]; e >= 0; e = chainNext[e]) {
                int r = chainCent[e];
                if (accStamp[r] != stamp) {
                    accStamp[r] = stamp;
                    acc[r] = 0f;
                    accTouched[nt++] = r;
                }
                acc[r] += w * chainW[e];
            }
        }
        int best = -1;
        float bestScore = 0f;
        for (int i = 0; i < nt; i++) {
            int r = accTouched[i];
            float a = acc[r];
            if (a > bestScore || (a == bestScore && best >= 0 && r < best)) {
                best = r;
                bestScore = a;
            }
        }
        if (best < 0) {
            best = (int) Long.remainderUnsigned(ContentHash.termDoc(term, f.keyHash[slot]), beta);
        }
        return best;
    }

    /** Fills topT/topW with the slot's heaviest terms other than {@code term} (the forward index's features). */
    private int topTerms(int term, int slot, ForwardIndex f) {
        int cap = topT.length;
        int cnt = 0;
        float unit = f.scale[slot] * f.featureUnit;
        for (int i = slot * f.topStride, end = i + f.topStride; i < end && cnt < cap; i++) {
            int feat = f.topFeat[i];
            if (feat < 0) {
                break;
            }
            int u = feat >>> 8;
            if (u != term) {
                topT[cnt] = u;
                topW[cnt] = (feat & 0xff) * unit;
                cnt++;
            }
        }
        return cnt;
    }

    private void addBlock(int term, int centroidSlot, int[] docs, int from, int to, ForwardIndex f) {
        for (int i = from; i < to; i++) {
            outDocs.add(docs[i]);
        }
        outBlockStart.add(outDocs.size);
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
    void summarize(int term, int[] docs, int from, int to, ForwardIndex f) {
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
        float scale = quantizationScale(max);
        long total = 0;
        int[] codeOf = ensureInts3(nt);
        for (int i = 0; i < nt; i++) {
            int c = ceilCode(dense[touched[i]], scale);
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
            for (int c = SUMMARY_MAX_CODE; c >= 1; c--) {
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
        long[] kept = ensureKeys(nt + 1);
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
            outSumTerms.add((int) (kept[i] >>> 8));
            outSumCodes.add((byte) kept[i]);
        }
        outSumStart.add(outSumTerms.size);
        outSumScale.add(scale);
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
        int cut = SUMMARY_MAX_CODE;
        int above = 0;
        while (above + count[cut] < cap) {
            above += count[cut];
            cut--;
        }
        Arrays.fill(count, 0);
        long[] ties = ensureTies(n);
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

    private long[] ensureTies(int n) {
        if (ties.length < n) {
            ties = new long[Math.max(n, ties.length * 2)];
        }
        return ties;
    }

    /**
     * Appends block {@code b}'s summary raised to also bound the documents {@code docs[from..to)}: each of its
     * coordinates becomes the max of its old weight and theirs, re-quantized with ceiling rounding (a larger scale
     * when a new weight exceeds the old maximum). The coordinate set stays the same, so every coordinate still bounds
     * every document of the block; the new documents' other terms are not represented until the list is rebuilt.
     * O(summary + nnz) per new document: one pass over its entries against a dense term -> position array.
     */
    private void raiseSummary(PostingList old, int b, int[] docs, int from, int to, ForwardIndex f) {
        int s0 = old.sumStart[b];
        int n = old.sumStart[b + 1] - s0;
        float[] w = ensureFloats(n);
        float oldScale = old.sumScale[b];
        float max = 0f;
        for (int i = 0; i < n; i++) {
            w[i] = (old.sumCodes[s0 + i] & 0xff) * oldScale;
        }
        // mark the summary's coordinates in a dense position array, then one pass over each new document
        for (int i = 0; i < n; i++) {
            coordPos[old.sumTerms[s0 + i]] = i;
        }
        for (int d = from; d < to; d++) {
            int slot = docs[d];
            float sc = f.scale[slot];
            for (int e = f.start[slot], end = f.start[slot + 1]; e < end; e++) {
                int i = coordPos[f.terms[e]];
                if (i >= 0) {
                    float x = f.code(e) * sc;
                    if (x > w[i]) {
                        w[i] = x;
                    }
                }
            }
        }
        for (int i = 0; i < n; i++) {
            coordPos[old.sumTerms[s0 + i]] = -1;
        }
        for (int i = 0; i < n; i++) {
            max = Math.max(max, w[i]);
        }
        float scale = quantizationScale(max);
        for (int i = 0; i < n; i++) {
            outSumTerms.add(old.sumTerms[s0 + i]);
            outSumCodes.add((byte) ceilCode(w[i], scale));
        }
        outSumStart.add(outSumTerms.size);
        outSumScale.add(scale);
    }

    /** The smallest float scale with {@code SUMMARY_MAX_CODE · scale >= max} (0 for max 0). */
    static float quantizationScale(float max) {
        if (!(max > 0f)) {
            return 0f;
        }
        float scale = max / SUMMARY_MAX_CODE;
        while (SUMMARY_MAX_CODE * scale < max) {
            scale = Math.nextUp(scale);
        }
        return scale;
    }

    /** The smallest code with {@code code · scale >= w}, for {@code w <= SUMMARY_MAX_CODE · scale}. */
    static int ceilCode(float w, float scale) {
        if (!(w > 0f)) {
            return 0;
        }
        int c = Math.min(SUMMARY_MAX_CODE, (int) Math.ceil(w / scale));
        while (c * scale < w) {
            c++;
        }
        return c;
    }

    private void copySummary(PostingList old, int b) {
        for (int i = old.sumStart[b]; i < old.sumStart[b + 1]; i++) {
            outSumTerms.add(old.sumTerms[i]);
            outSumCodes.add(old.sumCodes[i]);
        }
        outSumStart.add(outSumTerms.size);
        outSumScale.add(old.sumScale[b]);
    }

    private void clearOut() {
        outDocs.size = 0;
        outBlockStart.size = 0;
        outBlockStart.add(0);
        outCentroid.size = 0;
        outSumStart.size = 0;
        outSumStart.add(0);
        outSumTerms.size = 0;
        outSumCodes.size = 0;
        outSumScale.size = 0;
    }

    private PostingList finish(int term, float minW, int clusteredSize, int churn) {
        return new PostingList(term, outDocs.toArray(), outBlockStart.toArray(), outCentroid.toArray(),
                outSumStart.toArray(), outSumTerms.toArray(), outSumCodes.toArray(), outSumScale.toArray(), minW,
                clusteredSize, churn, config);
    }

    private long[] ensureKeys(int n) {
        if (keys.length < n) {
            keys = new long[Math.max(n, keys.length * 2)];
        }
        return keys;
    }

    private int[] ensureInts(int n) {
        if (ints.length < n) {
            ints = new int[Math.max(n, ints.length * 2)];
        }
        return ints;
    }

    private int[] ensureInts2(int n) {
        if (ints2.length < n) {
            ints2 = new int[Math.max(n, ints2.length * 2)];
        }
        return ints2;
    }

    private int[] ints3 = new int[256];

    private int[] ensureInts3(int n) {
        if (ints3.length < n) {
            ints3 = new int[Math.max(n, ints3.length * 2)];
        }
        return ints3;
    }

    /** A fresh array (callers pass it back into {@link #build}, which uses the shared int scratch). */
    private static int[] ensureIntsFresh(int n) {
        return new int[n];
    }

    private float[] ensureFloats(int n) {
        if (floats.length < n) {
            floats = new float[Math.max(n, floats.length * 2)];
        }
        return floats;
    }

    /** Growable int array. */
    static final class IntBuf {
        int[] data = new int[64];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return size == 0 ? PostingList.NO_INTS : Arrays.copyOf(data, size);
        }
    }

    /** Growable byte array. */
    static final class ByteBuf {
        byte[] data = new byte[64];
        int size;

        void add(byte v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        byte[] toArray() {
            return size == 0 ? PostingList.NO_BYTES : Arrays.copyOf(data, size);
        }
    }

    /** Growable float array. */
    static final class FloatBuf {
        float[] data = new float[64];
        int size;

        void add(float v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        float[] toArray() {
            return size == 0 ? PostingList.NO_FLOATS : Arrays.copyOf(data, size);
        }
    }
}
