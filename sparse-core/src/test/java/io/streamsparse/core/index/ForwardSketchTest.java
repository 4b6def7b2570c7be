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
 * The forward index's ranked copy: every entry of a document, heaviest first (ties: lower terms, zero codes last), the
 * same whether a document was appended or decoded from a snapshot image, with the scale that extrapolates its head to
 * the whole document; its head (the sketch) scores a lower bound of the document's score and the whole copy its
 * score; the clustering features are its first entries; vocabularies wider than 16 bits keep none and are still
 * searched correctly.
 */
class ForwardSketchTest {
    private static final int VOCABULARY = 30522;

    @Test
    void rankedCopyHoldsEveryEntryHeaviestFirstForBothQuantizations() {
        for (Quantization quantization : Quantization.values()) {
            Random rnd = new Random(11);
            ForwardIndex f = new ForwardIndex(quantization, 12, VOCABULARY);
            for (int d = 0; d < 300; d++) {
                // lengths below, at and above the sketch size; few distinct weights, so ties at the cut are common
                int nnz = 1 + rnd.nextInt(3 * ForwardIndex.SKETCH_TERMS);
                TreeMap<Integer, Float> doc = new TreeMap<>();
                while (doc.size() < nnz) {
                    doc.put(rnd.nextInt(VOCABULARY), 1 + rnd.nextInt(d % 2 == 0 ? 4 : 200) / 4f);
                }
                if (d % 7 == 0) {
                    doc.put(rnd.nextInt(VOCABULARY), 0f); // a zero code: kept, last
                }
                int slot = f.append(new DocMeta("d" + d, "", "", Map.of()), d, vector(doc));
                assertRanked(f, slot);
                assertFeatures(f, slot);
                assertSketchScale(f, slot);
            }
            ForwardIndex decoded = ForwardIndex.ofSlots(quantization, 12, VOCABULARY, f.slots, f.start, f.terms,
                    f.codes, f.scale, f.meta, f.keyHash);
            assertEquals(new String(f.rankTerms, 0, f.size), new String(decoded.rankTerms, 0, decoded.size),
                    "decoded from an image: same ranked terms");
            assertEquals(Arrays.toString(Arrays.copyOf(f.rankCodes, f.size)),
                    Arrays.toString(Arrays.copyOf(decoded.rankCodes, decoded.size)),
                    "decoded from an image: same ranked codes");
            assertEquals(Arrays.toString(Arrays.copyOf(f.topFeat, f.slots * f.topStride)),
                    Arrays.toString(Arrays.copyOf(decoded.topFeat, f.slots * f.topStride)),
                    "decoded from an image: same clustering features");
            assertEquals(Arrays.toString(Arrays.copyOf(f.sketchScale, f.slots)),
                    Arrays.toString(Arrays.copyOf(decoded.sketchScale, f.slots)),
                    "decoded from an image: same sketch scales");
        }
    }

    /** The sketch scale extrapolates the sketch's code8 mass to the document's: scale · unit · mass / sketch mass. */
    private static void assertSketchScale(ForwardIndex f, int slot) {
        long mass = 0;
        long sketchMass = 0;
        for (int e = f.start[slot]; e < f.start[slot + 1]; e++) {
            int code8 = f.rankCodes[e] & 0xff;
            mass += code8;
            if (e - f.start[slot] < ForwardIndex.SKETCH_TERMS) {
                sketchMass += code8;
            }
        }
        float expected = sketchMass == 0 ? 0f
                : (float) (f.scale[slot] * f.featureUnit * ((double) mass / sketchMass));
        assertEquals(expected, f.sketchScale[slot], 1e-6f * Math.abs(expected), "sketch scale of slot " + slot);
    }

    @Test
    void sketchScoreIsALowerBoundOfTheScoreAndTheRankedCopyGivesTheScore() {
        Random rnd = new Random(5);
        ForwardIndex f = new ForwardIndex(Quantization.U8, 12, VOCABULARY);
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
        int[] lanes = new int[ScoreKernels.rankedLanes()];
        for (int s = 0; s < f.slots; s++) {
            float sketch = ScoreKernels.sketchScore(q, v, s, lanes);
            float score = ScoreKernels.scoreSlot(q, v, s);
            assertTrue(sketch > 0f && sketch <= score * (1 + 1e-5f), "slot " + s + ": " + sketch + " vs " + score);
            float ranked = ScoreKernels.rankedDot(q, v.rankTerms, v.rankCodes, v.start[s], v.start[s + 1], lanes)
                    * v.scale[s];
            assertEquals(score, ranked, score * 1e-5f, "slot " + s + ": the ranked copy's score");
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
        ForwardIndex f = new ForwardIndex(Quantization.U8, widest.clusteringTerms(), VOCABULARY);
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

    /** Brute force: every entry (term, code8) by code8 descending, then term ascending, zero codes last. */
    private static void assertRanked(ForwardIndex f, int slot) {
        List<int[]> entries = byWeight(f, slot);
        int from = f.start[slot];
        int n = f.start[slot + 1] - from;
        for (int i = 0; i < n; i++) {
            int term = f.rankTerms[from + i];
            int c8 = f.rankCodes[from + i] & 0xff;
            if (i < entries.size()) {
                assertEquals(entries.get(i)[0] << 8 | entries.get(i)[1], term << 8 | c8, "slot " + slot + " rank " + i);
            } else {
                assertEquals(0, c8, "slot " + slot + " rank " + i + ": zero codes last");
                assertTrue(Arrays.binarySearch(f.terms, from, from + n, term) >= 0, "a term of the slot");
            }
        }
    }

    /**
     * A vocabulary wider than 16 bits keeps no ranked copy: candidates are scored from the pool without a gate, and
     * the approximate search still finds a document with terms past 65,535.
     */
    @Test
    void wideVocabularyKeepsNoRankedCopyAndStillSearches() {
        int vocabulary = 100_000;
        ShardIndex index = new ShardIndex(IndexConfig.defaults().withVocabularySize(vocabulary));
        Random rnd = new Random(31);
        SparseVector[] vectors = new SparseVector[300];
        for (int d = 0; d < vectors.length; d++) {
            TreeMap<Integer, Float> doc = new TreeMap<>();
            while (doc.size() < 80) {
                doc.put(rnd.nextInt(vocabulary), 0.1f + rnd.nextFloat());
            }
            vectors[d] = vector(doc);
            index.upsert(d, "d" + d, new EncodedDocument("", "", Map.of(), vectors[d]));
        }
        index.compact();
        assertEquals(null, index.reader().currentView().rankTerms);
        for (int d = 0; d < vectors.length; d += 37) {
            List<String> exact = docIds(index.search(SearchRequest.exact(vectors[d], 5)));
            List<String> approximate = docIds(index.search(SearchRequest.approximate(vectors[d], 5)));
            assertEquals("d" + d, approximate.get(0));
            assertEquals(exact.get(0), approximate.get(0));
        }
    }
}
