package io.streamsparse.tools.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.VectorsFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --doc-vectors} and {@code --query-vectors} on the tiny corpus of {@link EvaluateCommandTest}: vectors
 * encoded by the tiny ONNX model, dumped with {@link VectorsFile} (shuffled, so matching is by id and not by
 * position) and read back give exactly the rows of the encoded run; every mismatch of ids is an error naming them.
 */
class EvaluatePrecomputedVectorsTest {

    @TempDir
    Path dir;

    private Path corpus;
    private Path model;
    /** The run that encoded everything with the tiny model. */
    private EvaluateCommand.Report encoded;
    private List<VectorsFile.Entry> docEntries;
    private List<VectorsFile.Entry> queryEntries;
    private Path docsFile;
    private Path queriesFile;

    @BeforeEach
    void encodeAndDump() throws IOException, InterruptedException {
        corpus = Files.createDirectories(dir.resolve("corpus"));
        Files.writeString(corpus.resolve("docs.jsonl"), EvaluateCommandTest.DOCS, StandardCharsets.UTF_8);
        Files.writeString(corpus.resolve("queries.jsonl"), EvaluateCommandTest.QUERIES, StandardCharsets.UTF_8);
        model = TinySparseModel.write(dir.resolve("tiny.onnx"), 11);
        Path cache = dir.resolve("cache");
        // both splits' queries, so that the query file also holds queries of another split
        run("--split", "val", "--systems", "model", "--model", model.toString(), "--tokenizer",
                TinySparseModel.TOKENIZER, "--cache", cache.toString());
        encoded = run("--systems", "model,inference-free", "--model", model.toString(), "--tokenizer",
                TinySparseModel.TOKENIZER, "--cache", cache.toString());
        docEntries = shuffled(VectorsFile.read(cacheFile(cache, "docs-"), -1));
        queryEntries = shuffled(VectorsFile.read(cacheFile(cache, "queries-"), -1));
        assertEquals(10, docEntries.size());
        assertEquals(8, queryEntries.size(), "6 test + 2 val queries");
        docsFile = dir.resolve("docs.vectors");
        queriesFile = dir.resolve("queries.vectors");
        VectorsFile.writeDocuments(docsFile, docEntries);
        VectorsFile.writeVectors(queriesFile, queryEntries);
    }

    private static Path cacheFile(Path cache, String prefix) throws IOException {
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.toString().endsWith(".vectors")).findFirst().orElseThrow();
        }
    }

    private static List<VectorsFile.Entry> shuffled(List<VectorsFile.Entry> entries) {
        List<VectorsFile.Entry> out = new ArrayList<>(entries);
        Collections.shuffle(out, new Random(7));
        return out;
    }

    private EvaluateCommand.Report run(String... args) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("--corpus", corpus.toString(), "--threads", "2"));
        all.addAll(Arrays.asList(args));
        if (!all.contains("--cache")) {
            all.addAll(List.of("--cache", "none"));
        }
        try (PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)) {
            return EvaluateCommand.run(EvaluateOptions.parse(all.toArray(new String[0])), false, log);
        }
    }

    /** The same metrics, row by row; only the names and the timings may differ. */
    private static void assertSameMetrics(EvaluateCommand.Report expected, EvaluateCommand.Report actual) {
        assertEquals(expected.rows().size(), actual.rows().size());
        for (int i = 0; i < expected.rows().size(); i++) {
            ResultRow a = expected.rows().get(i);
            ResultRow b = actual.rows().get(i);
            String what = a.system() + " vs " + b.system();
            assertEquals(a.split(), b.split(), what);
            assertEquals(a.queries(), b.queries(), what);
            assertEquals(a.docs(), b.docs(), what);
            assertEquals(a.mrr10(), b.mrr10(), what);
            assertEquals(a.r10(), b.r10(), what);
            assertEquals(a.r100(), b.r100(), what);
            assertEquals(a.ndcg10(), b.ndcg10(), what);
            assertEquals(a.nnzPerDoc(), b.nnzPerDoc(), what);
            assertEquals(a.nnzPerQuery(), b.nnzPerQuery(), what);
            assertEquals(a.recallVsExact(), b.recallVsExact(), what);
        }
    }

    private static boolean hasNote(EvaluateCommand.Report report, String... parts) {
        return report.notes().stream().anyMatch(n -> Arrays.stream(parts).allMatch(n::contains));
    }

    @Test
    void bothFilesGiveTheEncodedRowsWithoutOpeningTheModel() throws IOException, InterruptedException {
        // a model path that does not exist: the run succeeds only because the model is never read
        EvaluateCommand.Report fromFiles = run("--systems", "model,inference-free", "--model",
                dir.resolve("no-such-model.onnx").toString(), "--tokenizer", TinySparseModel.TOKENIZER,
                "--doc-vectors", docsFile.toString(), "--query-vectors", queriesFile.toString());
        assertSameMetrics(encoded, fromFiles);
        assertEquals(List.of("model (doc vectors: docs.vectors, query vectors: queries.vectors) exact",
                "model (doc vectors: docs.vectors, query vectors: queries.vectors) approx",
                "inference-free (doc vectors: docs.vectors) exact",
                "inference-free (doc vectors: docs.vectors) approx"),
                fromFiles.rows().stream().map(ResultRow::system).toList());
        assertTrue(fromFiles.encodings().isEmpty(), "nothing encoded");
        String docsSha = EvaluateCommand.sha256(docsFile).substring(0, 12);
        String queriesSha = EvaluateCommand.sha256(queriesFile).substring(0, 12);
        assertTrue(hasNote(fromFiles, "document vectors: read from " + docsFile, docsSha, "10 records, 10 used",
                "not produced by the Java encoder in this run"), fromFiles.notes().toString());
        assertTrue(hasNote(fromFiles, "model query vectors: read from " + queriesFile, queriesSha,
                "8 records, 6 used", "2 records are queries of other splits, not used",
                "not produced by the Java encoder in this run"), fromFiles.notes().toString());
        assertTrue(hasNote(fromFiles, "ONNX model not opened"), fromFiles.notes().toString());
        assertTrue(hasNote(fromFiles, "no-such-model.onnx was given but not used"), fromFiles.notes().toString());
        assertTrue(fromFiles.markdown().contains("| model (doc vectors: docs.vectors, query vectors: queries.vectors) "
                + "exact | test | 6 | 10 |"), fromFiles.markdown());
    }

    @Test
    void documentFileAloneGivesTheEncodedRows() throws IOException, InterruptedException {
        EvaluateCommand.Report fromFile = run("--systems", "model,inference-free", "--model", model.toString(),
                "--tokenizer", TinySparseModel.TOKENIZER, "--doc-vectors", docsFile.toString());
        assertSameMetrics(encoded, fromFile);
        assertEquals("model tiny.onnx (doc vectors: docs.vectors) exact", fromFile.rows().get(0).system());
        assertEquals(1, fromFile.encodings().size(), "only the model queries are encoded");
        assertEquals(6, fromFile.encodings().get(0).encoded());

        EvaluateCommand.Report queriesOnly = run("--systems", "model", "--model", model.toString(), "--tokenizer",
                TinySparseModel.TOKENIZER, "--query-vectors", queriesFile.toString());
        assertSameMetrics(new EvaluateCommand.Report(encoded.rows().subList(0, 2), List.of(), List.of()),
                queriesOnly);
        assertEquals("model tiny.onnx (query vectors: queries.vectors) exact", queriesOnly.rows().get(0).system());
    }

    @Test
    void aSubsetUsesPartOfTheFiles() throws IOException, InterruptedException {
        EvaluateCommand.Report sub = run("--systems", "model", "--limit-docs", "4", "--limit-queries", "3",
                "--tokenizer", TinySparseModel.TOKENIZER, "--model", model.toString(), "--doc-vectors",
                docsFile.toString(), "--query-vectors", queriesFile.toString());
        assertEquals(4, sub.rows().get(0).docs());
        assertEquals(3, sub.rows().get(0).queries());
        assertTrue(hasNote(sub, "10 records, 4 used", "6 records are corpus documents outside the evaluated subset"),
                sub.notes().toString());
        assertTrue(hasNote(sub, "8 records, 3 used", "2 records are queries of other splits",
                "3 records are test queries outside the evaluated subset"), sub.notes().toString());
    }

    private IllegalArgumentException failure(String... args) {
        List<String> all = new ArrayList<>(List.of("--systems", "model,inference-free", "--model",
                model.toString(), "--tokenizer", TinySparseModel.TOKENIZER));
        all.addAll(Arrays.asList(args));
        return assertThrows(IllegalArgumentException.class, () -> run(all.toArray(new String[0])));
    }

    private Path write(String name, List<VectorsFile.Entry> entries) throws IOException {
        Path file = dir.resolve(name);
        VectorsFile.writeDocuments(file, entries);
        return file;
    }

    private static List<VectorsFile.Entry> without(List<VectorsFile.Entry> entries, String key) {
        List<VectorsFile.Entry> out = new ArrayList<>(entries);
        assertTrue(out.removeIf(e -> e.key().equals(key)), key);
        return out;
    }

    private static List<VectorsFile.Entry> with(List<VectorsFile.Entry> entries, String... keys) {
        List<VectorsFile.Entry> out = new ArrayList<>(entries);
        for (String key : keys) {
            out.add(new VectorsFile.Entry(key, new EncodedDocument("", "", null,
                    SparseVector.of(new int[] {1000}, new float[] {1f}))));
        }
        return out;
    }

    @Test
    void aDocumentWithoutARecordIsAnErrorNamingIt() throws IOException {
        Path file = write("missing.vectors", without(without(docEntries, "d:vim"), "d:git"));
        IllegalArgumentException e = failure("--doc-vectors", file.toString());
        assertTrue(e.getMessage().contains("--doc-vectors " + file), e.getMessage());
        assertTrue(e.getMessage().contains("no record for 2 of the 10 documents evaluated: d:git, d:vim"),
                e.getMessage());
    }

    @Test
    void aRecordNamingNoDocumentOfTheCorpusIsAnError() throws IOException {
        Path file = write("unknown.vectors", with(docEntries, "d:emacs"));
        IllegalArgumentException e = failure("--doc-vectors", file.toString());
        assertTrue(e.getMessage().contains("1 of its 11 records name no document of the corpus (10 documents): "
                + "d:emacs"), e.getMessage());
        // a subset still refuses ids outside the corpus, but not corpus documents outside the subset
        e = failure("--doc-vectors", file.toString(), "--limit-docs", "3");
        assertTrue(e.getMessage().contains("d:emacs"), e.getMessage());
    }

    @Test
    void bothProblemsAreReportedTogether() throws IOException {
        Path file = write("both.vectors", with(without(docEntries, "d:curl"), "d:emacs", "d:zsh"));
        IllegalArgumentException e = failure("--doc-vectors", file.toString());
        assertTrue(e.getMessage().contains("no record for 1 of the 10 documents evaluated: d:curl; 2 of its 11 "
                + "records name no document of the corpus (10 documents): d:emacs, d:zsh"), e.getMessage());
    }

    @Test
    void aQueryWithoutARecordIsAnErrorNamingIt() throws IOException {
        Path file = dir.resolve("q-missing.vectors");
        VectorsFile.writeVectors(file, without(queryEntries, "q:vim"));
        IllegalArgumentException e = failure("--doc-vectors", docsFile.toString(), "--query-vectors",
                file.toString());
        assertTrue(e.getMessage().contains("--query-vectors " + file), e.getMessage());
        assertTrue(e.getMessage().contains("no record for 1 of the 6 test queries evaluated: q:vim"),
                e.getMessage());
        // a query of another split missing is fine: the val file lacks nothing of val
        Path valOnly = dir.resolve("q-val.vectors");
        VectorsFile.writeVectors(valOnly, queryEntries.stream().filter(q -> q.key().equals("q:ffmpeg")
                || q.key().equals("q:nginx")).toList());
        e = failure("--query-vectors", valOnly.toString());
        assertTrue(e.getMessage().contains("no record for 6 of the 6 test queries evaluated"), e.getMessage());
    }

    @Test
    void aRecordNamingNoQueryIsAnError() throws IOException {
        Path file = write("q-unknown.vectors", with(queryEntries, "q:emacs"));
        IllegalArgumentException e = failure("--query-vectors", file.toString());
        assertTrue(e.getMessage().contains("1 of its 9 records name no query of queries.jsonl (10 queries): "
                + "q:emacs"), e.getMessage());
    }

    @Test
    void duplicateKeysAndMissingFilesAreErrors() throws IOException {
        List<VectorsFile.Entry> twice = new ArrayList<>(docEntries);
        twice.add(docEntries.get(0));
        Path file = write("dup.vectors", twice);
        IllegalArgumentException e = failure("--doc-vectors", file.toString());
        assertTrue(e.getMessage().contains("1 duplicate keys: " + docEntries.get(0).key()), e.getMessage());
        e = failure("--doc-vectors", dir.resolve("absent.vectors").toString());
        assertTrue(e.getMessage().contains("no such file"), e.getMessage());
    }

    @Test
    void optionsNeedASystemThatUsesThem() {
        EvaluateOptions o = EvaluateOptions.parse(new String[] {"--doc-vectors", "d.vectors", "--query-vectors",
                "q.vectors"});
        assertEquals(Path.of("d.vectors"), o.docVectors());
        assertEquals(Path.of("q.vectors"), o.queryVectors());
        assertFalse(o.needsModel());
        assertTrue(o.needsTokenizer(), "inference-free queries are tokenized here");
        assertFalse(EvaluateOptions.parse(new String[] {"--systems", "model", "--doc-vectors", "d",
                "--query-vectors", "q"}).needsTokenizer());
        assertTrue(EvaluateOptions.parse(new String[] {"--doc-vectors", "d"}).needsModel(), "model queries");
        assertFalse(EvaluateOptions.parse(new String[] {"--systems", "inference-free", "--doc-vectors", "d"})
                .needsModel());
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--systems", "bm25",
                "--doc-vectors", "d"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--systems",
                "bm25,inference-free", "--query-vectors", "q"}));
        assertThrows(IllegalArgumentException.class, () -> EvaluateOptions.parse(new String[] {"--doc-vectors",
                ""}));
        assertTrue(EvaluateOptions.USAGE.contains("--doc-vectors FILE") && EvaluateOptions.USAGE.contains(
                "--query-vectors FILE"));
    }
}
