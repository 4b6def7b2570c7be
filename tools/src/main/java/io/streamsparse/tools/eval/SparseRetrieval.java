package io.streamsparse.tools.eval;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Document vectors in one sparse-core {@link ShardIndex} (batch build), answering queries with document numbers of
 * the evaluated list. Stored weights are the index's quantized ones, so "exact" is exact over what the engine
 * stores, as in production. Thread-safe for searching.
 */
final class SparseRetrieval {

    private final ShardIndex index;
    private final Map<String, Integer> numberOf;

    private SparseRetrieval(ShardIndex index, Map<String, Integer> numberOf) {
        this.index = index;
        this.numberOf = numberOf;
    }

    /**
     * Builds the index over {@code vectors[i]} for {@code docs.get(i)} with {@code config}, its vocabulary raised to
     * cover every term of the vectors.
     */
    static SparseRetrieval build(List<EvalSet.Doc> docs, SparseVector[] vectors, IndexConfig config) {
        if (docs.size() != vectors.length) {
            throw new IllegalArgumentException("documents and vectors differ in count: " + docs.size() + " != "
                    + vectors.length);
        }
        int vocab = config.vocabularySize();
        Map<String, EncodedDocument> byId = new HashMap<>(docs.size() * 2);
        Map<String, Integer> numberOf = new HashMap<>(docs.size() * 2);
        for (int i = 0; i < vectors.length; i++) {
            EvalSet.Doc d = docs.get(i);
            SparseVector v = vectors[i];
            if (v.nnz() > 0) {
                vocab = Math.max(vocab, v.termId(v.nnz() - 1) + 1);
            }
            byId.put(d.id(), new EncodedDocument(d.title(), "", null, v));
            numberOf.put(d.id(), i);
        }
        ShardIndex index = ShardIndex.build(config.withVocabularySize(vocab), -1, byId);
        return new SparseRetrieval(index, numberOf);
    }

    ShardIndex index() {
        return index;
    }

    /** Runs {@code request}; writes the hits' document numbers into {@code out} and returns how many. */
    int search(SearchRequest request, int[] out) {
        return numbers(index.search(request).hits(), out);
    }

    /** The hits of {@code request}, score descending. */
    List<Hit> hits(SearchRequest request) {
        return index.search(request).hits();
    }

    /** Writes the document numbers of {@code hits} into {@code out} and returns how many. */
    int numbers(List<Hit> hits, int[] out) {
        for (int i = 0; i < hits.size(); i++) {
            out[i] = numberOf.get(hits.get(i).docId());
        }
        return hits.size();
    }

    /** Average non-zeros of {@code vectors}. */
    static double averageNnz(SparseVector[] vectors) {
        if (vectors.length == 0) {
            return Double.NaN;
        }
        long sum = 0;
        for (SparseVector v : vectors) {
            sum += v.nnz();
        }
        return (double) sum / vectors.length;
    }

    /** One more than the largest term id of {@code vectors} (0 when all are empty). */
    static int vocabularyOf(SparseVector[] vectors) {
        int vocab = 0;
        for (SparseVector v : vectors) {
            if (v.nnz() > 0) {
                vocab = Math.max(vocab, v.termId(v.nnz() - 1) + 1);
            }
        }
        return vocab;
    }
}
