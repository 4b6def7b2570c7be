package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link ShardReader#search(SearchRequest, List)} hands out, per hit, the stored vector that was scored: the latest
 * version of the document, with the documented quantized weights, whose dot product with the query is the hit's
 * score (up to float rounding: the engine multiplies by the scale once, after the sum).
 */
class HitVectorsTest {

    @Test
    void eachHitComesWithTheStoredVectorItWasScoredOn() {
        IndexConfig config = IndexConfig.defaults().withVocabularySize(200);
        for (long seed = 1; seed <= 6; seed++) {
            try (ShardIndex index = new ShardIndex(config)) {
                TreeMap<String, EncodedDocument> latest = RandomStreams.apply(index,
                        RandomStreams.stream(seed, 1_500, 300, 200, 24), new TreeMap<>(), new long[] {-1});
                if (seed % 2 == 0) {
                    index.compact(); // slots renumbered: vectors must still belong to their hits
                }
                SplittableRandom r = new SplittableRandom(seed);
                for (int q = 0; q < 30; q++) {
                    SparseVector query = RandomStreams.randomQuery(r, 200, 12);
                    SearchRequest request = q % 2 == 0 ? SearchRequest.exact(query, 10)
                            : SearchRequest.approximate(query, 10);
                    List<SparseVector> vectors = new ArrayList<>();
                    SearchResult result = index.reader().search(request, vectors);
                    assertEquals(result.hits(), index.reader().search(request).hits(), "same hits as search");
                    assertEquals(result.hits().size(), vectors.size());
                    for (int i = 0; i < vectors.size(); i++) {
                        String id = result.hits().get(i).docId();
                        SparseVector original = latest.get(id).vector();
                        SparseVector stored = vectors.get(i);
                        assertArrayEquals(original.termIds(), stored.termIds(), id);
                        assertArrayEquals(RandomStreams.stored(original, config.quantization()), stored.weights(),
                                1e-6f, id);
                        float score = result.hits().get(i).score();
                        assertEquals(score, query.dot(stored), 1e-5f * Math.max(1f, score), id);
                    }
                }
            }
        }
    }

    @Test
    void anEmptyAnswerAddsNoVector() {
        try (ShardIndex index = new ShardIndex(IndexConfig.defaults())) {
            index.upsert(0, "a", new EncodedDocument("A", "", java.util.Map.of(),
                    SparseVector.of(new int[] {1}, new float[] {1f})));
            List<SparseVector> vectors = new ArrayList<>();
            SearchResult result = index.reader().search(
                    SearchRequest.exact(SparseVector.of(new int[] {2}, new float[] {1f}), 10), vectors);
            assertTrue(result.hits().isEmpty());
            assertTrue(vectors.isEmpty());
        }
    }
}
