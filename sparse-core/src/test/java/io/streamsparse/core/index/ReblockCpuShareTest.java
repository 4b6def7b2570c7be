package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.EncodedDocument;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The background builder's CPU share, as the index service sets it ({@link ShardWriter#reblockCpuShare}): checked,
 * and a builder throttled hard still re-blocks everything it is handed, so the content and, after {@code compact()},
 * the layout equal the batch build's.
 */
class ReblockCpuShareTest {

    private static final IndexConfig CONFIG = IndexConfig.defaults().withPruneLambda(200).withReblock(0.1f, 8, 0.1f);

    @Test
    void shareMustBeAFractionOfOneCore() {
        try (ShardWriter writer = new ShardWriter(CONFIG.withReblockMode(IndexConfig.ReblockMode.BACKGROUND))) {
            for (double share : new double[] {0, -0.1, 1.01, Double.NaN}) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> writer.reblockCpuShare(share));
                assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
            }
            writer.reblockCpuShare(1);
        }
    }

    @Test
    void throttledBuilderStillReachesTheBatchBuild() throws InterruptedException {
        SyntheticCorpus c = new SyntheticCorpus(7, new SyntheticCorpus.Params(30522, 40, 300, 120, 45, 1.0, 0.6));
        TreeMap<String, EncodedDocument> latest = new TreeMap<>();
        long offset = 0;
        try (ShardIndex streamed = new ShardIndex(CONFIG.withReblockMode(IndexConfig.ReblockMode.BACKGROUND))) {
            streamed.writer().reblockCpuShare(0.05);
            // more upserts than ShardWriter.STAGE_SLOTS, so that staged postings move into the lists and drift them
            for (int i = 0; i < 2 * ShardWriter.STAGE_SLOTS; i++) {
                String id = c.docId(i % 3000);
                streamed.upsert(offset++, id, c.document(i));
                latest.put(id, c.document(i));
            }
            // liveness: the throttled builder finishes jobs (it sleeps ~19x its CPU time after each)
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (streamed.writer().reblockedLists() == 0 && System.nanoTime() < deadline) {
                streamed.maintain(Integer.MAX_VALUE);
                Thread.sleep(1);
            }
            assertTrue(streamed.writer().reblockedLists() > 0, "the throttled builder installed no list in 60 s");
            streamed.compact();
            try (ShardIndex batch = ShardIndex.build(CONFIG.withReblockMode(IndexConfig.ReblockMode.BACKGROUND),
                    offset - 1, latest)) {
                assertArrayEquals(batch.contentDigest(), streamed.contentDigest());
                for (int q = 0; q < 20; q++) {
                    SearchRequest request = new SearchRequest(c.query(q), 10, null, SearchMode.APPROXIMATE, null);
                    assertEquals(batch.search(request).hits(), streamed.search(request).hits());
                }
            }
        }
    }
}
