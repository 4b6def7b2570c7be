package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.search.Filter;
import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One writer streams upserts, re-upserts, deletes and a compaction while readers search without pause. Readers must
 * never fail, never see a document twice (a re-upsert is one atomic step), always get hits sorted by (score desc,
 * id asc), and see the applied offset only move forward. Exact answers at the end match a fresh batch build. Runs
 * with re-blocking on the writer thread and on a background thread (whose hand-over {@link ReblockPublicationTest}
 * proves deterministically; this adds real threads and the memory model).
 */
class ConcurrentReadersTest {

    @ParameterizedTest
    @EnumSource(value = IndexConfig.ReblockMode.class, names = {"INLINE", "BACKGROUND"})
    void readersNeverSeeTornState(IndexConfig.ReblockMode reblockMode) throws Exception {
        SyntheticCorpus c = new SyntheticCorpus(33, new SyntheticCorpus.Params(30522, 50, 300, 120, 45, 1.0, 0.6));
        ShardIndex index = new ShardIndex(IndexConfig.defaults().withPruneLambda(200).withReblock(0.1f, 8, 0.1f)
                .withReblockMode(reblockMode));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong searches = new AtomicLong();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            int id = t;
            Thread reader = new Thread(() -> {
                long lastOffset = -1;
                int j = id;
                try {
                    while (!done.get()) {
                        SparseVector q = c.query(j++ % 50);
                        SearchMode mode = j % 3 == 0 ? SearchMode.EXACT : SearchMode.APPROXIMATE;
                        Filter filter = j % 4 == 0 ? Filter.parse("lang:en OR lang:de") : null;
                        SearchResult r = index.search(new SearchRequest(q, 20, filter, mode, null));
                        check(r.hits());
                        assertTrue(r.appliedOffset() >= lastOffset, "offset went back");
                        lastOffset = r.appliedOffset();
                        searches.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            reader.start();
            readers.add(reader);
        }
        TreeMap<String, EncodedDocument> latest = new TreeMap<>();
        long offset = 0;
        for (int i = 0; i < 1500; i++) {
            String docId = c.docId(i % 600);
            index.upsert(offset++, docId, c.document(i));
            latest.put(docId, c.document(i));
            if (i % 7 == 0) {
                String gone = c.docId((i * 31) % 600);
                index.delete(offset++, gone);
                latest.remove(gone);
            }
            if (i == 1000) {
                index.compact();
            }
        }
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        if (failure.get() != null) {
            throw new AssertionError("reader failed after " + searches.get() + " searches", failure.get());
        }
        assertTrue(searches.get() > 0);
        ShardIndex batch = ShardIndex.build(index.config(), index.appliedOffset(), latest);
        for (int j = 0; j < 20; j++) {
            SearchRequest exact = SearchRequest.exact(c.query(j), 10);
            assertEquals(batch.search(exact).hits(), index.search(exact).hits());
        }
        index.close();
    }

    private static void check(List<Hit> hits) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < hits.size(); i++) {
            Hit h = hits.get(i);
            assertTrue(seen.add(h.docId()), "duplicate " + h.docId());
            assertTrue(h.score() > 0f);
            if (i > 0) {
                Hit p = hits.get(i - 1);
                assertTrue(p.score() > h.score() || p.score() == h.score() && p.docId().compareTo(h.docId()) < 0,
                        "order at " + i);
            }
        }
    }
}
