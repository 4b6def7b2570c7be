package io.streamsparse.bench;

import io.streamsparse.core.vector.SparseVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.FeatureField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.MMapDirectory;

/**
 * The Lucene 9.12 baseline over the same vectors: one {@link FeatureField} per term (field {@value #FIELD}, feature
 * name = the decimal term id), one segment after {@code forceMerge(1)}, and a query that is a {@link BooleanQuery} of
 * {@link FeatureField#newLinearQuery} SHOULD clauses, answered by {@link IndexSearcher#search(Query, int)} (exact
 * top-k; Lucene applies MaxScore/WAND dynamic pruning by itself once the hit count passes its threshold).
 *
 * <p>What the baseline loses, as Lucene documents: a feature value keeps 9 significant bits (a relative error of at
 * most 2^-8, comparable to the engine's one-byte codes); weights that are not positive normal floats cannot be
 * indexed and are left out (a zero weight scores nothing anyway). Query weights must lie in (0, {@value
 * #MAX_QUERY_WEIGHT}]; a query whose largest weight is above that is scaled down as a whole, which keeps its
 * ranking. Documents carry their ordinal in the doc-values field {@value #ORD_FIELD}, so hits map back to the
 * harness's documents whatever order merges leave them in.
 *
 * <p>The index lives in a temporary directory (memory-mapped, so it is served from the page cache after warm-up)
 * that {@link #close()} deletes. Searching is thread-safe; building is not.
 */
public final class LuceneBaseline implements AutoCloseable {

    public static final String FIELD = "terms";
    public static final String ORD_FIELD = "ord";
    /** The largest weight {@link FeatureField#newLinearQuery} accepts. */
    public static final float MAX_QUERY_WEIGHT = 64f;
    private static final double RAM_BUFFER_MB = 512;

    private final Path dir;
    private final Directory directory;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final int[] ordOfDoc;
    private final long indexBytes;

    private LuceneBaseline(Path dir, Directory directory, DirectoryReader reader, int[] ordOfDoc, long indexBytes) {
        this.dir = dir;
        this.directory = directory;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.searcher.setQueryCache(null); // every query is new to the index; no caching on either side
        this.ordOfDoc = ordOfDoc;
        this.indexBytes = indexBytes;
    }

    /** Indexes {@code docs[0..count)} (document ordinal = array index) and merges them into one segment. */
    public static LuceneBaseline build(SparseVector[] docs, int count) throws IOException {
        Path dir = Files.createTempDirectory("streamsparse-lucene-");
        Directory directory = new MMapDirectory(dir);
        IndexWriterConfig iwc = new IndexWriterConfig()
                .setRAMBufferSizeMB(RAM_BUFFER_MB)
                .setUseCompoundFile(false)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE);
        try (IndexWriter writer = new IndexWriter(directory, iwc)) {
            for (int d = 0; d < count; d++) {
                writer.addDocument(document(docs[d], d));
            }
            writer.forceMerge(1);
            writer.commit();
        }
        DirectoryReader reader = DirectoryReader.open(directory);
        if (reader.leaves().size() != 1) {
            throw new IllegalStateException("expected one segment after forceMerge(1), got " + reader.leaves().size());
        }
        LeafReader leaf = reader.leaves().get(0).reader();
        int[] ordOfDoc = new int[leaf.maxDoc()];
        NumericDocValues ords = leaf.getNumericDocValues(ORD_FIELD);
        for (int doc = 0; doc < ordOfDoc.length; doc++) {
            if (!ords.advanceExact(doc)) {
                throw new IllegalStateException("Lucene doc " + doc + " has no ordinal");
            }
            ordOfDoc[doc] = (int) ords.longValue();
        }
        return new LuceneBaseline(dir, directory, reader, ordOfDoc, sizeOf(dir));
    }

    private static Document document(SparseVector v, int ord) {
        Document doc = new Document();
        int[] ids = v.termIds();
        float[] ws = v.weights();
        for (int i = 0; i < ids.length; i++) {
            if (ws[i] >= Float.MIN_NORMAL) {
                doc.add(new FeatureField(FIELD, Integer.toString(ids[i]), ws[i]));
            }
        }
        doc.add(new NumericDocValuesField(ORD_FIELD, ord));
        return doc;
    }

    /** The baseline query for {@code q}: SHOULD clauses of linear feature queries, one per non-zero term. */
    public static Query query(SparseVector q) {
        int[] ids = q.termIds();
        float[] ws = q.weights();
        float max = 0f;
        for (float w : ws) {
            max = Math.max(max, w);
        }
        float scale = max > MAX_QUERY_WEIGHT ? MAX_QUERY_WEIGHT / max : 1f;
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        for (int i = 0; i < ids.length; i++) {
            float w = ws[i] * scale;
            if (w > 0f) {
                b.add(FeatureField.newLinearQuery(FIELD, Integer.toString(ids[i]), w), BooleanClause.Occur.SHOULD);
            }
        }
        return b.build();
    }

    /** Exact top-{@code k} of a query built by {@link #query}. */
    public TopDocs search(Query query, int k) {
        try {
            return searcher.search(query, k);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The harness ordinal of a Lucene document id (from a {@link ScoreDoc#doc}). */
    public int ordinal(int luceneDoc) {
        return ordOfDoc[luceneDoc];
    }

    public int docCount() {
        return ordOfDoc.length;
    }

    /** Bytes of the merged index on disk. */
    public long indexBytes() {
        return indexBytes;
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long sum = 0;
            for (Path p : (Iterable<Path>) files::iterator) {
                sum += Files.size(p);
            }
            return sum;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            reader.close();
            directory.close();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
