package io.streamsparse.tools.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * The BM25 baseline: Lucene 9.12 in memory ({@link ByteBuffersDirectory}), one text field, {@link BM25Similarity}
 * with the given {@code k1} and {@code b}.
 *
 * <p>A query is the analyzed query text, one {@code SHOULD} {@link TermQuery} per token (a repeated token is a
 * repeated clause, as Lucene's classic query parser builds it, without its syntax). Hits are returned as document
 * numbers of the indexed list (a doc-values field maps Lucene's ids back), score descending, ties by Lucene's
 * doc id, which is insertion order within a segment. Thread-safe for searching once built.
 */
final class LuceneBm25 implements AutoCloseable {

    static final float K1 = 0.9f;
    static final float B = 0.4f;

    private static final String BODY = "body";
    private static final String ORD = "ord";

    /** The analyzers the baseline can run with, by option name. */
    enum AnalyzerKind {
        /** {@link StandardAnalyzer}: Unicode word segmentation (UAX#29) + lower-casing, no stop words, no stemming. */
        STANDARD("standard", "StandardAnalyzer: UAX#29 words, lower-cased, no stop words, no stemming"),
        /** {@link EnglishAnalyzer}: standard tokens, possessives, lower-casing, English stop words, Porter stemming. */
        ENGLISH("english", "EnglishAnalyzer: UAX#29 words, possessives, lower-cased, English stop words, Porter stem");

        final String optionName;
        final String description;

        AnalyzerKind(String optionName, String description) {
            this.optionName = optionName;
            this.description = description;
        }

        Analyzer create() {
            return this == STANDARD ? new StandardAnalyzer() : new EnglishAnalyzer();
        }

        static AnalyzerKind parse(String name) {
            for (AnalyzerKind k : values()) {
                if (k.optionName.equals(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown analyzer '" + name + "' (standard or english)");
        }
    }

    private final Analyzer analyzer;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    /** Lucene global doc id to the document's number in the indexed list. */
    private final int[] ordOf;

    private LuceneBm25(Analyzer analyzer, DirectoryReader reader, int[] ordOf, float k1, float b) {
        this.analyzer = analyzer;
        this.reader = reader;
        this.searcher = new IndexSearcher(reader);
        this.searcher.setSimilarity(new BM25Similarity(k1, b));
        this.ordOf = ordOf;
    }

    /** Indexes {@code texts} (document {@code i} is {@code texts.get(i)}). */
    static LuceneBm25 index(List<String> texts, AnalyzerKind kind, float k1, float b) {
        Analyzer analyzer = kind.create();
        ByteBuffersDirectory dir = new ByteBuffersDirectory();
        try {
            IndexWriterConfig iwc = new IndexWriterConfig(analyzer)
                    .setSimilarity(new BM25Similarity(k1, b))
                    .setRAMBufferSizeMB(256)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE);
            try (IndexWriter writer = new IndexWriter(dir, iwc)) {
                for (int i = 0; i < texts.size(); i++) {
                    Document d = new Document();
                    d.add(new TextField(BODY, texts.get(i), Field.Store.NO));
                    d.add(new NumericDocValuesField(ORD, i));
                    writer.addDocument(d);
                }
                writer.forceMerge(1);
            }
            DirectoryReader reader = DirectoryReader.open(dir);
            int[] ordOf = new int[reader.maxDoc()];
            for (LeafReaderContext leaf : reader.leaves()) {
                NumericDocValues ords = leaf.reader().getNumericDocValues(ORD);
                for (int doc = ords.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = ords.nextDoc()) {
                    ordOf[leaf.docBase + doc] = (int) ords.longValue();
                }
            }
            return new LuceneBm25(analyzer, reader, ordOf, k1, b);
        } catch (IOException e) {
            throw new UncheckedIOException("indexing in memory failed", e);
        }
    }

    /** The analyzed tokens of {@code text}, in order, repeats kept. */
    List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = analyzer.tokenStream(BODY, text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                out.add(term.toString());
            }
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * The top {@code k} documents for {@code text} written into {@code out} (document numbers); returns how many.
     * A text with no token after analysis finds nothing.
     */
    int search(String text, int k, int[] out) {
        List<String> terms = tokens(text);
        if (terms.isEmpty()) {
            return 0;
        }
        BooleanQuery.Builder q = new BooleanQuery.Builder();
        for (String t : terms) {
            q.add(new TermQuery(new Term(BODY, t)), BooleanClause.Occur.SHOULD);
        }
        try {
            TopDocs top = searcher.search(q.build(), k);
            ScoreDoc[] hits = top.scoreDocs;
            for (int i = 0; i < hits.length; i++) {
                out[i] = ordOf[hits[i].doc];
            }
            return hits.length;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        analyzer.close();
    }
}
