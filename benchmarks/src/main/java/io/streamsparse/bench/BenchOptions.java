package io.streamsparse.bench;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.vector.VectorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line options of {@link IndexBenchmark}, checked once here ({@link IllegalArgumentException} with the bad
 * value). Defaults are the documented 100k-doc run; {@code --docs 1000000} is the size.
 *
 * @param docs            corpus size (documents upserted before compaction)
 * @param queries         number of distinct queries
 * @param k               hits per query (recall is recall@k)
 * @param seed            seed of the synthetic data and of every random choice of the run
 * @param knobs           knobs of the approximate search at the reported operating point
 * @param curve           (queryCut, heapFactor) settings of the recall/latency curve; empty skips the curve
 * @param config          engine build configuration
 * @param warmupSeconds   minimum warm-up before each timed phase (at least one pass over the queries always runs)
 * @param passes          timed passes over the queries for the one-thread latency percentiles
 * @param measureSeconds  duration of the two-thread throughput phase
 * @param updateSeconds   duration of the update phase (upserts on one thread while another queries)
 * @param updateOps       cap on upserts in the update phase
 * @param updatePool      distinct update vectors prepared (reused cyclically)
 * @param newFraction     share of update-phase upserts that add a new id (the rest re-upsert an existing id)
 * @param recheckQueries  queries whose recall is re-measured after the update phase and after compaction
 * @param floatCheck      queries checked against a brute force over the unquantized float vectors
 * @param lucene          whether to run the Lucene baseline
 * @param exactThreads    threads that compute the exact ground truth
 * @param luceneQueries   queries timed on Lucene (the first ones; Lucene is slow, and p50 needs no more)
 * @param maintainEvery   upserts between {@code maintain()} calls of the update-phase writer (deferred re-blocking)
 * @param vectors         a {@link VectorsFile} of documents to use instead of synthetic data, or null
 * @param queryVectors    a {@link VectorsFile} of queries (with {@code vectors}), or null to derive them
 * @param data            the data set's name in the RESULT line: {@value #SYNTHETIC} without {@code vectors}, else
 *                        {@code --data} or the vectors file's name up to its first dot
 */
public record BenchOptions(int docs, int queries, int k, long seed, SearchKnobs knobs, List<SearchKnobs> curve,
                           IndexConfig config, double warmupSeconds, int passes, double measureSeconds,
                           double updateSeconds, long updateOps, int updatePool, double newFraction,
                           int recheckQueries, int floatCheck, boolean lucene, int exactThreads, int maintainEvery,
                           int luceneQueries, Path vectors, Path queryVectors, String data) {

    /** The {@code data=} value of a run on the engine's synthetic generator. */
    public static final String SYNTHETIC = "synthetic";

    public static final String DEFAULT_CURVE = "5:1.0,5:0.9,10:1.0,10:0.9,10:0.8,15:0.9,15:0.8,20:0.8,20:0.7,30:0.6";

    public static final String USAGE = """
            usage: java -Xmx12g -jar benchmarks/target/benchmarks.jar [options]
              --docs N              corpus size (default 100000)
              --queries N           distinct queries (default 1000)
              --k N                 top-k (default 10)
              --seed N              seed of data and of every random choice (default 42)
              --query-cut N         approximate knob at the reported point (default: engine default)
              --heap-factor F       approximate knob at the reported point (default: engine default)
              --curve LIST          recall/latency curve, queryCut:heapFactor pairs, comma-separated;
                                    'none' skips it (default %s)
              --block-size N        engine build knob (default: engine default)
              --prune-lambda N      engine build knob, 0 = no static pruning (default: engine default)
              --summary-alpha F     engine build knob (default: engine default)
              --summary-max-terms N engine build knob (default: engine default)
              --clustering-terms N  engine build knob (default: engine default)
              --reblock MODE        inline | deferred | background: when and where drifted lists are re-blocked
                                    (default: engine default)
              --maintain-every N    in deferred mode, the update-phase writer calls maintain() after every N
                                    upserts, as a service does between polls; the time counts (default 1000)
              --warmup-seconds S    warm-up before each timed phase; the update phase warms up with its
                                    own mix and the reader running (default 5)
              --passes N            timed passes for p50/p99 on one thread (default 3)
              --measure-seconds S   two-thread QPS phase (default 10)
              --update-seconds S    upserts while one thread queries (default 15)
              --update-ops N        cap on update-phase upserts (default 2 x docs)
              --update-pool N       distinct update vectors prepared (default min(docs, 200000))
              --new-fraction F      share of update-phase upserts that add new ids (default 0.5)
              --recheck-queries N   queries re-checked after updates and after compaction (default 200)
              --float-check N       queries checked against a float brute force (default 20)
              --exact-threads N     threads for the exact ground truth (default 2)
              --no-lucene           skip the Lucene baseline
              --lucene-queries N    queries timed on Lucene, the first N (default 200)
              --vectors FILE        real vectors (VectorsFile format: length-prefixed SparseVectorCodec records)
              --query-vectors FILE  real query vectors, same format (default: documents cut to 45 terms)
              --data NAME           the data set's name in the RESULT line (default: synthetic, or with
                                    --vectors the file's name up to its first dot); the first --docs records
                                    of a file are the corpus, so one file gives every smaller size
            The output ends with one line:
              RESULT docs=.. recall10=.. p50_us=.. p99_us=.. qps2=.. lucene_p50_us=.. speedup_vs_lucene=..
                     upserts_per_s=.. bytes_per_posting=.. data=..
            """.formatted(DEFAULT_CURVE);

    public BenchOptions {
        if (docs < 1) {
            throw new IllegalArgumentException("--docs must be >= 1, was " + docs);
        }
        if (queries < 1) {
            throw new IllegalArgumentException("--queries must be >= 1, was " + queries);
        }
        if (k < 1) {
            throw new IllegalArgumentException("--k must be >= 1, was " + k);
        }
        if (passes < 1) {
            throw new IllegalArgumentException("--passes must be >= 1, was " + passes);
        }
        if (!(warmupSeconds >= 0) || !(measureSeconds > 0) || !(updateSeconds > 0)) {
            throw new IllegalArgumentException("seconds must be finite, warm-up >= 0, others > 0: warmup="
                    + warmupSeconds + " measure=" + measureSeconds + " update=" + updateSeconds);
        }
        if (updateOps < 1 || updatePool < 1) {
            throw new IllegalArgumentException("--update-ops and --update-pool must be >= 1, were " + updateOps
                    + ", " + updatePool);
        }
        if (!(newFraction >= 0 && newFraction <= 1)) {
            throw new IllegalArgumentException("--new-fraction must be in [0, 1], was " + newFraction);
        }
        if (recheckQueries < 0 || floatCheck < 0) {
            throw new IllegalArgumentException("--recheck-queries and --float-check must be >= 0, were "
                    + recheckQueries + ", " + floatCheck);
        }
        if (luceneQueries < 1) {
            throw new IllegalArgumentException("--lucene-queries must be >= 1, was " + luceneQueries);
        }
        if (maintainEvery < 1) {
            throw new IllegalArgumentException("--maintain-every must be >= 1, was " + maintainEvery);
        }
        if (exactThreads < 1) {
            throw new IllegalArgumentException("--exact-threads must be >= 1, was " + exactThreads);
        }
        if (queryVectors != null && vectors == null) {
            throw new IllegalArgumentException("--query-vectors " + queryVectors + " needs --vectors");
        }
        if (!data.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("--data must be a name of letters, digits, '.', '_' or '-', was '"
                    + data + "'");
        }
        if (vectors == null && !data.equals(SYNTHETIC)) {
            throw new IllegalArgumentException("--data " + data + " needs --vectors (without, the data are "
                    + SYNTHETIC + ")");
        }
        curve = List.copyOf(curve);
    }

    public static BenchOptions parse(String... args) {
        int docs = 100_000;
        int queries = 1000;
        int k = 10;
        long seed = 42;
        SearchKnobs knobs = SearchKnobs.defaults();
        String curve = DEFAULT_CURVE;
        IndexConfig config = IndexConfig.defaults();
        double warmup = 5;
        int passes = 3;
        double measure = 10;
        double update = 15;
        Long updateOps = null;
        Integer updatePool = null;
        double newFraction = 0.5;
        int recheck = 200;
        int floatCheck = 20;
        boolean lucene = true;
        int exactThreads = 2;
        Path vectors = null;
        Path queryVectors = null;
        int maintainEvery = 1000;
        int luceneQueries = 200;
        String data = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-lucene")) {
                lucene = false;
                continue;
            }
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(a + " needs a value");
            }
            String v = args[++i];
            switch (a) {
                case "--docs" -> docs = parseInt(a, v);
                case "--queries" -> queries = parseInt(a, v);
                case "--k" -> k = parseInt(a, v);
                case "--seed" -> seed = parseLong(a, v);
                case "--query-cut" -> knobs = knobs.withQueryCut(parseInt(a, v));
                case "--heap-factor" -> knobs = knobs.withHeapFactor(parseFloat(a, v));
                case "--curve" -> curve = v;
                case "--block-size" -> config = config.withBlockSize(parseInt(a, v));
                case "--prune-lambda" -> config = config.withPruneLambda(parseInt(a, v));
                case "--summary-alpha" -> config = config.withSummaryAlpha(parseFloat(a, v));
                case "--summary-max-terms" -> config = config.withSummaryMaxTerms(parseInt(a, v));
                case "--clustering-terms" -> config = config.withClusteringTerms(parseInt(a, v));
                case "--reblock" -> config = config.withReblockMode(parseReblock(v));
                case "--maintain-every" -> maintainEvery = parseInt(a, v);
                case "--warmup-seconds" -> warmup = parseDouble(a, v);
                case "--passes" -> passes = parseInt(a, v);
                case "--measure-seconds" -> measure = parseDouble(a, v);
                case "--update-seconds" -> update = parseDouble(a, v);
                case "--update-ops" -> updateOps = parseLong(a, v);
                case "--update-pool" -> updatePool = parseInt(a, v);
                case "--new-fraction" -> newFraction = parseDouble(a, v);
                case "--recheck-queries" -> recheck = parseInt(a, v);
                case "--float-check" -> floatCheck = parseInt(a, v);
                case "--exact-threads" -> exactThreads = parseInt(a, v);
                case "--lucene-queries" -> luceneQueries = parseInt(a, v);
                case "--vectors" -> vectors = Path.of(v);
                case "--query-vectors" -> queryVectors = Path.of(v);
                case "--data" -> data = v;
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return new BenchOptions(docs, queries, k, seed, knobs, parseCurve(curve, knobs), config, warmup, passes, measure,
                update, updateOps != null ? updateOps : 2L * docs,
                updatePool != null ? updatePool : Math.min(docs, 200_000), newFraction, recheck, floatCheck, lucene,
                exactThreads, maintainEvery, luceneQueries, vectors, queryVectors,
                data != null ? data : vectors == null ? SYNTHETIC : fileStem(vectors));
    }

    /** {@code doccorpus.vec} and {@code doccorpus.vectors.bin} name the data set {@code doccorpus}. */
    static String fileStem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    private static IndexConfig.ReblockMode parseReblock(String v) {
        try {
            return IndexConfig.ReblockMode.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--reblock must be inline, deferred or background, was '" + v + "'");
        }
    }

    /** {@code "qc:hf,qc:hf"} into knobs (other knobs as in {@code base}); {@code "none"} or empty: no curve. */
    static List<SearchKnobs> parseCurve(String spec, SearchKnobs base) {
        List<SearchKnobs> out = new ArrayList<>();
        if (spec.isBlank() || spec.equals("none")) {
            return out;
        }
        for (String point : spec.split(",")) {
            String[] parts = point.trim().split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("curve point must be queryCut:heapFactor, was '" + point + "'");
            }
            out.add(base.withQueryCut(parseInt("--curve", parts[0])).withHeapFactor(parseFloat("--curve", parts[1])));
        }
        return out;
    }

    private static int parseInt(String opt, String v) {
        try {
            return Integer.parseInt(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs an integer, was '" + v + "'");
        }
    }

    private static long parseLong(String opt, String v) {
        try {
            return Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs an integer, was '" + v + "'");
        }
    }

    private static float parseFloat(String opt, String v) {
        return (float) parseDouble(opt, v);
    }

    private static double parseDouble(String opt, String v) {
        try {
            double d = Double.parseDouble(v.trim());
            if (!Double.isFinite(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(opt + " needs a finite number, was '" + v + "'");
        }
    }
}
