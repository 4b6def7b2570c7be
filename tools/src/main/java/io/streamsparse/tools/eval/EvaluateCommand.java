package io.streamsparse.tools.eval;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.SparseVectorCodec;
import io.streamsparse.encoder.DocumentFrequencies;
import io.streamsparse.encoder.EncoderConfig;
import io.streamsparse.encoder.InferenceFreeQueryEncoder;
import io.streamsparse.encoder.ModelResources;
import io.streamsparse.encoder.OnnxSparseEncoder;
import io.streamsparse.encoder.SparseEncoder;
import io.streamsparse.tools.debian.DebianCorpusBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code tools evaluate}: known-item retrieval quality on the Debian set (docs/ARCHITECTURE.md, "Evaluation data
 * and split") for BM25 and for sparse models, one markdown table row per system on stdout, notes and progress on
 * stderr.
 *
 * <p>Systems, all over the same documents and the queries of one split:
 * <ul>
 *   <li><b>bm25</b>: Lucene 9.12 {@link LuceneBm25}, k1 {@value LuceneBm25#K1}, b {@value LuceneBm25#B}, top 100,
 *       one row per analyzer.</li>
 *   <li><b>model</b>: documents through the document encoder ({@link EncoderConfig#documentDefaults()}: 256
 *       tokens, top 256 terms, weight &ge; 0.01), queries through the same model
 *       ({@link EncoderConfig#queryDefaults()}: 64 tokens, 64 terms); one sparse-core shard; an exact top-100 row
 *       and an approximate top-10 row at default knobs with its recall@10 against the exact top-10.</li>
 *   <li><b>inference-free</b>: the same document vectors, queries by {@link InferenceFreeQueryEncoder} with the
 *       IDF of the indexed documents' df (the shard's exact counts); exact and approximate rows.</li>
 *   <li><b>hybrid</b> ({@link HybridEvaluation}): lexical BM25 vectors in a second index, their rows, and the
 *       model's ranking fused with the lexical one, exact and as served.</li>
 * </ul>
 * Encoded vectors are cached ({@link VectorCache}) under a key that hashes the model and tokenizer bytes, the
 * encoder settings, the document text mode and the corpus file, so reruns, subsets and resumed runs reuse them.
 *
 * <p><b>Precomputed vectors</b> ({@link PrecomputedVectors}): {@code --doc-vectors FILE} takes the model and
 * inference-free systems' document vectors from a {@link io.streamsparse.core.vector.VectorsFile} keyed by document
 * id (e.g. the same model run through ONNX Runtime on another host, {@code training/export_vectors.py} then
 * {@code ImportTermWeights}) instead of encoding the documents; {@code --query-vectors FILE} takes the model
 * system's query vectors from one keyed by query id. Matching is by id and total: an evaluated document or query
 * without a record, or a record naming no document (query) of the corpus, is an error naming the ids and their
 * count. Inference-free queries are always computed here from the tokenizer and the df of the indexed document
 * vectors. The ONNX model is opened only when something is still encoded; the tokenizer only when something is
 * encoded or inference-free runs. Rows over file vectors carry the file names ({@code model (doc vectors: F,
 * query vectors: G) exact}, {@code inference-free (doc vectors: F) exact}) and a note per file gives its path,
 * sha256 prefix and record counts and says that its vectors were not produced by the Java encoder in this run;
 * such vectors bypass the cache.
 */
public final class EvaluateCommand {

    /** Results kept per query for the exact runs (R@100). */
    static final int DEPTH = 100;
    /** Results of the approximate runs: the served k. */
    static final int APPROXIMATE_K = 10;

    /** What a run produced: the table rows and the notes that explain them. */
    record Report(List<ResultRow> rows, List<String> notes, List<ParallelEncoding.Stats> encodings) {
        Report {
            rows = List.copyOf(rows);
            notes = List.copyOf(notes);
            encodings = List.copyOf(encodings);
        }

        String markdown() {
            StringBuilder sb = new StringBuilder(ResultRow.table(rows)).append('\n');
            for (String n : notes) {
                sb.append("- ").append(n).append('\n');
            }
            return sb.toString();
        }
    }

    private EvaluateCommand() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        EvaluateOptions options;
        try {
            options = EvaluateOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("evaluate: " + e.getMessage());
            System.err.print(EvaluateOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(EvaluateOptions.USAGE);
            return;
        }
        try {
            Report report = run(options, EvaluateOptions.systemsDefaulted(args), System.err);
            System.out.print(report.markdown());
        } catch (IllegalArgumentException e) {
            System.err.println("evaluate: " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Runs the evaluation.
     *
     * @param skipMissingModel when the model systems cannot run because no model is bundled and none is given,
     *                         skip them with a note (true) or fail (false)
     */
    static Report run(EvaluateOptions o, boolean skipMissingModel, PrintStream log)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path corpusDir = ensureCorpus(o, log);
        EvalSet full = EvalSet.load(corpusDir, o.split());
        EvalSet set = full.subset(o.limitDocs(), o.limitQueries(), o.seed());
        log.printf(Locale.ROOT, "evaluating %s (corpus %s: %d docs, %d %s queries)%n", set, corpusDir,
                full.docs().size(), full.queries().size(), o.split());
        List<ResultRow> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<ParallelEncoding.Stats> encodings = new ArrayList<>();
        notes.add(String.format(Locale.ROOT, "corpus %s: %d documents, %d %s queries%s", corpusDir,
                full.docs().size(), full.queries().size(), o.split(),
                set == full ? "" : String.format(Locale.ROOT, "; evaluated subset (seed %d): %d documents, %d "
                        + "queries", o.seed(), set.docs().size(), set.queries().size())));
        notes.add("documents are read as " + (o.docText() == EvalSet.DocText.TEXT
                ? "the long description only" : "title + \". \" + long description")
                + (o.docVectors() == null ? "" : " (by the systems that read text; the sparse systems' document "
                        + "vectors come from --doc-vectors)"));
        List<String> docTexts = set.docTexts(o.docText());
        List<String> queryTexts = set.queryTexts();
        // precomputed vectors are read and matched first, so that a wrong file fails before any long step
        PrecomputedVectors docFile = null;
        PrecomputedVectors queryFile = null;
        if (o.docVectors() != null) {
            docFile = PrecomputedVectors.documents(o.docVectors(), full, set);
            log.printf(Locale.ROOT, "document vectors: %d of %d records of %s match the evaluated documents%n",
                    docFile.vectors().length, docFile.records(), docFile.file());
        }
        if (o.queryVectors() != null) {
            queryFile = PrecomputedVectors.queries(o.queryVectors(), EvalSet.querySplits(corpusDir), set);
            log.printf(Locale.ROOT, "query vectors: %d of %d records of %s match the evaluated queries%n",
                    queryFile.vectors().length, queryFile.records(), queryFile.file());
        }

        if (o.systems().contains(EvaluateOptions.Retriever.BM25)) {
            for (LuceneBm25.AnalyzerKind kind : o.analyzers()) {
                rows.add(bm25(set, docTexts, queryTexts, kind, o.threads(), log));
                notes.add("bm25 " + kind.optionName + ": Lucene 9.12 BM25Similarity(k1=" + LuceneBm25.K1 + ", b="
                        + LuceneBm25.B + "), " + kind.description + "; query = one SHOULD term clause per token");
            }
        }
        boolean wantModel = o.systems().contains(EvaluateOptions.Retriever.MODEL)
                || o.systems().contains(EvaluateOptions.Retriever.INFERENCE_FREE);
        if (wantModel && o.defaultModel() && !defaultResourcesAvailable(o)) {
            if (!skipMissingModel) {
                throw new IllegalArgumentException("no default model is bundled in encoder-core yet; give --model "
                        + "and --tokenizer, or leave the model systems out of --systems");
            }
            notes.add("model and inference-free rows skipped: no default model is bundled in encoder-core yet "
                    + "(give --model/--tokenizer to evaluate an export)");
            wantModel = false;
        }
        if (wantModel) {
            sparseSystems(o, corpusDir, full, set, docTexts, queryTexts, docFile, queryFile, rows, notes,
                    encodings, log);
        }
        log.printf(Locale.ROOT, "evaluation took %s%n", ParallelEncoding.duration((System.nanoTime() - t0) / 1e9));
        return new Report(rows, notes, encodings);
    }

    /** True when the bundled model and tokenizer are there as far as this run needs them. */
    private static boolean defaultResourcesAvailable(EvaluateOptions o) {
        if (o.needsModel()) {
            return ModelResources.defaultModelAvailable();
        }
        return !o.needsTokenizer()
                || ModelResources.class.getResource(ModelResources.DEFAULT_TOKENIZER_RESOURCE) != null;
    }

    /** The corpus folder, built with {@link DebianCorpusBuilder} when it lacks the two files. */
    static Path ensureCorpus(EvaluateOptions o, PrintStream log) throws IOException, InterruptedException {
        Path dir = o.corpus();
        if (Files.isRegularFile(dir.resolve("docs.jsonl")) && Files.isRegularFile(dir.resolve("queries.jsonl"))) {
            return dir;
        }
        log.println("building the Debian corpus into " + dir + " from the apt lists in " + o.listsDir());
        DebianCorpusBuilder.Counts counts = DebianCorpusBuilder.build(o.listsDir(), o.splitDir(), dir);
        log.println("built: " + counts);
        if (counts.splitQidsMissing() > 0) {
            log.println("warning: " + counts.splitQidsMissing() + " query ids of the split name no query of these "
                    + "lists (the lists differ from the ones the split was made from)");
        }
        return dir;
    }

    private static ResultRow bm25(EvalSet set, List<String> docTexts, List<String> queryTexts,
            LuceneBm25.AnalyzerKind kind, int threads, PrintStream log) throws InterruptedException {
        long t0 = System.nanoTime();
        try (LuceneBm25 bm25 = LuceneBm25.index(docTexts, kind, LuceneBm25.K1, LuceneBm25.B)) {
            double indexSeconds = (System.nanoTime() - t0) / 1e9;
            int[] ranks = new int[queryTexts.size()];
            long t1 = System.nanoTime();
            parallelFor(queryTexts.size(), threads, q -> {
                int[] out = new int[DEPTH];
                int n = bm25.search(queryTexts.get(q), DEPTH, out);
                ranks[q] = RankMetrics.rankOf(out, n, set.queries().get(q).doc());
            });
            double searchSeconds = (System.nanoTime() - t1) / 1e9;
            RankMetrics m = metrics(ranks, DEPTH);
            log.printf(Locale.ROOT, "bm25 %s: MRR@10 %.4f (index %.1fs, search %.1fs)%n", kind.optionName,
                    m.mrrAt(10), indexSeconds, searchSeconds);
            return ResultRow.of("bm25 " + kind.optionName, set.split(), set.docs().size(), m, Double.NaN,
                    Double.NaN, Double.NaN, indexSeconds, searchSeconds);
        }
    }

    private static void sparseSystems(EvaluateOptions o, Path corpusDir, EvalSet full, EvalSet set,
            List<String> docTexts, List<String> queryTexts, PrecomputedVectors docFile, PrecomputedVectors queryFile,
            List<ResultRow> rows, List<String> notes, List<ParallelEncoding.Stats> encodings, PrintStream log)
            throws IOException, InterruptedException {
        String modelLoc = o.defaultModel() ? EncoderConfig.DEFAULT_LOCATION : o.model();
        String tokenizerLoc = o.defaultModel() ? EncoderConfig.DEFAULT_LOCATION : o.tokenizer();
        EncoderConfig docConfig = EncoderConfig.documentDefaults().withModel(modelLoc, tokenizerLoc)
                .withThreads(o.intraOp(), o.threads()).withMaxBatchSize(o.batch());
        EncoderConfig queryConfig = EncoderConfig.queryDefaults().withModel(modelLoc, tokenizerLoc)
                .withThreads(o.intraOp(), o.threads()).withMaxBatchSize(o.batch());
        // the model's bytes are read (and the model opened) only when something is encoded in this run
        String modelSha = o.needsModel() ? sha256(ModelResources.readModel(docConfig)) : null;
        String tokenizerSha = o.needsTokenizer() ? sha256(ModelResources.readTokenizer(docConfig)) : null;
        String modelName = o.defaultModel() ? "model" : "model " + Path.of(o.model()).getFileName();
        if (o.needsModel()) {
            List<String> settings = new ArrayList<>();
            if (o.encodesDocuments()) {
                settings.add(String.format(Locale.ROOT, "documents %d tokens, top %d terms, weight >= %s",
                        docConfig.maxLength(), docConfig.maxTerms(), docConfig.minWeight()));
            }
            if (o.encodesQueries()) {
                settings.add(String.format(Locale.ROOT, "queries %d tokens, top %d terms", queryConfig.maxLength(),
                        queryConfig.maxTerms()));
            }
            notes.add(String.format(Locale.ROOT, "%s: %s (sha256 %s), tokenizer %s (sha256 %s); encoded in this "
                            + "run: %s", modelName, modelLoc, modelSha.substring(0, 12), tokenizerLoc,
                    tokenizerSha.substring(0, 12), String.join("; ", settings)));
        } else {
            notes.add("ONNX model not opened: every model vector of this run comes from a file"
                    + (o.needsTokenizer() ? String.format(Locale.ROOT, "; tokenizer %s (sha256 %s) for the "
                    + "inference-free queries", tokenizerLoc, tokenizerSha.substring(0, 12)) : ""));
        }
        if (o.model() != null && !o.needsModel()) {
            notes.add("--model " + o.model() + " was given but not used");
        }
        String docSource = docFile == null ? null : "doc vectors: " + docFile.file().getFileName();
        String querySource = queryFile == null ? null : "query vectors: " + queryFile.file().getFileName();

        // documents
        SparseVector[] docVectors;
        if (docFile != null) {
            docVectors = docFile.vectors();
            notes.add(docFile.note("document vectors"));
        } else {
            List<String> docIds = set.docIds();
            String docKey = cacheKey("docs", modelSha, tokenizerSha, docConfig, o.docText().optionName(),
                    sha256(corpusDir.resolve("docs.jsonl")));
            docVectors = new SparseVector[docIds.size()];
            ParallelEncoding.Stats docStats = encodeCached(o, docConfig, "docs", docKey, docIds, docTexts,
                    (i, v) -> {
                        EvalSet.Doc d = set.docs().get(i);
                        return SparseVectorCodec.encode(new EncodedDocument(d.title(), "", d.fields(), v));
                    }, docVectors, full.docs().size(), modelLoc, modelSha, tokenizerSha, log);
            encodings.add(docStats);
            notes.add(encodingNote("documents", docStats));
        }

        long t0 = System.nanoTime();
        SparseRetrieval retrieval = SparseRetrieval.build(set.docs(), docVectors, o.index());
        double indexSeconds = (System.nanoTime() - t0) / 1e9;
        double nnzDoc = SparseRetrieval.averageNnz(docVectors);
        log.printf(Locale.ROOT, "indexed %d document vectors (%.1f non-zeros each) in %.1fs%n", docVectors.length,
                nnzDoc, indexSeconds);

        SparseVector[] modelQueries = null;
        if (o.systems().contains(EvaluateOptions.Retriever.MODEL)) {
            SparseVector[] queryVectors;
            if (queryFile != null) {
                queryVectors = queryFile.vectors();
                notes.add(queryFile.note("model query vectors"));
            } else {
                List<String> qids = set.queryIds();
                String queryKey = cacheKey("queries", modelSha, tokenizerSha, queryConfig, "-",
                        sha256(corpusDir.resolve("queries.jsonl")));
                queryVectors = new SparseVector[qids.size()];
                ParallelEncoding.Stats qStats = encodeCached(o, queryConfig, "queries", queryKey, qids, queryTexts,
                        (i, v) -> SparseVectorCodec.encode(v), queryVectors, -1, modelLoc, modelSha, tokenizerSha,
                        log);
                encodings.add(qStats);
                notes.add(encodingNote("model queries", qStats));
            }
            String base = o.needsModel() ? modelName : "model";
            sparseRows(withSources(base, docSource, querySource), set, retrieval, queryVectors, nnzDoc,
                    indexSeconds, o, rows, log);
            modelQueries = queryVectors;
        }
        if (o.systems().contains(EvaluateOptions.Retriever.HYBRID)) {
            HybridEvaluation.run(o, set, docTexts, queryTexts, retrieval, modelQueries, docConfig, queryConfig, rows,
                    notes, log);
        }
        if (o.systems().contains(EvaluateOptions.Retriever.INFERENCE_FREE)) {
            DocumentFrequencies df = new DocumentFrequencies() {
                @Override
                public long documentCount() {
                    return retrieval.index().liveDocuments();
                }

                @Override
                public int documentFrequency(int termId) {
                    return retrieval.index().documentFrequency(termId);
                }
            };
            SparseVector[] queryVectors;
            long t1 = System.nanoTime();
            try (InferenceFreeQueryEncoder encoder = InferenceFreeQueryEncoder.open(queryConfig, df, false)) {
                queryVectors = encoder.encode(queryTexts).toArray(new SparseVector[0]);
            }
            log.printf(Locale.ROOT, "inference-free queries encoded in %.1fs%n", (System.nanoTime() - t1) / 1e9);
            notes.add("inference-free: query token ids weighted by idf = ln(1 + (N - df + 0.5)/(df + 0.5)) with N and"
                    + " df of the indexed document vectors; not weighted by count; 64 tokens, top 64 terms");
            sparseRows(withSources("inference-free", docSource, null), set, retrieval, queryVectors, nnzDoc,
                    indexSeconds, o, rows, log);
        }
        IndexConfig ic = retrieval.index().config();
        notes.add(String.format(Locale.ROOT, "approx rows: sparse-core APPROXIMATE mode, k = %d, query_cut %d, "
                        + "heap_factor %s%s; index: block size %d, prune lambda %d, summary alpha %s, summary terms "
                        + "%d, %s weights; R@10 vs exact = mean |approx top-10 ∩ exact top-10| / |exact top-10|; "
                        + "exact rows: EXACT mode, top %d", APPROXIMATE_K, o.knobs().queryCut(), o.knobs().heapFactor(),
                o.knobs().equals(SearchKnobs.defaults()) ? " (engine defaults)" : "", ic.blockSize(),
                ic.pruneLambda(), ic.summaryAlpha(), ic.summaryMaxTerms(), ic.quantization(), DEPTH));
    }

    /** {@code name (source, source)} for the sources that are not null, or {@code name}. */
    static String withSources(String name, String... sources) {
        List<String> given = new ArrayList<>();
        for (String src : sources) {
            if (src != null) {
                given.add(src);
            }
        }
        return given.isEmpty() ? name : name + " (" + String.join(", ", given) + ")";
    }

    private static void sparseRows(String name, EvalSet set, SparseRetrieval retrieval, SparseVector[] queries,
            double nnzDoc, double indexSeconds, EvaluateOptions o, List<ResultRow> rows, PrintStream log)
            throws InterruptedException {
        int n = queries.length;
        int threads = o.threads();
        int[] exactRanks = new int[n];
        int[][] exactTop = new int[n][];
        long t0 = System.nanoTime();
        parallelFor(n, threads, q -> {
            int[] out = new int[DEPTH];
            int hits = retrieval.search(SearchRequest.exact(queries[q], DEPTH), out);
            exactRanks[q] = RankMetrics.rankOf(out, hits, set.queries().get(q).doc());
            exactTop[q] = Arrays.copyOf(out, Math.min(hits, APPROXIMATE_K));
        });
        double exactSeconds = (System.nanoTime() - t0) / 1e9;
        int[] approxRanks = new int[n];
        double[] overlap = new double[n];
        long t1 = System.nanoTime();
        parallelFor(n, threads, q -> {
            int[] out = new int[APPROXIMATE_K];
            int hits = retrieval.search(SearchRequest.approximate(queries[q], APPROXIMATE_K).withKnobs(o.knobs()),
                    out);
            approxRanks[q] = RankMetrics.rankOf(out, hits, set.queries().get(q).doc());
            overlap[q] = RankMetrics.overlap(out, hits, exactTop[q], exactTop[q].length);
        });
        double approxSeconds = (System.nanoTime() - t1) / 1e9;
        double nnzQuery = SparseRetrieval.averageNnz(queries);
        double meanOverlap = 0;
        for (double v : overlap) {
            meanOverlap += v;
        }
        meanOverlap = n == 0 ? Double.NaN : meanOverlap / n;
        RankMetrics exact = metrics(exactRanks, DEPTH);
        RankMetrics approx = metrics(approxRanks, APPROXIMATE_K);
        rows.add(ResultRow.of(name + " exact", set.split(), set.docs().size(), exact, nnzDoc, nnzQuery, Double.NaN,
                indexSeconds, exactSeconds));
        rows.add(ResultRow.of(name + " approx", set.split(), set.docs().size(), approx, nnzDoc, nnzQuery,
                meanOverlap, indexSeconds, approxSeconds));
        log.printf(Locale.ROOT, "%s: exact MRR@10 %.4f, approx MRR@10 %.4f, approx recall@10 vs exact %.4f%n", name,
                exact.mrrAt(10), approx.mrrAt(10), meanOverlap);
    }

    /**
     * Encodes (or takes from the cache) the vectors of {@code texts}; the encoder is opened only when something is
     * missing. {@code corpusSize} is the number of records a complete cache holds (-1: unknown), noted in the
     * cache's description file.
     */
    private static ParallelEncoding.Stats encodeCached(EvaluateOptions o, EncoderConfig config, String role,
            String key, List<String> ids, List<String> texts, ParallelEncoding.RecordValue value, SparseVector[] out,
            int corpusSize, String modelLoc, String modelSha, String tokenizerSha, PrintStream log)
            throws IOException, InterruptedException {
        VectorCache cache = null;
        if (o.cacheDir() != null) {
            cache = VectorCache.open(o.cacheDir().resolve(role + "-" + key + ".vectors"));
            log.printf(Locale.ROOT, "cache %s: %d records%s%n", cache.file(), cache.size(),
                    cache.droppedTailBytes() > 0 ? " (cut off an incomplete tail of " + cache.droppedTailBytes()
                            + " bytes)" : "");
        }
        try {
            ParallelEncoding.Stats stats = ParallelEncoding.encode(() -> OnnxSparseEncoder.open(config), ids, texts,
                    cache, value, out, o.threads(), ParallelEncoding.DEFAULT_CHUNK, log, role,
                    ParallelEncoding.DEFAULT_PROGRESS_NANOS);
            if (cache != null) {
                writeDescription(cache, role, key, config, o, modelLoc, modelSha, tokenizerSha, corpusSize);
            }
            return stats;
        } finally {
            if (cache != null) {
                cache.close();
            }
        }
    }

    private static String encodingNote(String what, ParallelEncoding.Stats s) {
        return String.format(Locale.ROOT, "%s: %d vectors, %d from the cache, %d encoded in %s (%.1f texts/s), %d "
                        + "truncated", what, s.total(), s.fromCache(), s.encoded(),
                ParallelEncoding.duration(s.seconds()), s.encoded() == 0 ? 0.0 : s.textsPerSecond(), s.truncated());
    }

    /** Hex SHA-256 prefix naming a cache file: what the vectors depend on. */
    static String cacheKey(String role, String modelSha, String tokenizerSha, EncoderConfig c, String docText,
            String corpusSha) {
        String descriptor = "streamsparse-eval-cache/1\nrole=" + role + "\nmodel=" + modelSha + "\ntokenizer="
                + tokenizerSha + "\nmax_length=" + c.maxLength() + "\nmax_terms=" + c.maxTerms() + "\nmin_weight="
                + Float.floatToIntBits(c.minWeight()) + "\ndoc_text=" + docText + "\ncorpus=" + corpusSha + "\n";
        return sha256(descriptor.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    private static void writeDescription(VectorCache cache, String role, String key, EncoderConfig c,
            EvaluateOptions o, String modelLoc, String modelSha, String tokenizerSha, int corpusSize)
            throws IOException {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode n = json.createObjectNode();
        n.put("file", cache.file().getFileName().toString());
        n.put("format", "sparse-core VectorsFile framing: int32 BE key length, UTF-8 key, int32 BE value length, "
                + "SparseVectorCodec value ('D' document or 'V' bare vector)");
        n.put("role", role);
        n.put("key", key);
        n.put("model", modelLoc);
        n.put("model_sha256", modelSha);
        n.put("tokenizer_sha256", tokenizerSha);
        n.put("max_length", c.maxLength());
        n.put("max_terms", c.maxTerms());
        n.put("min_weight", c.minWeight());
        if (role.equals("docs")) {
            n.put("doc_text", o.docText().optionName());
        }
        n.put("corpus", o.corpus().toString());
        n.put("records", cache.size());
        if (corpusSize >= 0) {
            n.put("corpus_records", corpusSize);
            n.put("complete", cache.size() == corpusSize);
        }
        Path file = cache.file().resolveSibling(role + "-" + key + ".json");
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(n) + "\n",
                StandardCharsets.UTF_8);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    private static RankMetrics metrics(int[] ranks, int depth) {
        RankMetrics m = new RankMetrics(depth);
        for (int r : ranks) {
            m.add(r);
        }
        return m;
    }

    /** Runs {@code body} for {@code 0..n-1} on {@code threads} threads, in chunks; rethrows the first failure. */
    static void parallelFor(int n, int threads, IntConsumer body) throws InterruptedException {
        if (threads <= 1 || n < 2) {
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int chunk = Math.max(1, Math.min(256, n / (threads * 8)));
            List<Future<?>> futures = new ArrayList<>();
            for (int from = 0; from < n; from += chunk) {
                int lo = from;
                int hi = Math.min(n, from + chunk);
                futures.add(pool.submit(() -> {
                    for (int i = lo; i < hi; i++) {
                        body.accept(i);
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
