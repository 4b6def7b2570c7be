package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Flat vectors (hundreds of similar weights per document, as a lightly regularized SPLADE-style model writes) at
 * the default build and search knobs: block summaries keep 64 coordinates of thousands, so their scores fall far
 * below the documents' true scores. Approximate search must still find the exact top-10 (see the calibration note on
 * {@link ShardIndex}'s traversal) and its sketch gate must not drop them: recall@10 must stay at least 0.8 (without
 * the calibration it was 0.41).
 */
class FlatVectorsRecallTest {

    private static final int VOCAB = 30522;
    private static final int TOPICS = 40;
    private static final int TOPIC_TERMS = 600;

    @Test
    void approximateSearchFindsTheExactTopTenOnFlatVectors() {
        SplittableRandom r = new SplittableRandom(17);
        int[][] topics = new int[TOPICS][TOPIC_TERMS];
        for (int[] t : topics) {
            for (int i = 0; i < TOPIC_TERMS; i++) {
                t[i] = 1000 + r.nextInt(VOCAB - 1000);
            }
        }
        ShardIndex index = new ShardIndex(IndexConfig.defaults());
        for (int d = 0; d < 4000; d++) {
            index.upsert(d, "d" + d, new EncodedDocument("", "", Map.of(), flat(r, topics[r.nextInt(TOPICS)], 200)));
        }
        index.compact();
        SearchKnobs knobs = SearchKnobs.defaults();
        double recall = 0;
        int queries = 100;
        for (int q = 0; q < queries; q++) {
            SparseVector query = flat(r, topics[r.nextInt(TOPICS)], 60);
            Set<String> exact = ids(index.search(SearchRequest.exact(query, 10)).hits());
            Set<String> approx = ids(index.search(new SearchRequest(query, 10, null, SearchMode.APPROXIMATE, knobs))
                    .hits());
            approx.retainAll(exact);
            recall += (double) approx.size() / exact.size();
        }
        recall /= queries;
        assertTrue(recall >= 0.8, "recall@10 on flat vectors " + recall);
    }

    /** {@code nnz} distinct terms, 70 % from the topic's pool, weights uniform in [0.3, 1). */
    private static SparseVector flat(SplittableRandom r, int[] topic, int nnz) {
        Set<Integer> terms = new HashSet<>();
        while (terms.size() < nnz) {
            terms.add(r.nextInt(10) < 7 ? topic[r.nextInt(topic.length)] : 1000 + r.nextInt(VOCAB - 1000));
        }
        int[] ids = terms.stream().mapToInt(Integer::intValue).sorted().toArray();
        float[] ws = new float[ids.length];
        for (int i = 0; i < ws.length; i++) {
            ws[i] = 0.3f + 0.7f * (float) r.nextDouble();
        }
        return SparseVector.ofSorted(ids, ws);
    }

    private static Set<String> ids(List<Hit> hits) {
        Set<String> out = new HashSet<>();
        for (Hit h : hits) {
            out.add(h.docId());
        }
        return out;
    }
}
