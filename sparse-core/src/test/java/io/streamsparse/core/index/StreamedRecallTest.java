package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Approximate search on a streamed index (inserts, re-upserts with new content, deletes; lists merged and rebuilt
 * along the way) keeps recall@10 within 0.01 of the batch build of the same content, at the same knobs.
 */
class StreamedRecallTest {

    @Test
    void streamedRecallWithinOneHundredthOfBatch() {
        SyntheticCorpus c = new SyntheticCorpus(21, new SyntheticCorpus.Params(30522, 60, 300, 120, 45, 1.0, 0.6));
        IndexConfig config = IndexConfig.defaults().withPruneLambda(300);
        ShardIndex streamed = new ShardIndex(config);
        TreeMap<String, EncodedDocument> latest = new TreeMap<>();
        SplittableRandom r = new SplittableRandom(5);
        int n = 4000;
        long offset = 0;
        for (int i = 0; i < n; i++) {
            String id = c.docId(i < 3000 ? i : r.nextInt(3000));
            EncodedDocument d = c.document(i);
            streamed.upsert(offset++, id, d);
            latest.put(id, d);
            if (r.nextInt(10) == 0) {
                String gone = c.docId(r.nextInt(i + 1));
                streamed.delete(offset++, gone);
                latest.remove(gone);
            }
        }
        ShardIndex batch = ShardIndex.build(config, streamed.appliedOffset(), latest);
        for (SearchKnobs knobs : List.of(SearchKnobs.defaults(), SearchKnobs.defaults().withQueryCut(5))) {
            double rs = 0;
            double rb = 0;
            int queries = 150;
            for (int j = 0; j < queries; j++) {
                SparseVector q = c.query(j);
                Set<String> truth = ids(batch.search(SearchRequest.exact(q, 10)).hits());
                SearchRequest approx = new SearchRequest(q, 10, null, SearchMode.APPROXIMATE, knobs);
                rs += recall(truth, streamed.search(approx).hits());
                rb += recall(truth, batch.search(approx).hits());
            }
            rs /= queries;
            rb /= queries;
            assertTrue(rs >= rb - 0.01, "streamed recall " + rs + " vs batch " + rb + " at " + knobs);
            assertTrue(rb > 0.5, "batch recall " + rb + " is no approximation at all");
        }
    }

    private static Set<String> ids(List<Hit> hits) {
        Set<String> s = new HashSet<>();
        for (Hit h : hits) {
            s.add(h.docId());
        }
        return s;
    }

    private static double recall(Set<String> truth, List<Hit> got) {
        if (truth.isEmpty()) {
            return 1;
        }
        int hit = 0;
        for (Hit h : got) {
            if (truth.contains(h.docId())) {
                hit++;
            }
        }
        return hit / (double) truth.size();
    }

}
