package io.streamsparse.bench;

import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.util.stream.IntStream;

/**
 * {@link BenchData} from the engine's seeded generator ({@link SyntheticCorpus}, default parameters: vocabulary
 * 30522, documents ≈ 120 terms, queries ≈ 45, Zipf-skewed, topic-correlated). Documents {@code 0..docs)} form the
 * corpus; the update phase's vectors are documents {@code docs..docs+updates)} of the same generator, so re-upserts
 * carry fresh content from the same distribution. Generation runs on all cores (each item is a pure function of the
 * seed and its index, so the result does not depend on the thread count).
 */
final class SyntheticSource {

    private SyntheticSource() {
    }

    static BenchData generate(int docs, int queries, int updates, long seed) {
        SyntheticCorpus corpus = new SyntheticCorpus(seed);
        String[] ids = new String[docs];
        EncodedDocument[] ds = new EncodedDocument[docs];
        IntStream.range(0, docs).parallel().forEach(i -> {
            ids[i] = corpus.docId(i);
            ds[i] = corpus.document(i);
        });
        SparseVector[] qs = new SparseVector[queries];
        IntStream.range(0, queries).parallel().forEach(j -> qs[j] = corpus.query(j));
        EncodedDocument[] ups = new EncodedDocument[updates];
        IntStream.range(0, updates).parallel().forEach(i -> ups[i] = corpus.document((long) docs + i));
        SyntheticCorpus.Params p = corpus.params();
        return new BenchData(String.format(java.util.Locale.ROOT,
                "synthetic (SyntheticCorpus seed %d: vocabulary %d, %d topics x %d terms, doc nnz ~%d, "
                        + "query nnz ~%d, Zipf %.2f, topic share %.2f)", seed, p.vocabularySize(), p.topics(),
                p.topicTerms(), p.docNnzMean(), p.queryNnzMean(), p.zipfExponent(), p.topicShare()),
                ids, ds, qs, ups);
    }
}
