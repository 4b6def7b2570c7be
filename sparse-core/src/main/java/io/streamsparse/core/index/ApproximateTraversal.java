package io.streamsparse.core.index;

import io.streamsparse.core.search.SearchKnobs;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.roaringbitmap.RoaringBitmap;

/**
 * Seismic-style approximate traversal of a published {@link View}: for each of the {@code queryCut} heaviest query
 * terms, score the list's block summaries, visit blocks best summary first and stop at the first one whose
 * calibrated summary score is below {@code heapFactor ×} the current k-th score (once k hits exist; the factor
 * rises with the list's rank, {@link #BAR_RISE}); score each unseen live document of a visited block from the forward
 * index's ranked copy (its entries heaviest first, {@link ForwardIndex}): first its head, the sketch, and only when
 * the sketch score extrapolated to the whole document reaches {@link #SKETCH_GATE} of the k-th score the rest of the
 * same run (u8 codes; u16 codes take the full score from the pool); then score the list's tail (not yet blocked)
 * the same way. A candidate is read from one place, 3 bytes an entry: against a separate 256-byte sketch plus the
 * pool's 5 bytes an entry, -30 % p50 on the real doc corpus (docs/BENCHMARKS.md, issue 10).
 *
 * <p><b>Memory-level parallelism.</b> A visited block's candidates sit at random slots, so each sketch is a cache
 * (and TLB) miss; scored one after the other, the 64-entry sketch loop of one candidate fills the out-of-order window
 * before the next candidate's loads issue, and the misses are paid in series. The traversal therefore first collects
 * a block's unseen candidates and loads one element of each cache line of their sketches in a tight loop
 * ({@link ScoreKernels#touchSketches}: independent loads, all in flight at once), then scores them: -12 to -19 %
 * p50 on the real doc corpus (docs/BENCHMARKS.md, issue 10). Java has no prefetch instruction; the loads' sum goes
 * to a field so that the JIT keeps them.
 *
 * <p><b>Calibration.</b> A summary keeps a block's heaviest coordinates only ({@code summaryAlpha},
 * {@code summaryMaxTerms}), so its score underestimates the block's documents by however much query mass falls on
 * the dropped coordinates. On peaked vectors that is little; on flat ones (hundreds of similar weights per document,
 * as our default model writes) summary scores come out several times below true scores and every block after the
 * first looks hopeless. The traversal therefore measures the underestimate as it goes: ρ = Σ best exact score in a
 * visited block / Σ that block's summary score, over the blocks visited so far for this query, and compares
 * {@code ρ × summary} (ρ ≥ 1) with the threshold. Two floats per query; on peaked vectors ρ stays near 1.
 *
 * <p>Stateless: everything per query lives in the caller's {@link QueryScratch} (the dense query is already set).
 */
final class ApproximateTraversal {

    /**
     * A candidate whose sketch score ({@link ScoreKernels#sketchScore}: its 64 heaviest entries), extrapolated to the
     * whole document by the sketch's share of its mass ({@link ForwardIndex#sketchScale}), is below this fraction of
     * the current k-th score is not scored in full. Only ~1.4 % of the scored candidates ever reach the k-th score;
     * at 1.0 the full dot product runs for ~1 candidate in 14 on the real doc corpus (128-term passages, 64-term
     * queries), and the extrapolation keeps the gate fair to flat 200-term documents whose sketch holds a third of
     * their mass, which an unscaled gate of 0.5 of the k-th score already cut to recall 0.79 (FlatVectorsRecallTest;
     * docs/BENCHMARKS.md, issue 10).
     */
    static final float SKETCH_GATE = 1.0f;

    /**
     * The bar a block must pass rises with its list's rank among the query's cut terms: the list of the c-th
     * heaviest term (from 0) stops at {@code heapFactor × (1 + BAR_RISE · c / queryCut)} of the k-th score. Lighter
     * terms' lists hold fewer of the top-k documents that heavier lists have not found already, so their blocks
     * are worth less at the same summary score. On the real doc corpus (250k passages) at recall@10 ~0.955 this cut
     * candidates per query from ~5,100 to ~4,000 (docs/BENCHMARKS.md, issue 10).
     */
    static final float BAR_RISE = 1f;

    private ApproximateTraversal() {
    }

    /**
     * Offers candidates to {@code scratch.top}; {@code allowed} (nullable) restricts them to a filter's slots. Leaves
     * the counts in {@code scratch.scored/evaluated/skipped}.
     *
     * <p>Scores each list's summaries here and visits its blocks in {@link #visitList}, a method of its own: C2 inlines
     * a bounded amount of code into one compiled method, and with the summary kernel and the candidates' kernels in
     * one body the later ones were left out and their vectors allocated (~120 KB per query, +5-10 % p50 on the real
     * doc corpus).
     */
    static void search(View v, QueryScratch scratch, int[] queryTerms, float[] queryWeights, int queryTermCount,
                       SearchKnobs knobs, RoaringBitmap allowed) {
        float[] q = scratch.dense;
        scratch.beginSeen(v.slotLimit);
        int cut = Math.min(knobs.queryCut(), queryTermCount);
        long[] termOrder = scratch.termOrder(queryTermCount);
        for (int i = 0; i < queryTermCount; i++) {
            // heaviest first, then lower term id: weights >= 0 order like their bits
            termOrder[i] = ((long) (0x7fffffff - Float.floatToIntBits(queryWeights[i])) << 32) | queryTerms[i];
        }
        Arrays.sort(termOrder, 0, queryTermCount);
        float heapFactor = knobs.heapFactor();
        scratch.trueScoreSum = 0f;
        scratch.summaryScoreSum = 0f;
        scratch.scored = 0;
        scratch.evaluated = 0;
        scratch.skipped = 0;
        AtomicReferenceArray<PostingList> lists = v.generation.lists;
        for (int c = 0; c < cut; c++) {
            int term = (int) termOrder[c];
            if (q[term] == 0f) {
                continue;
            }
            PostingList list = lists.get(term);
            if (list == null) {
                continue;
            }
            int blocks = list.blocks();
            long[] blockOrder = scratch.blockOrder(blocks);
            ScoreKernels.summaryOrder(q, list.summaries, blockOrder);
            Arrays.sort(blockOrder, 0, blocks);
            scratch.evaluated += blocks;
            visitList(v, scratch, list, blockOrder, heapFactor * (1f + BAR_RISE * c / cut), allowed);
        }
    }

    /**
     * Visits the blocks of {@code list} in the order {@code blockOrder} holds (best summary first) until one
     * falls below {@code listFactor ×} the k-th score (calibrated), then its tail; updates the query's calibration
     * sums and counts in {@code scratch}.
     */
    private static void visitList(View v, QueryScratch scratch, PostingList list, long[] blockOrder,
                                  float listFactor, RoaringBitmap allowed) {
        float[] q = scratch.dense;
        TopK top = scratch.top;
        boolean ranked = v.rankTerms != null;
        // u8 codes: the ranked copy holds the codes themselves, so it gives the full score too
        boolean fullFromRanked = ranked && v.codeBytes == 1;
        char[] rankTerms = v.rankTerms;
        byte[] rankCodes = v.rankCodes;
        int[] start = v.start;
        float[] scale = v.scale;
        float[] sketchScale = v.sketchScale;
        int[] lanes = scratch.lanes;
        float trueScoreSum = scratch.trueScoreSum;
        float summaryScoreSum = scratch.summaryScoreSum;
        int scored = 0;
        int blocks = list.blocks();
        int[] docs = list.docs;
        int[] blockStart = list.blockStart;
        // lists may be newer than the view (re-blocked since): they can hold slots at or past v.slotLimit, which
        // visible() rejects before anything indexes a per-slot array
        for (int i = 0; i < blocks; i++) {
            long key = blockOrder[i];
            float summaryScore = Float.intBitsToFloat(0x7fffffff - (int) (key >>> 32));
            float rho = summaryScoreSum > 0f ? Math.max(1f, trueScoreSum / summaryScoreSum) : 1f;
            if (top.full() && summaryScore * rho < listFactor * top.threshold()) {
                scratch.skipped += blocks - i;
                break;
            }
            int b = (int) key;
            int[] candidates = scratch.candidates(blockStart[b + 1] - blockStart[b]);
            int candidateCount = 0;
            int slotLimit = v.slotLimit;
            for (int j = blockStart[b], end = blockStart[b + 1]; j < end; j++) {
                int s = docs[j];
                // a slot at or past the limit is not in this view; one below it may be dead, which the sketch
                // gate need not know: visibility is checked only for the few candidates scored in full
                if (s < slotLimit && scratch.markSeen(s) && (allowed == null || allowed.contains(s))) {
                    candidates[candidateCount++] = s;
                }
            }
            if (top.full() && ranked) {
                scratch.touched += ScoreKernels.touchSketches(v, candidates, candidateCount);
            }
            float blockBest = 0f;
            for (int j = 0; j < candidateCount; j++) {
                int s = candidates[j];
                float score;
                if (ranked) {
                    int from = start[s];
                    int to = start[s + 1];
                    int head = Math.min(to, from + ForwardIndex.SKETCH_TERMS);
                    float headDot = ScoreKernels.rankedDot(q, rankTerms, rankCodes, from, head, lanes);
                    if (top.full() && headDot * sketchScale[s] < SKETCH_GATE * top.threshold()) {
                        continue;
                    }
                    if (!v.visible(s)) {
                        continue;
                    }
                    score = fullFromRanked
                            ? (headDot + ScoreKernels.rankedDot(q, rankTerms, rankCodes, head, to, lanes)) * scale[s]
                            : ScoreKernels.approximateScoreSlot(q, v, s);
                } else {
                    if (!v.visible(s)) {
                        continue;
                    }
                    score = ScoreKernels.approximateScoreSlot(q, v, s);
                }
                top.offer(s, score);
                blockBest = Math.max(blockBest, score);
                scored++;
            }
            if (blockBest > 0f && summaryScore > 0f) {
                trueScoreSum += blockBest;
                summaryScoreSum += summaryScore;
            }
        }
        int tailCount = list.count();
        int[] tail = list.array();
        for (int j = 0; j < tailCount; j++) {
            int s = tail[j];
            if (v.visible(s) && scratch.markSeen(s) && (allowed == null || allowed.contains(s))) {
                top.offer(s, ScoreKernels.approximateScoreSlot(q, v, s));
                scored++;
            }
        }
        scratch.trueScoreSum = trueScoreSum;
        scratch.summaryScoreSum = summaryScoreSum;
        scratch.scored += scored;
    }
}
