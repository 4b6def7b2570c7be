package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.search.Filter;
import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShardIndexBasicsTest {

    private static EncodedDocument doc(String title, Map<String, String> fields, int[] ids, float[] ws) {
        return new EncodedDocument(title, "snippet of " + title, fields, SparseVector.of(ids, ws));
    }

    @Test
    void emptyIndexAnswersNothing() {
        ShardIndex index = new ShardIndex(IndexConfig.defaults());
        assertEquals(-1, index.appliedOffset());
        assertEquals(0, index.liveDocuments());
        SearchResult r = index.search(SearchRequest.exact(SparseVector.of(new int[] {1}, new float[] {1f}), 10));
        assertTrue(r.hits().isEmpty());
        r = index.search(SearchRequest.approximate(SparseVector.of(new int[] {1}, new float[] {1f}), 10));
        assertTrue(r.hits().isEmpty());
    }

    @Test
    void maintainLeavesStagedPostingsStagedAndSearchable() {
        // a service calls maintain() after every poll: moving staged postings there would touch every list once per
        // poll instead of once per STAGE_SLOTS upserts
        ShardIndex index = new ShardIndex(IndexConfig.defaults().withReblockMode(IndexConfig.ReblockMode.DEFERRED));
        int n = ShardWriter.SEAL_SLOTS + 3;
        for (int i = 0; i < n; i++) {
            index.upsert(i, "d" + i, doc("D" + i, Map.of(), new int[] {1, 2 + i % 50}, new float[] {1f + i, 1f}));
        }
        index.maintain(Integer.MAX_VALUE);
        View v = index.currentView();
        assertEquals(0, v.stagedFrom, "maintain must not move staged postings into the lists");
        assertEquals(ShardWriter.SEAL_SLOTS, v.sealedTo, "one sealed run, the rest unsealed");
        SparseVector q = SparseVector.of(new int[] {1}, new float[] {1f});
        List<String> expected = List.of("d" + (n - 1), "d" + (n - 2), "d" + (n - 3));
        assertEquals(expected, index.search(SearchRequest.exact(q, 3)).hits().stream().map(Hit::docId).toList());
        assertEquals(expected, index.search(SearchRequest.approximate(q, 3)).hits().stream().map(Hit::docId).toList(),
                "staged documents are found by the approximate search");
    }

    @Test
    void upsertDeleteReplayAndTies() {
        ShardIndex index = new ShardIndex(IndexConfig.defaults());
        assertTrue(index.upsert(0, "b", doc("B", Map.of("lang", "en"), new int[] {1, 2}, new float[] {1f, 1f})));
        assertTrue(index.upsert(1, "a", doc("A", Map.of("lang", "de"), new int[] {1, 3}, new float[] {1f, 0.5f})));
        assertTrue(index.upsert(2, "c", doc("C", Map.of(), new int[] {5}, new float[] {1f})));
        assertFalse(index.upsert(2, "c", doc("C", Map.of(), new int[] {1}, new float[] {9f})), "replayed offset");
        assertFalse(index.delete(1, "a"), "replayed offset");
        assertEquals(3, index.liveDocuments());
        assertEquals(2, index.documentFrequency(1));
        assertEquals(0, index.documentFrequency(30521));

        SparseVector q = SparseVector.of(new int[] {1}, new float[] {2f});
        List<Hit> hits = index.search(SearchRequest.exact(q, 10)).hits();
        assertEquals(List.of("a", "b"), hits.stream().map(Hit::docId).toList(), "equal scores: doc id ascending");
        assertEquals(2f, hits.get(0).score(), 2f / 255, "u8: within half a step of the largest weight");
        assertEquals("A", hits.get(0).title());

        hits = index.search(SearchRequest.exact(q, 10).withFilter(Filter.parse("lang:en"))).hits();
        assertEquals(List.of("b"), hits.stream().map(Hit::docId).toList());

        assertTrue(index.delete(3, "b"));
        assertTrue(index.delete(4, "nobody"));
        assertEquals(4, index.appliedOffset());
        assertEquals(2, index.liveDocuments());
        assertEquals(1, index.documentFrequency(1));
        hits = index.search(SearchRequest.exact(q, 10)).hits();
        assertEquals(List.of("a"), hits.stream().map(Hit::docId).toList());

        assertTrue(index.upsert(5, "a", doc("A2", Map.of(), new int[] {7}, new float[] {1f})));
        assertEquals(0, index.documentFrequency(1));
        assertTrue(index.search(SearchRequest.exact(q, 10)).hits().isEmpty());
    }

    @Test
    void rejectsBadInputWithoutChangingAnything() {
        ShardIndex index = new ShardIndex(IndexConfig.defaults().withVocabularySize(10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> index.upsert(0, "x", doc("X", Map.of(), new int[] {10}, new float[] {1f})));
        assertTrue(e.getMessage().contains("10"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> index.upsert(-1, "x", doc("X", Map.of(), new int[0],
                new float[0])));
        assertEquals(-1, index.appliedOffset());
    }

    @Test
    void digestIgnoresArrivalOrder() {
        ShardIndex a = new ShardIndex(IndexConfig.defaults());
        ShardIndex b = new ShardIndex(IndexConfig.defaults());
        EncodedDocument d1 = doc("1", Map.of("k", "v"), new int[] {1, 4}, new float[] {0.5f, 1f});
        EncodedDocument d2 = doc("2", Map.of(), new int[] {2}, new float[] {0.25f});
        a.upsert(0, "d1", d1);
        a.upsert(1, "d2", d2);
        b.upsert(10, "d2", d1);
        b.upsert(11, "d2", d2);
        b.upsert(12, "d1", d1);
        assertArrayEquals(a.contentDigest(), b.contentDigest());
        b.delete(13, "d1");
        assertFalse(java.util.Arrays.equals(a.contentDigest(), b.contentDigest()));
    }
}
