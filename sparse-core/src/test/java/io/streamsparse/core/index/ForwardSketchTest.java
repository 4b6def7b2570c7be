package io.streamsparse.core.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The forward index's per-document score sketch: the heaviest entries (ties: lower terms), ascending terms, padded
 * with zeros, the same whether a document was appended or decoded from a snapshot image, and its score a lower bound
 * of the document's score; and the clustering features taken from it.
 */
class ForwardSketchTest {
    private static final int VOCABULARY = 30522;

    @Test
    void sketchHoldsTheHeaviestEntriesInTermOrderForBothQuantizations() {
        for (Quantization quantization : Quantization.values()) {
            Random rnd = new Random(11);
            ForwardIndex f = new ForwardIndex(quantization, 12);
            for (int d = 0; d < 300; d++) {
                // lengths below, at and above the sketch size; few distinct weights, so ties at the cut are common
                int nnz = 1 + rnd.nextInt(3 * ForwardIndex.SKETCH_TERMS);
                TreeMap<Integer, Float> doc = new TreeMap<>();
                while (doc.size() < nnz) {
                    doc.put(rnd.nextInt(VOCABULARY), 1 + rnd.nextInt(d % 2 == 0 ? 4 : 200) / 4f);
                }
                int slot = f.append(new DocMeta("d" + d, "", "", Map.of()), d, vector(doc));
                assertSketch(f, slot);
                assertFeatures(f, slot);
            }
            ForwardIndex decoded = ForwardIndex.ofSlots(quantization, 12, f.slots, f.start, f.terms, f.codes, f.scale,
                    f.meta, f.keyHash);
            assertEquals(Arrays.toString(Arrays.copyOf(f.sketch, f.slots * ForwardIndex.SKETCH_TERMS)),
                    Arrays.toString(Arrays.copyOf(decoded.sketch, f.slots * ForwardIndex.SKETCH_TERMS)),
                    "decoded from an image: same sketches");
            assertEquals(Arrays.toString(Arrays.copyOf(f.topFeat, f.slots * f.topStride)),
                    Arrays.toString(Arrays.copyOf(decoded.topFeat, f.slots * f.topStride)),
                    "decoded from an image: same clustering features");
        }
    }

    @Test
    void sketchScoreIsALowerBoundOfTheScore() {
        Random rnd = new Random(5);
        ForwardIndex f = new ForwardIndex(Quantization.U8, 12);
        float[] q = new float[VOCABULARY];
        for (int i = 0; i < 2000; i++) {
            q[rnd.nextInt(VOCABULARY / 10)] = rnd.nextFloat();
        }
        for (int d = 0; d < 200; d++) {
            TreeMap<Integer, Float> doc = new TreeMap<>();
            while (doc.size() < 256) {
                doc.put(rnd.nextInt(VOCABULARY / 10), rnd.nextFloat());
            }
            f.append(new DocMeta("d" + d, "", "", Map.of()), d, vector(doc));
        }
        View v = new View(0, f.slots, f, null);
        for (int s = 0; s < f.slots; s++) {
            float sketch = ScoreKernels.sketchScore(q, v, s);
            float score = ScoreKernels.scoreSlot(q, v, s);
            assertTrue(sketch > 0f && sketch <= score * (1 + 1e-5f), "slot " + s + ": " + sketch + " vs " + score);
        }
    }

    /**
     * The traversal gates candidates by their sketch before it checks visibility (a dead slot's sketch is still
     * there): documents deleted or replaced after a compaction, whose sketches would pass the gate, are never
     * returned, and their replacements, appended after it, are found (recall against exact on flat vectors is
     * FlatVectorsRecallTest's).
     */
    @Test
    void gatedTraversalSkipsDeadSlotsAndFindsAppendedDocuments() {
        Random rnd = new Random(23);
        int docs = 1000;
        ShardIndex index = new ShardIndex(IndexConfig.defaults());
        long offset = 0;
        SparseVector[] vectors = new SparseVector[docs];
        for (int d = 0; d < docs; d++) {
            vectors[d] = flat(rnd, 256);
            index.upsert(offset++, "d" + d, new EncodedDocument("", "", Map.of(), vectors[d]));
        }
        index.compact();
        SparseVector query = vectors[7];
        List<String> before = docIds(index.search(SearchRequest.exact(query, 10)));
        assertEquals("d7", before.get(0));
        for (String id : before) {
            index.delete(offset++, id);
        }
        // replacements of two deleted documents (same ids, new slots past the compaction) and one new document
        index.upsert(offset++, before.get(1), new EncodedDocument("", "", Map.of(), query));
        index.upsert(offset++, before.get(2), new EncodedDocument("", "", Map.of(), flat(rnd, 256)));
        index.upsert(offset++, "fresh", new EncodedDocument("", "", Map.of(), query));
        List<String> exact = docIds(index.search(SearchRequest.exact(query, 10)));
        List<String> approximate = docIds(index.search(SearchRequest.approximate(query, 10)));
        assertEquals(List.of(before.get(1), "fresh"), exact.subList(0, 2).stream().sorted().toList());
        assertEquals(exact.subList(0, 2), approximate.subList(0, 2), "appended copies of the query come first");
        for (String id : approximate) {
            assertFalse(before.subList(3, 10).contains(id) || id.equals(before.get(0)), id + " is deleted");
        }
    }

    private static SparseVector flat(Random rnd, int nnz) {
        TreeMap<Integer, Float> doc = new TreeMap<>();
        while (doc.size() < nnz) {
            doc.put(rnd.nextInt(2000), 0.5f + rnd.nextFloat());
        }
        return vector(doc);
    }

    private static List<String> docIds(SearchResult result) {
        return result.hits().stream().map(Hit::docId).toList();
    }

    private static SparseVector vector(TreeMap<Integer, Float> doc) {
        int[] terms = doc.keySet().stream().mapToInt(Integer::intValue).toArray();
        float[] weights = new float[terms.length];
        int i = 0;
        for (float w : doc.values()) {
            weights[i++] = w;
        }
        return SparseVector.ofSorted(terms, weights);
    }

    @Test
    void clusteringTermsMustFitInTheSketch() {
        assertThrows(IllegalArgumentException.class,
                () -> IndexConfig.defaults().withClusteringTerms(ForwardIndex.SKETCH_TERMS));
        IndexConfig widest = IndexConfig.defaults().withClusteringTerms(ForwardIndex.SKETCH_TERMS - 1);
        ForwardIndex f = new ForwardIndex(Quantization.U8, widest.clusteringTerms());
        Random rnd = new Random(3);
        for (int d = 0; d < 50; d++) {
            TreeMap<Integer, Float> doc = new TreeMap<>();
            while (doc.size() < 40 + d * 3) {
                doc.put(rnd.nextInt(VOCABULARY), 1 + rnd.nextInt(8) / 4f);
            }
            assertFeatures(f, f.append(new DocMeta("d" + d, "", "", Map.of()), d, vector(doc)));
        }
    }

    /**
     * Brute force of the clustering features: the topStride heaviest entries by code8 descending, then term
     * ascending, packed in that order, padded with -1.
     */
    private static void assertFeatures(ForwardIndex f, int slot) {
        List<int[]> entries = byWeight(f, slot);
        int base = slot * f.topStride;
        for (int i = 0; i < f.topStride; i++) {
            int expected = i < entries.size() ? entries.get(i)[0] << 8 | entries.get(i)[1] : -1;
            assertEquals(expected, f.topFeat[base + i], "slot " + slot + " feature " + i);
        }
    }

    /** The slot's non-zero entries as (term, code8), by code8 descending, then term ascending. */
    private static List<int[]> byWeight(ForwardIndex f, int slot) {
        List<int[]> entries = new ArrayList<>();
        for (int e = f.start[slot]; e < f.start[slot + 1]; e++) {
            int c = f.code(e);
            int c8 = f.codeBytes == 1 || c == 0 ? c : Math.max(1, c >>> 8);
            if (c8 > 0) {
                entries.add(new int[] {f.terms[e], c8});
            }
        }
        entries.sort(Comparator.<int[]>comparingInt(x -> -x[1]).thenComparingInt(x -> x[0]));
        return entries;
    }

    /** Brute force: entries by code8 descending, then term ascending; the first SKETCH_TERMS, in term order. */
    private static void assertSketch(ForwardIndex f, int slot) {
        List<int[]> entries = byWeight(f, slot);
        List<int[]> kept = new ArrayList<>(entries.subList(0, Math.min(ForwardIndex.SKETCH_TERMS, entries.size())));
        kept.sort(Comparator.comparingInt(x -> x[0]));
        int base = slot * ForwardIndex.SKETCH_TERMS;
        for (int i = 0; i < ForwardIndex.SKETCH_TERMS; i++) {
            int expected = i < kept.size() ? kept.get(i)[0] << 8 | kept.get(i)[1] : 0;
            assertEquals(expected, f.sketch[base + i], "slot " + slot + " entry " + i);
        }
    }
}
