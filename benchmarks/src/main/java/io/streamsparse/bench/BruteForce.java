package io.streamsparse.bench;

import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;

/**
 * Exact top-k over the unquantized float vectors, independent of the engine: a check of what the engine's stored
 * (quantized) weights cost in ranking, and of the engine's exact mode itself. Order: score descending, ties by doc id
 * ascending (the engine's order).
 */
final class BruteForce {

    private BruteForce() {
    }

    static String[] topK(EncodedDocument[] docs, String[] ids, SparseVector query, int k, int vocabularySize) {
        float[] q = new float[vocabularySize];
        int[] qIds = query.termIds();
        float[] qWs = query.weights();
        for (int i = 0; i < qIds.length; i++) {
            if (qIds[i] < vocabularySize) {
                q[qIds[i]] = qWs[i];
            }
        }
        // invariant: best[0..n) holds the n best (score desc, id asc) of the documents seen so far
        int[] best = new int[k];
        float[] bestScore = new float[k];
        int n = 0;
        for (int d = 0; d < docs.length; d++) {
            SparseVector v = docs[d].vector();
            int[] t = v.termIds();
            float[] w = v.weights();
            float s = 0f;
            for (int i = 0; i < t.length; i++) {
                s += q[t[i]] * w[i];
            }
            if (s <= 0f || (n == k && !better(s, ids[d], bestScore[k - 1], ids[best[k - 1]]))) {
                continue;
            }
            int at = n < k ? n++ : k - 1;
            while (at > 0 && better(s, ids[d], bestScore[at - 1], ids[best[at - 1]])) {
                best[at] = best[at - 1];
                bestScore[at] = bestScore[at - 1];
                at--;
            }
            best[at] = d;
            bestScore[at] = s;
        }
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = ids[best[i]];
        }
        return out;
    }

    private static boolean better(float s, String id, float otherScore, String otherId) {
        return s > otherScore || (s == otherScore && id.compareTo(otherId) < 0);
    }
}
