package io.streamsparse.core.index;

import java.util.Arrays;

/**
 * Routes documents to the nearest of a list's block centroids: an inverted index over the centroids' vectors (the
 * list's own term left out, since every document of the list shares it), term → chain of (centroid rank, weight),
 * and an accumulator per centroid. Routing a document costs O(clusteringTerms × centroids per term): only the
 * document's {@code clusteringTerms} heaviest terms (its features, precomputed by {@link ForwardIndex}) are looked
 * up.
 *
 * <p>Nearest: the centroid maximizing the inner product of the document's features with the centroid's vector, ties
 * to the lower rank; a document overlapping no centroid goes to a centroid picked by its content hash, so the result
 * is a function of the content only. One instance per thread (it owns the scratch); {@link #index} then any number
 * of {@link #nearest} calls, then {@link #clear}.
 */
final class CentroidRouter {

    /** term -> head of its chain, -1 when the term has none (reset by {@link #clear}). */
    private final int[] chainHead;
    private final int[] headTouched;
    private int headTouchedN;
    private int[] chainNext = new int[256];
    private int[] chainCentroid = new int[256];
    private float[] chainWeight = new float[256];
    private int chainSize;
    private float[] acc = new float[64];
    private int[] accStamp = new int[64];
    private int[] accTouched = new int[64];
    private int stamp;
    private final int[] featureTerm;
    private final float[] featureWeight;
    private int centroids;
    private int listTerm;

    CentroidRouter(IndexConfig config) {
        int v = config.vocabularySize();
        chainHead = new int[v];
        Arrays.fill(chainHead, -1);
        headTouched = new int[v];
        featureTerm = new int[config.clusteringTerms()];
        featureWeight = new float[config.clusteringTerms()];
    }

    /** Indexes the centroids {@code centroidSlot[0..beta)} of the list of {@code term} (their full stored vectors). */
    void index(int term, int[] centroidSlot, int beta, View f) {
        chainSize = 0;
        headTouchedN = 0;
        centroids = beta;
        listTerm = term;
        if (acc.length < beta) {
            acc = new float[beta];
            accStamp = new int[beta];
            accTouched = new int[beta];
            stamp = 0;
        }
        for (int r = 0; r < beta; r++) {
            int s = centroidSlot[r];
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
            chainNext = ArrayGrowth.grow(chainNext, chainSize + 1);
            chainCentroid = ArrayGrowth.grow(chainCentroid, chainSize + 1);
            chainWeight = ArrayGrowth.grow(chainWeight, chainSize + 1);
        }
        if (chainHead[u] < 0) {
            headTouched[headTouchedN++] = u;
        }
        chainNext[chainSize] = chainHead[u];
        chainCentroid[chainSize] = r;
        chainWeight[chainSize] = w;
        chainHead[u] = chainSize++;
    }

    /** Forgets the indexed centroids (O(terms touched)). */
    void clear() {
        for (int i = 0; i < headTouchedN; i++) {
            chainHead[headTouched[i]] = -1;
        }
        headTouchedN = 0;
        chainSize = 0;
    }

    /** Rank of the centroid nearest to {@code slot} (see the class javadoc). */
    int nearest(int slot, View f) {
        int features = features(slot, f);
        if (++stamp == Integer.MAX_VALUE) {
            Arrays.fill(accStamp, 0);
            stamp = 1;
        }
        int touched = 0;
        for (int i = 0; i < features; i++) {
            float w = featureWeight[i];
            for (int e = chainHead[featureTerm[i]]; e >= 0; e = chainNext[e]) {
                int r = chainCentroid[e];
                if (accStamp[r] != stamp) {
                    accStamp[r] = stamp;
                    acc[r] = 0f;
                    accTouched[touched++] = r;
                }
                acc[r] += w * chainWeight[e];
            }
        }
        int best = -1;
        float bestScore = 0f;
        for (int i = 0; i < touched; i++) {
            int r = accTouched[i];
            float a = acc[r];
            if (a > bestScore || (a == bestScore && best >= 0 && r < best)) {
                best = r;
                bestScore = a;
            }
        }
        if (best < 0) {
            best = (int) Long.remainderUnsigned(ContentHash.termDoc(listTerm, f.keyHash[slot]), centroids);
        }
        return best;
    }

    /** Fills the feature arrays with the slot's heaviest terms other than the list's term; returns their count. */
    private int features(int slot, View f) {
        int cap = featureTerm.length;
        int cnt = 0;
        float unit = f.scale[slot] * f.featureUnit;
        for (int i = slot * f.topStride, end = i + f.topStride; i < end && cnt < cap; i++) {
            int feat = f.topFeat[i];
            if (feat < 0) {
                break;
            }
            int u = feat >>> 8;
            if (u != listTerm) {
                featureTerm[cnt] = u;
                featureWeight[cnt] = (feat & 0xff) * unit;
                cnt++;
            }
        }
        return cnt;
    }
}
