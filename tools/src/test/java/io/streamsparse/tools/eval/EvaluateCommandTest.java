package io.streamsparse.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.search.RankFusion;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.encoder.Bm25Parameters;
import io.streamsparse.encoder.ModelResources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate pipeline end to end on a tiny inline corpus: Lucene BM25, and sparse-core over vectors of a real
 * (tiny, untrained) ONNX model with the real bert-base-uncased tokenizer, model and inference-free queries; the
 * cache is reused on a second run. No mocks: every component is the one the command runs.
 */
class EvaluateCommandTest {

    @TempDir
    Path dir;

    private Path corpus;
    private Path model;

    static final String DOCS = """
            {"id":"d:apache2","title":"apache2","text":"Apache HTTP server: a powerful, modular web server for serving web pages over HTTP and HTTPS.","fields":{"package":"apache2","section":"httpd","source":"apache2"}}
            {"id":"d:curl","title":"curl","text":"Command line tool for transferring data with URL syntax, supporting many protocols.","fields":{"package":"curl","section":"web","source":"curl"}}
            {"id":"d:ffmpeg","title":"ffmpeg","text":"Tools for transcoding, streaming and playing multimedia audio and video files.","fields":{"package":"ffmpeg","section":"video","source":"ffmpeg"}}
            {"id":"d:gimp","title":"gimp","text":"GNU image manipulation program for photo retouching, image composition and image authoring.","fields":{"package":"gimp","section":"graphics","source":"gimp"}}
            {"id":"d:git","title":"git","text":"Git is a fast, scalable, distributed revision control system for source code.","fields":{"package":"git","section":"vcs","source":"git"}}
            {"id":"d:nginx","title":"nginx","text":"Nginx is a small, powerful, scalable web and reverse proxy server.","fields":{"package":"nginx","section":"httpd","source":"nginx"}}
            {"id":"d:openssh-server","title":"openssh-server","text":"Secure shell daemon, an rshd replacement for remote login and file transfer.","fields":{"package":"openssh-server","section":"net","source":"openssh"}}
            {"id":"d:postgresql","title":"postgresql","text":"Object-relational SQL database management system with transactions and replication.","fields":{"package":"postgresql","section":"database","source":"postgresql"}}
            {"id":"d:python3","title":"python3","text":"Interactive high-level object-oriented programming language interpreter.","fields":{"package":"python3","section":"python","source":"python3"}}
            {"id":"d:vim","title":"vim","text":"Vi improved, a highly configurable text editor built to make changing any kind of text efficient.","fields":{"package":"vim","section":"editors","source":"vim"}}
            """;
    static final String QUERIES = """
            {"qid":"q:apache2","text":"Apache HTTP Server","doc":"d:apache2","split":"test"}
            {"qid":"q:curl","text":"command line tool for transferring data with URL syntax","doc":"d:curl","split":"test"}
            {"qid":"q:ffmpeg","text":"tools for transcoding, streaming and playing of multimedia files","doc":"d:ffmpeg","split":"val"}
            {"qid":"q:gimp","text":"GNU Image Manipulation Program","doc":"d:gimp","split":"test"}
            {"qid":"q:git","text":"fast, scalable, distributed revision control system","doc":"d:git","split":"test"}
            {"qid":"q:nginx","text":"small, powerful, scalable web/proxy server","doc":"d:nginx","split":"val"}
            {"qid":"q:openssh-server","text":"secure shell (SSH) server","doc":"d:openssh-server","split":"train"}
            {"qid":"q:postgresql","text":"object-relational SQL database","doc":"d:postgresql","split":"test"}
            {"qid":"q:python3","text":"interactive high-level object-oriented language","doc":"d:python3","split":"train"}
            {"qid":"q:vim","text":"Vi IMproved - enhanced vi editor","doc":"d:vim","split":"test"}
            """;

    @BeforeEach
    void corpusAndModel() throws IOException {
        corpus = Files.createDirectories(dir.resolve("corpus"));
        Files.writeString(corpus.resolve("docs.jsonl"), DOCS, StandardCharsets.UTF_8);
        Files.writeString(corpus.resolve("queries.jsonl"), QUERIES, StandardCharsets.UTF_8);
        model = TinySparseModel.write(dir.resolve("tiny.onnx"), 11);
    }

    private EvaluateCommand.Report run(String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("--corpus", corpus.toString(), "--cache",
                dir.resolve("cache").toString(), "--threads", "2"));
        args.addAll(Arrays.asList(extra));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        try (PrintStream ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
            return EvaluateCommand.run(EvaluateOptions.parse(args.toArray(new String[0])), false, ps);
        }
    }

    private static ResultRow row(EvaluateCommand.Report report, String system) {
        return report.rows().stream().filter(r -> r.system().equals(system)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + system + " in " + report.rows()));
    }

    @Test
    void bm25AndSparseSystemsThenTheCacheOnARerun() throws IOException, InterruptedException {
        EvaluateCommand.Report first = run("--model", model.toString(), "--tokenizer", TinySparseModel.TOKENIZER);
        List<String> systems = first.rows().stream().map(ResultRow::system).toList();
        assertEquals(List.of("bm25 standard", "bm25 english", "model tiny.onnx exact", "model tiny.onnx approx",
                "inference-free exact", "inference-free approx"), systems);
        for (ResultRow r : first.rows()) {
            assertEquals("test", r.split());
            assertEquals(6, r.queries(), r.system());
            assertEquals(10, r.docs(), r.system());
            for (double v : new double[] {r.mrr10(), r.r10(), r.ndcg10()}) {
                assertTrue(v >= 0 && v <= 1, r.toString());
            }
            assertTrue(r.mrr10() <= r.ndcg10() + 1e-12 && r.ndcg10() <= r.r10() + 1e-12, r.toString());
        }
        // the queries share distinctive words with their documents: BM25 ranks every one first
        assertEquals(1.0, row(first, "bm25 standard").mrr10(), 1e-12);
        assertEquals(1.0, row(first, "bm25 english").r100(), 1e-12);
        assertTrue(Double.isNaN(row(first, "bm25 standard").nnzPerDoc()));

        ResultRow exact = row(first, "model tiny.onnx exact");
        ResultRow approx = row(first, "model tiny.onnx approx");
        assertTrue(exact.nnzPerDoc() > 0 && exact.nnzPerDoc() <= 256, exact.toString());
        assertTrue(exact.nnzPerQuery() > 0 && exact.nnzPerQuery() <= 64, exact.toString());
        assertTrue(Double.isNaN(exact.recallVsExact()));
        assertTrue(Double.isNaN(approx.r100()), "the approximate run stops at 10");
        assertTrue(approx.recallVsExact() >= 0 && approx.recallVsExact() <= 1, approx.toString());
        // the tiny model puts a text's own tokens among its heaviest terms: IDF-weighted query tokens find them
        ResultRow free = row(first, "inference-free exact");
        assertTrue(free.mrr10() >= 0.5, free.toString());
        assertTrue(free.nnzPerQuery() > 0 && free.nnzPerQuery() <= 64, free.toString());
        assertEquals(exact.nnzPerDoc(), free.nnzPerDoc(), "the same document vectors");

        assertEquals(2, first.encodings().size());
        assertEquals(10, first.encodings().get(0).encoded());
        assertEquals(6, first.encodings().get(1).encoded());
        List<Path> cacheFiles;
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            cacheFiles = files.sorted().toList();
        }
        assertEquals(4, cacheFiles.size(), cacheFiles.toString()); // docs + queries, each .vectors + .json
        Path docsFile = cacheFiles.stream().filter(p -> p.getFileName().toString().startsWith("docs-")
                && p.toString().endsWith(".vectors")).findFirst().orElseThrow();
        try (VectorCache cache = VectorCache.open(docsFile)) {
            assertEquals(10, cache.size());
            assertTrue(cache.sorted());
        }
        String description = Files.readString(Path.of(docsFile.toString().replace(".vectors", ".json")));
        assertTrue(description.contains("\"complete\" : true"), description);

        EvaluateCommand.Report second = run("--model", model.toString(), "--tokenizer", TinySparseModel.TOKENIZER);
        assertEquals(0, second.encodings().get(0).encoded(), "documents come from the cache");
        assertEquals(10, second.encodings().get(0).fromCache());
        assertEquals(0, second.encodings().get(1).encoded(), "model queries come from the cache");
        for (int i = 0; i < first.rows().size(); i++) {
            ResultRow a = first.rows().get(i);
            ResultRow b = second.rows().get(i);
            assertEquals(a.mrr10(), b.mrr10(), a.system());
            assertEquals(a.r100(), b.r100(), a.system());
            assertEquals(a.recallVsExact(), b.recallVsExact(), a.system());
        }
        String table = second.markdown();
        assertTrue(table.startsWith(ResultRow.HEADER), table);
        assertTrue(table.contains("| bm25 standard | test | 6 | 10 | 1.000 | 1.000 | 1.000 | 1.000 | - | - | - |"),
                table);
    }

    @Test
    void valSplitAndSubset() throws IOException, InterruptedException {
        EvaluateCommand.Report val = run("--systems", "bm25", "--split", "val", "--analyzers", "standard");
        assertEquals(1, val.rows().size());
        assertEquals(2, val.rows().get(0).queries());

        EvaluateCommand.Report sub = run("--systems", "bm25,inference-free", "--limit-docs", "4", "--limit-queries",
                "3", "--model", model.toString(), "--tokenizer", TinySparseModel.TOKENIZER);
        for (ResultRow r : sub.rows()) {
            assertEquals(4, r.docs(), r.system());
            assertEquals(3, r.queries(), r.system());
        }
        assertEquals(1, sub.encodings().size(), "inference-free only: no model query encoding");
        assertEquals(4, sub.encodings().get(0).encoded());
        assertTrue(sub.notes().get(0).contains("subset (seed 42): 4 documents, 3 queries"), sub.notes().get(0));
    }

    @Test
    void missingDefaultModelIsSkippedOnlyWhenTheSystemsWereDefaulted() throws IOException, InterruptedException {
        Assumptions.assumeFalse(ModelResources.defaultModelAvailable(), "the default model is bundled");
        List<String> args = List.of("--corpus", corpus.toString(), "--cache", "none", "--analyzers", "standard");
        EvaluateCommand.Report report = EvaluateCommand.run(EvaluateOptions.parse(args.toArray(new String[0])), true,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(List.of("bm25 standard"), report.rows().stream().map(ResultRow::system).toList());
        assertTrue(report.notes().stream().anyMatch(n -> n.contains("skipped")), report.notes().toString());
        assertThrows(IllegalArgumentException.class, () -> EvaluateCommand.run(EvaluateOptions.parse(
                new String[] {"--corpus", corpus.toString(), "--cache", "none", "--systems", "model"}), false,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }

    @Test
    void hybridFusesTheModelWithLexicalVectorsOfThisEngine() throws IOException, InterruptedException {
        EvaluateCommand.Report r = run("--model", model.toString(), "--tokenizer", TinySparseModel.TOKENIZER,
                "--systems", "model,hybrid", "--fusion", "linear,rrf", "--fusion-weights", "0,0.2,1");
        List<String> systems = r.rows().stream().map(ResultRow::system).toList();
        assertEquals(List.of("model tiny.onnx exact", "model tiny.onnx approx", "lexical exact", "lexical approx",
                "hybrid linear w=0.0 exact", "hybrid linear w=0.0 served", "hybrid linear w=0.2 exact",
                "hybrid linear w=0.2 served", "hybrid linear w=1.0 exact", "hybrid linear w=1.0 served",
                "hybrid rrf k=10 w=0.0 exact", "hybrid rrf k=10 w=0.0 served", "hybrid rrf k=10 w=0.2 exact",
                "hybrid rrf k=10 w=0.2 served", "hybrid rrf k=10 w=1.0 exact", "hybrid rrf k=10 w=1.0 served"),
                systems);
        // BM25 through this engine finds every known item of this corpus first, as Lucene's BM25 does
        assertEquals(1.0, row(r, "lexical exact").mrr10(), 1e-12);
        assertTrue(row(r, "lexical exact").nnzPerDoc() > 5, row(r, "lexical exact").toString());
        // weight 0 is the model's ranking, weight 1 the lexical one
        for (String m : new String[] {"linear", "rrf k=10"}) {
            assertEquals(row(r, "model tiny.onnx exact").mrr10(), row(r, "hybrid " + m + " w=0.0 exact").mrr10(),
                    1e-12, m);
            assertEquals(1.0, row(r, "hybrid " + m + " w=1.0 exact").mrr10(), 1e-12, m);
        }
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("lexical: BM25")), r.notes().toString());
    }

    @Test
    void optionsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--split", "train"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--model", "m"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--systems", "dense"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--threads", "0"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--bogus", "1"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--doc-text", "x"}));
        EvaluateOptions o = EvaluateOptions.parse(new String[] {"--limit-docs=1_000", "--cache", "none"});
        assertEquals(1000, o.limitDocs());
        assertEquals(null, o.cacheDir());
        assertEquals("test", o.split());
        assertEquals(SearchKnobs.defaults(), o.knobs());
        assertEquals(IndexConfig.defaults(), o.index());
        assertEquals(0, EvaluateOptions.parse(new String[] {"--prune-lambda", "0"}).index().pruneLambda());
        EvaluateOptions k = EvaluateOptions.parse(new String[] {"--query-cut", "20", "--heap-factor", "0.7"});
        assertEquals(SearchKnobs.defaults().withQueryCut(20).withHeapFactor(0.7f), k.knobs());
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--query-cut", "0"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--heap-factor", "x"}));
        assertTrue(EvaluateOptions.systemsDefaulted(new String[] {"--split", "val"}));
        assertTrue(!EvaluateOptions.systemsDefaulted(new String[] {"--systems=bm25"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--systems", "hybrid"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--fusion", "max"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--fusion", "none"}));
        assertThrows(IllegalArgumentException.class,
                () -> EvaluateOptions.parse(new String[] {"--fusion-weights", "1.5"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--fusion-depth", "0"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--bm25-avgdl", "0"}));
        EvaluateOptions h = EvaluateOptions.parse(new String[] {"--systems", "model,hybrid"});
        assertEquals(List.of(RankFusion.Settings.DEFAULT, RankFusion.Settings.DEFAULT.withMethod(
                RankFusion.Method.RRF)), h.fusions());
        assertEquals(Bm25Parameters.DEFAULTS, h.bm25());
        assertEquals(EvaluateCommand.DEPTH, h.fusionDepth());
    }
}
