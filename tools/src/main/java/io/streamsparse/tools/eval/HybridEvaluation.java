package io.streamsparse.tools.eval;

import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.RankFusion;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.encoder.Bm25DocumentEncoder;
import io.streamsparse.encoder.Bm25Parameters;
import io.streamsparse.encoder.DocumentFrequencies;
import io.streamsparse.encoder.EncoderConfig;
import io.streamsparse.encoder.InferenceFreeQueryEncoder;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The {@code hybrid} system of {@code tools evaluate}: a lexical BM25 vector per document ({@link Bm25DocumentEncoder}
 * over the model tokenizer's ids, in a second sparse-core index beside the learned one), BM25 queries
 * ({@link InferenceFreeQueryEncoder} with the IDF of the lexical index's live df), and the two rankings fused by
 * {@link RankFusion}.
 *
 * <p>Rows: {@code lexical exact} / {@code lexical approx} (BM25 through this engine alone), then per fusion setting
 * {@code hybrid <setting> exact} (both sides exact, top {@code --fusion-depth} each) and {@code hybrid <setting>
 * served} (both sides approximate at the approx rows' knobs, top {@code --fusion-depth} each: what one shard of the
 * query service answers). Each side is searched once; the fusions are computed from the same lists, so a sweep of
 * weights costs no extra search.
 */
final class HybridEvaluation {

    private HybridEvaluation() {
    }

    static void run(EvaluateOptions o, EvalSet set, List<String> docTexts, List<String> queryTexts,
            SparseRetrieval learned, SparseVector[] learnedQueries, EncoderConfig docConfig, EncoderConfig queryConfig,
            List<ResultRow> rows, List<String> notes, PrintStream log) throws InterruptedException {
        int depth = o.fusionDepth();
        Bm25Parameters bm25 = o.bm25();
        SparseVector[] docVectors = new SparseVector[docTexts.size()];
        long t0 = System.nanoTime();
        try (Bm25DocumentEncoder encoder = Bm25DocumentEncoder.open(docConfig, bm25)) {
            EvaluateCommand.parallelFor(docVectors.length, o.threads(),
                    i -> docVectors[i] = encoder.encode(docTexts.get(i)));
            log.printf(Locale.ROOT, "lexical document vectors: %d in %.1fs (%d truncated)%n", docVectors.length,
                    (System.nanoTime() - t0) / 1e9, encoder.truncatedTexts());
        }
        long t1 = System.nanoTime();
        SparseRetrieval lexical = SparseRetrieval.build(set.docs(), docVectors, o.index());
        double indexSeconds = (System.nanoTime() - t1) / 1e9;
        DocumentFrequencies df = new DocumentFrequencies() {
            @Override
            public long documentCount() {
                return lexical.index().liveDocuments();
            }

            @Override
            public int documentFrequency(int termId) {
                return lexical.index().documentFrequency(termId);
            }
        };
        SparseVector[] lexicalQueries;
        try (InferenceFreeQueryEncoder encoder = InferenceFreeQueryEncoder.open(queryConfig, df, false)) {
            lexicalQueries = encoder.encode(queryTexts).toArray(new SparseVector[0]);
        }
        notes.add(String.format(Locale.ROOT, "lexical: BM25 as sparse vectors over the model tokenizer's WordPiece "
                        + "ids: documents tf*(k1+1)/(tf+k1*(1-b+b*dl/avgdl)) with k1 %s, b %s, avgdl %s (constant), "
                        + "%d tokens; queries: distinct token ids weighted by idf = ln(1 + (N - df + 0.5)/(df + 0.5)) "
                        + "from the lexical index's df; hybrid rows fuse the top %d of each side (exact: both exact; "
                        + "served: both approximate at the approx rows' knobs)", bm25.k1(), bm25.b(), bm25.avgdl(),
                docConfig.maxLength(), depth));

        int n = queryTexts.size();
        Hit[][][] lists = new Hit[4][n][];
        long[] nanos = new long[4];
        SearchSide[] sides = {
                q -> learned.hits(SearchRequest.exact(learnedQueries[q], depth)),
                q -> lexical.hits(SearchRequest.exact(lexicalQueries[q], depth)),
                q -> learned.hits(SearchRequest.approximate(learnedQueries[q], depth).withKnobs(o.knobs())),
                q -> lexical.hits(SearchRequest.approximate(lexicalQueries[q], depth).withKnobs(o.knobs()))};
        for (int s = 0; s < sides.length; s++) {
            int side = s;
            long start = System.nanoTime();
            EvaluateCommand.parallelFor(n, o.threads(), q -> lists[side][q] = sides[side].search(q).toArray(new Hit[0]));
            nanos[s] = System.nanoTime() - start;
        }
        double nnzDoc = SparseRetrieval.averageNnz(docVectors);
        double nnzQuery = SparseRetrieval.averageNnz(lexicalQueries);
        RankFusion.Settings none = RankFusion.Settings.DEFAULT.withMethod(RankFusion.Method.NONE);
        rows.add(row("lexical exact", set, lexical, lists[1], lists[1], none, nnzDoc, nnzQuery, indexSeconds,
                nanos[1]));
        rows.add(row("lexical approx", set, lexical, lists[3], lists[3], none, nnzDoc, nnzQuery, indexSeconds,
                nanos[3]));
        for (RankFusion.Settings fusion : o.fusions()) {
            rows.add(row("hybrid " + fusion.label() + " exact", set, lexical, lists[0], lists[1], fusion, Double.NaN,
                    Double.NaN, indexSeconds, nanos[0] + nanos[1]));
            rows.add(row("hybrid " + fusion.label() + " served", set, lexical, lists[2], lists[3], fusion, Double.NaN,
                    Double.NaN, indexSeconds, nanos[2] + nanos[3]));
        }
    }

    /** One side's top hits for query {@code q}. */
    private interface SearchSide {
        List<Hit> search(int q);
    }

    private static ResultRow row(String name, EvalSet set, SparseRetrieval numbering, Hit[][] learned,
            Hit[][] lexical, RankFusion.Settings fusion, double nnzDoc, double nnzQuery, double indexSeconds,
            long searchNanos) {
        RankMetrics m = new RankMetrics(EvaluateCommand.DEPTH);
        int[] out = new int[EvaluateCommand.DEPTH];
        for (int q = 0; q < learned.length; q++) {
            List<Hit> fused = RankFusion.fuse(List.of(learned[q]), List.of(lexical[q]), fusion,
                    EvaluateCommand.DEPTH);
            int hits = numbering.numbers(fused, out);
            m.add(RankMetrics.rankOf(out, hits, set.queries().get(q).doc()));
        }
        return ResultRow.of(name, set.split(), set.docs().size(), m, nnzDoc, nnzQuery, Double.NaN, indexSeconds,
                searchNanos / 1e9);
    }
}
