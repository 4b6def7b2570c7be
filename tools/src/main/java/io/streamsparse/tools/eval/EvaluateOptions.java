package io.streamsparse.tools.eval;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.search.RankFusion;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.encoder.Bm25Parameters;
import io.streamsparse.tools.debian.DebianCorpusBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Options of the {@code evaluate} command, checked once here; errors are {@link IllegalArgumentException}s quoting
 * the bad value.
 *
 * @param corpus       folder with {@code docs.jsonl} and {@code queries.jsonl}; built there when absent
 * @param listsDir     apt lists used to build the corpus ({@code apt-get update} into it if empty)
 * @param splitDir     the split ({@code test_qids.txt}, {@code val_qids.txt}) used to build the corpus
 * @param split        {@code test} or {@code val}
 * @param systems      which systems run, in table order
 * @param analyzers    BM25 analyzers, one row each
 * @param model        ONNX model location for the model systems ({@code classpath:default} = the bundled model)
 * @param tokenizer    its {@code tokenizer.json}
 * @param docText      what the systems read of a document
 * @param cacheDir     where encoded vectors are cached, or null for no cache
 * @param threads      encoding and search threads (also the number of ONNX Runtime sessions)
 * @param intraOp      ONNX Runtime intra-op threads per session
 * @param batch        texts per model run
 * @param limitDocs    at most this many documents (0 = all); kept queries keep their document
 * @param limitQueries at most this many queries (0 = all)
 * @param seed         seed of the subset
 * @param knobs        approximate-search knobs of the approx rows (the engine's defaults unless given)
 * @param index        the sparse index's build config (the engine's defaults unless {@code --prune-lambda})
 * @param docVectors   a {@link io.streamsparse.core.vector.VectorsFile} of document vectors keyed by document id
 *                     to rank with instead of encoding the documents, or null
 * @param queryVectors a {@link io.streamsparse.core.vector.VectorsFile} of model query vectors keyed by query id
 *                     to rank with instead of encoding the queries, or null
 * @param fusions      the hybrid system's fusion settings, one pair of rows each
 * @param fusionDepth  results taken from each side of the hybrid system before fusing
 * @param bm25         the hybrid system's lexical document weighting
 * @param help         print the usage and stop
 */
record EvaluateOptions(Path corpus, Path listsDir, Path splitDir, String split, List<Retriever> systems,
        List<LuceneBm25.AnalyzerKind> analyzers, String model, String tokenizer, EvalSet.DocText docText,
        Path cacheDir, int threads, int intraOp, int batch, int limitDocs, int limitQueries, long seed,
        SearchKnobs knobs, IndexConfig index, Path docVectors, Path queryVectors, List<RankFusion.Settings> fusions,
        int fusionDepth, Bm25Parameters bm25, boolean help) {

    /** The systems the command can evaluate. */
    enum Retriever {
        /** Lucene BM25, one row per analyzer. */
        BM25("bm25"),
        /** Documents and queries through the model; exact and approximate rows. */
        MODEL("model"),
        /** Documents through the model, queries inference-free (IDF of the indexed documents); both rows. */
        INFERENCE_FREE("inference-free"),
        /** Model (learned) and lexical BM25 vectors in two indexes, rankings fused; needs the model system. */
        HYBRID("hybrid");

        final String optionName;

        Retriever(String optionName) {
            this.optionName = optionName;
        }

        static Retriever parse(String name) {
            for (Retriever s : values()) {
                if (s.optionName.equals(name)) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown system '" + name + "' (bm25, model, inference-free, "
                    + "hybrid)");
        }
    }

    static final Path DEFAULT_CORPUS = Path.of("target", "eval", "debian-corpus");
    static final Path DEFAULT_CACHE = Path.of("target", "eval", "cache");
    static final String DEFAULT_SYSTEMS = "bm25,model,inference-free";
    static final String DEFAULT_ANALYZERS = "standard,english";
    /**
     * Texts per model run. Smaller than the encoder's default 32 because a model with SPLADE pooling inside its graph
     * materializes {@code [batch, tokens, vocabulary]} logits per run, outside the encoder's cap on logits outputs:
     * at 32 x 256 tokens that is 1 GB per intermediate, and ONNX Runtime's arena kept growing to 11 GB with two
     * sessions here. Throughput per token barely depends on the batch at these sizes.
     */
    static final int DEFAULT_BATCH = 8;

    static final String USAGE = """
            usage: tools evaluate [options]
            Known-item retrieval on the Debian set (query = a package's synopsis, the one relevant document = its
            long description); one table row per system with MRR@10, R@10, R@100, nDCG@10 (markdown, on stdout).
              --corpus DIR          docs.jsonl + queries.jsonl, built here when absent
                                    (default target/eval/debian-corpus)
              --lists-dir DIR       apt lists to build the corpus from (default <corpus>/apt-lists; filled by
                                    apt-get update when it holds no Translation-en file)
              --split-dir DIR       the split for building the corpus (default data/debian-split)
              --split test|val      queries evaluated (default test; tune on val, never on test)
              --systems LIST        of bm25, model, inference-free, hybrid (default bm25,model,inference-free; the
                                    model systems are skipped with a note when no model is bundled and none is
                                    given; hybrid needs model: it fuses the model's ranking with a lexical one)
              --analyzers LIST      BM25 analyzers: standard, english (default standard,english)
              --model PATH          ONNX sparse model to evaluate instead of the bundled one (needs --tokenizer)
              --tokenizer PATH      its tokenizer.json
              --doc-text MODE       text (default: the long description) or title-text (title + ". " + text, as
                                    encoder-service does)
              --cache DIR|none      encoded vectors cache (default target/eval/cache); resumes an interrupted run
              --threads N           encoding/search threads = ONNX Runtime sessions (default: available processors)
              --intra-op N          ONNX Runtime intra-op threads per session (default 1)
              --batch N             texts per model run (default 8: a model with the pooling inside its graph
                                    holds [batch, tokens, 30522] floats per run, ~250 MB at 8 x 256 tokens)
              --limit-docs N        evaluate on at most N documents (kept queries keep their document)
              --limit-queries N     evaluate at most N queries
              --seed S              seed of the --limit subset (default 42)
              --query-cut N         approx rows: query terms whose lists are traversed (default: the engine's, 10)
              --heap-factor F       approx rows: block skip threshold factor (default: the engine's, 0.5)
              --prune-lambda N      sparse index: postings kept per inverted list, 0 = no static pruning
                                    (default: the engine's)
              --doc-vectors FILE    rank the model and inference-free systems with these precomputed document
                                    vectors instead of encoding the documents: a VectorsFile (sparse-core) keyed by
                                    document id, values SparseVectorCodec documents ('D') or bare vectors ('V');
                                    every evaluated document needs a record and every record must name a document
                                    of the corpus (else an error naming them); the rows say which file was used
              --query-vectors FILE  the model system's query vectors from this VectorsFile, keyed by query id
                                    (bare vectors 'V' or documents 'D'); every evaluated query of the split needs a
                                    record and every record must name a query of queries.jsonl. Inference-free
                                    queries are still computed here (tokenizer + df of the indexed documents). With
                                    both files the ONNX model is not opened (the tokenizer is, for inference-free)
              --fusion LIST         hybrid: fusion methods, of linear, rrf (default linear,rrf)
              --fusion-weights LIST hybrid: the lexical ranking's shares in [0, 1], one row pair per method and
                                    weight (default 0.2, RankFusion's default; sweep on val only)
              --rrf-k N             hybrid: RRF's rank offset (default 10)
              --fusion-depth N      hybrid: results taken from each side before fusing (default 100)
              --bm25-avgdl F        hybrid: the lexical vectors' constant average length in tokens (default 83)
            """;

    private static final Set<String> NAMES = Set.of("corpus", "lists-dir", "split-dir", "split", "systems",
            "analyzers", "model", "tokenizer", "doc-text", "cache", "threads", "intra-op", "batch", "limit-docs",
            "limit-queries", "seed", "query-cut", "heap-factor", "prune-lambda", "doc-vectors", "query-vectors",
            "fusion", "fusion-weights", "rrf-k", "fusion-depth", "bm25-avgdl");

    EvaluateOptions {
        systems = List.copyOf(systems);
        analyzers = List.copyOf(analyzers);
        if (!split.equals("test") && !split.equals("val")) {
            throw new IllegalArgumentException("--split must be test or val, was '" + split + "'");
        }
        if (threads < 1 || intraOp < 0 || batch < 1) {
            throw new IllegalArgumentException("--threads and --batch must be >= 1 and --intra-op >= 0, were "
                    + threads + ", " + batch + ", " + intraOp);
        }
        if (limitDocs < 0 || limitQueries < 0) {
            throw new IllegalArgumentException("--limit-docs and --limit-queries must be >= 0, were " + limitDocs
                    + ", " + limitQueries);
        }
        if (docVectors != null && !systems.contains(Retriever.MODEL) && !systems.contains(Retriever.INFERENCE_FREE)) {
            throw new IllegalArgumentException("--doc-vectors " + docVectors + " needs the model or inference-free "
                    + "system, but --systems is " + names(systems));
        }
        fusions = List.copyOf(fusions);
        if (systems.contains(Retriever.HYBRID) && !systems.contains(Retriever.MODEL)) {
            throw new IllegalArgumentException("the hybrid system fuses the model's ranking: --systems needs model "
                    + "too, but is " + names(systems));
        }
        if (fusionDepth < 1) {
            throw new IllegalArgumentException("--fusion-depth must be >= 1, was " + fusionDepth);
        }
        if (queryVectors != null && !systems.contains(Retriever.MODEL)) {
            throw new IllegalArgumentException("--query-vectors " + queryVectors + " needs the model system, but "
                    + "--systems is " + names(systems));
        }
    }

    /** True when the model location is the bundled default. */
    boolean defaultModel() {
        return model == null;
    }

    /** True when the sparse systems run on documents encoded in this run (no {@code --doc-vectors}). */
    boolean encodesDocuments() {
        return docVectors == null
                && (systems.contains(Retriever.MODEL) || systems.contains(Retriever.INFERENCE_FREE));
    }

    /** True when the model system's queries are encoded in this run (no {@code --query-vectors}). */
    boolean encodesQueries() {
        return queryVectors == null && systems.contains(Retriever.MODEL);
    }

    /** True when the ONNX model must be opened: something is encoded in this run. */
    boolean needsModel() {
        return encodesDocuments() || encodesQueries();
    }

    /** True when the tokenizer is read: for the model, or for the inference-free queries. */
    boolean needsTokenizer() {
        return needsModel() || systems.contains(Retriever.INFERENCE_FREE) || systems.contains(Retriever.HYBRID);
    }

    private static String names(List<Retriever> systems) {
        List<String> out = new ArrayList<>();
        for (Retriever r : systems) {
            out.add(r.optionName);
        }
        return String.join(",", out);
    }

    static EvaluateOptions parse(String[] args) {
        Map<String, String> v = new HashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument: " + arg);
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException("unknown option: --" + name);
            }
            String value;
            if (eq >= 0) {
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException("option --" + name + " needs a value");
            }
            if (v.put(name, value) != null) {
                throw new IllegalArgumentException("option --" + name + " given twice");
            }
        }
        Path corpus = Path.of(v.getOrDefault("corpus", DEFAULT_CORPUS.toString()));
        Path lists = v.containsKey("lists-dir") ? Path.of(v.get("lists-dir")) : corpus.resolve("apt-lists");
        Path splitDir = v.containsKey("split-dir") ? Path.of(v.get("split-dir"))
                : DebianCorpusBuilder.DEFAULT_SPLIT_DIR;
        List<Retriever> systems = new ArrayList<>();
        for (String s : list(v.getOrDefault("systems", DEFAULT_SYSTEMS), "--systems")) {
            systems.add(Retriever.parse(s));
        }
        List<LuceneBm25.AnalyzerKind> analyzers = new ArrayList<>();
        for (String a : list(v.getOrDefault("analyzers", DEFAULT_ANALYZERS), "--analyzers")) {
            analyzers.add(LuceneBm25.AnalyzerKind.parse(a));
        }
        String model = v.get("model");
        String tokenizer = v.get("tokenizer");
        if ((model == null) != (tokenizer == null)) {
            throw new IllegalArgumentException("--model and --tokenizer go together, got "
                    + (model == null ? "--tokenizer " + tokenizer : "--model " + model) + " alone");
        }
        String cache = v.getOrDefault("cache", DEFAULT_CACHE.toString());
        return new EvaluateOptions(corpus, lists, splitDir, v.getOrDefault("split", "test"), systems, analyzers,
                model, tokenizer, EvalSet.DocText.parse(v.getOrDefault("doc-text", "text")),
                cache.equals("none") ? null : Path.of(cache),
                (int) number(v, "threads", Runtime.getRuntime().availableProcessors()),
                (int) number(v, "intra-op", 1), (int) number(v, "batch", DEFAULT_BATCH),
                (int) number(v, "limit-docs", 0), (int) number(v, "limit-queries", 0), number(v, "seed", 42),
                knobs(v), v.containsKey("prune-lambda")
                        ? IndexConfig.defaults().withPruneLambda((int) number(v, "prune-lambda", 0))
                        : IndexConfig.defaults(), path(v, "doc-vectors"), path(v, "query-vectors"), fusions(v),
                (int) number(v, "fusion-depth", EvaluateCommand.DEPTH),
                new Bm25Parameters(Bm25Parameters.DEFAULTS.k1(), Bm25Parameters.DEFAULTS.b(),
                        decimal(v, "bm25-avgdl", Bm25Parameters.DEFAULTS.avgdl())), help);
    }

    /** Every method of {@code --fusion} with every weight of {@code --fusion-weights}, methods first. */
    private static List<RankFusion.Settings> fusions(Map<String, String> v) {
        RankFusion.Settings base = RankFusion.Settings.DEFAULT.withRrfK((int) number(v, "rrf-k", 10));
        List<RankFusion.Settings> out = new ArrayList<>();
        for (String method : list(v.getOrDefault("fusion", "linear,rrf"), "--fusion")) {
            RankFusion.Method m = RankFusion.Method.parse(method);
            if (m == RankFusion.Method.NONE) {
                throw new IllegalArgumentException("--fusion none is the model row itself; name linear or rrf");
            }
            for (String w : list(v.getOrDefault("fusion-weights",
                    Float.toString(RankFusion.Settings.DEFAULT.lexicalWeight())), "--fusion-weights")) {
                out.add(base.withMethod(m).withLexicalWeight(decimal(w, "fusion-weights")));
            }
        }
        return out;
    }

    private static float decimal(Map<String, String> v, String name, float fallback) {
        String raw = v.get(name);
        return raw == null ? fallback : decimal(raw, name);
    }

    private static float decimal(String raw, String name) {
        try {
            return Float.parseFloat(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, got " + raw);
        }
    }

    /** True when {@code --systems} was left at its default (so missing models skip instead of failing). */
    static boolean systemsDefaulted(String[] args) {
        for (String a : args) {
            if (a.equals("--systems") || a.startsWith("--systems=")) {
                return false;
            }
        }
        return true;
    }

    private static Path path(Map<String, String> v, String name) {
        String raw = v.get(name);
        if (raw == null) {
            return null;
        }
        if (raw.isBlank()) {
            throw new IllegalArgumentException("--" + name + " needs a file, got '" + raw + "'");
        }
        return Path.of(raw);
    }

    private static SearchKnobs knobs(Map<String, String> v) {
        SearchKnobs k = SearchKnobs.defaults();
        if (v.containsKey("query-cut")) {
            k = k.withQueryCut((int) number(v, "query-cut", 0));
        }
        String heap = v.get("heap-factor");
        if (heap != null) {
            try {
                k = k.withHeapFactor(Float.parseFloat(heap));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--heap-factor must be a number, got " + heap);
            }
        }
        return k;
    }

    private static List<String> list(String raw, String option) {
        Set<String> out = new LinkedHashSet<>();
        for (String part : raw.split(",")) {
            String p = part.strip();
            if (!p.isEmpty() && !out.add(p)) {
                throw new IllegalArgumentException(option + " names " + p + " twice");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(option + " must name at least one, was '" + raw + "'");
        }
        return new ArrayList<>(out);
    }

    private static long number(Map<String, String> v, String name, long fallback) {
        String raw = v.get(name);
        if (raw == null) {
            return fallback;
        }
        try {
            long value = Long.parseLong(raw.replace("_", ""));
            if (!name.equals("seed") && (value < 0 || value > Integer.MAX_VALUE)) {
                throw new IllegalArgumentException("--" + name + " must be in [0, " + Integer.MAX_VALUE + "], got "
                        + raw);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a whole number, got " + raw);
        }
    }
}
