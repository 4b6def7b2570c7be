package io.streamsparse.bench;

import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.VectorsFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * The vectors one benchmark run works on, all materialized before anything is timed.
 *
 * <p>Invariants: {@code docIds.length == docs.length}, ids distinct; {@code queries} non-empty; {@code updates}
 * non-empty (vectors the update phase assigns to re-upserted and new ids; none of them is a {@code docs} entry
 * object, though a file source may repeat a vector's content). Everything is a pure function of the source and the
 * seed.
 *
 * @param source  one line saying where the vectors came from
 * @param docIds  the document ids, ordinal = array index
 * @param docs    the documents as upserted into the index
 * @param queries the query vectors
 * @param updates documents for the update phase
 */
public record BenchData(String source, String[] docIds, EncodedDocument[] docs, SparseVector[] queries,
                        EncodedDocument[] updates) {

    /** Query length when queries are derived from documents (the synthetic generator's query nnz is about this). */
    public static final int DERIVED_QUERY_TERMS = 45;

    public BenchData {
        if (docIds.length != docs.length) {
            throw new IllegalArgumentException("ids and docs differ in length: " + docIds.length + " != " + docs.length);
        }
        if (queries.length == 0) {
            throw new IllegalArgumentException("no queries");
        }
        if (updates.length == 0) {
            throw new IllegalArgumentException("no update vectors");
        }
    }

    /** Seeded synthetic SPLADE-like data from the engine's generator. */
    public static BenchData synthetic(int docs, int queries, int updates, long seed) {
        return SyntheticSource.generate(docs, queries, updates, seed);
    }

    /**
     * Real vectors from a {@link VectorsFile}: the first {@code docs} records are the corpus; queries come from
     * {@code queryFile} when given, else from {@code queries} seeded random documents cut to their
     * {@value #DERIVED_QUERY_TERMS} heaviest terms; update vectors are the vectors of other documents of the file,
     * so re-upserts carry real content.
     */
    public static BenchData fromFile(Path file, Path queryFile, int docs, int queries, int updates, long seed)
            throws IOException {
        List<VectorsFile.Entry> entries = VectorsFile.read(file, docs);
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no records in " + file);
        }
        int n = entries.size();
        String[] ids = new String[n];
        EncodedDocument[] ds = new EncodedDocument[n];
        for (int i = 0; i < n; i++) {
            ids[i] = entries.get(i).key();
            ds[i] = entries.get(i).document();
        }
        Random rnd = new Random(seed);
        SparseVector[] qs;
        String querySource;
        if (queryFile != null) {
            List<VectorsFile.Entry> qe = VectorsFile.read(queryFile, queries);
            if (qe.isEmpty()) {
                throw new IllegalArgumentException("no records in " + queryFile);
            }
            qs = new SparseVector[qe.size()];
            for (int i = 0; i < qs.length; i++) {
                qs[i] = qe.get(i).vector();
            }
            querySource = queryFile.toString();
        } else {
            qs = new SparseVector[queries];
            for (int i = 0; i < queries; i++) {
                qs[i] = ds[rnd.nextInt(n)].vector().prune(DERIVED_QUERY_TERMS, 0f);
            }
            querySource = "documents cut to " + DERIVED_QUERY_TERMS + " terms";
        }
        EncodedDocument[] ups = new EncodedDocument[updates];
        for (int i = 0; i < updates; i++) {
            ups[i] = new EncodedDocument("", "", null, ds[rnd.nextInt(n)].vector());
        }
        return new BenchData("file " + file + " (" + n + " docs; queries: " + querySource + ")", ids, ds, qs, ups);
    }

    public int docCount() {
        return docs.length;
    }

    /** Σ nnz over the corpus: the postings a complete (unpruned) inverted index holds. */
    public long postings() {
        long sum = 0;
        for (EncodedDocument d : docs) {
            sum += d.vector().nnz();
        }
        return sum;
    }

    public SparseVector[] docVectors() {
        SparseVector[] out = new SparseVector[docs.length];
        for (int i = 0; i < docs.length; i++) {
            out[i] = docs[i].vector();
        }
        return out;
    }

    public double meanQueryTerms() {
        long sum = 0;
        for (SparseVector q : queries) {
            sum += q.nnz();
        }
        return (double) sum / queries.length;
    }
}
