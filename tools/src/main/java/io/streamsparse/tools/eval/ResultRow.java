package io.streamsparse.tools.eval;

import java.util.List;
import java.util.Locale;

/**
 * One system's line of the evaluation table. {@code NaN} means "does not apply" (printed as {@code -}): R@100 of a
 * run cut at 10 results, non-zeros of BM25, recall-vs-exact of an exact run.
 *
 * @param system         the system's name
 * @param split          the evaluated split
 * @param queries        number of queries
 * @param docs           number of documents indexed
 * @param mrr10          MRR@10
 * @param r10            R@10
 * @param r100           R@100
 * @param ndcg10         nDCG@10
 * @param nnzPerDoc      average non-zeros per document vector
 * @param nnzPerQuery    average non-zeros per query vector
 * @param recallVsExact  mean over queries of |approximate top-10 ∩ exact top-10| / |exact top-10|
 * @param indexSeconds   time to build the system's index (encoding excluded)
 * @param searchSeconds  time to answer all queries (query encoding excluded)
 */
record ResultRow(String system, String split, int queries, int docs, double mrr10, double r10, double r100,
        double ndcg10, double nnzPerDoc, double nnzPerQuery, double recallVsExact, double indexSeconds,
        double searchSeconds) {

    static ResultRow of(String system, String split, int docs, RankMetrics m, double nnzPerDoc, double nnzPerQuery,
            double recallVsExact, double indexSeconds, double searchSeconds) {
        return new ResultRow(system, split, m.queries(), docs, m.mrrAt(10), m.recallAt(10), m.recallAt(100),
                m.ndcgAt(10), nnzPerDoc, nnzPerQuery, recallVsExact, indexSeconds, searchSeconds);
    }

    static final String HEADER = "| system | split | queries | docs | MRR@10 | R@10 | R@100 | nDCG@10 | nnz/doc "
            + "| nnz/query | R@10 vs exact | index s | search s |";
    static final String RULE = "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";

    /** The row as a markdown table line. */
    String markdown() {
        return "| " + String.join(" | ", system, split, Integer.toString(queries), Integer.toString(docs),
                f3(mrr10), f3(r10), f3(r100), f3(ndcg10), f1(nnzPerDoc), f1(nnzPerQuery), f3(recallVsExact),
                f1(indexSeconds), f1(searchSeconds)) + " |";
    }

    /** The rows as a markdown table with its header. */
    static String table(List<ResultRow> rows) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n').append(RULE).append('\n');
        for (ResultRow r : rows) {
            sb.append(r.markdown()).append('\n');
        }
        return sb.toString();
    }

    static String f3(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String f1(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
