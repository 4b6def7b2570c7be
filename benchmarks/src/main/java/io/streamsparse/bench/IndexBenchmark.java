package io.streamsparse.bench;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.IndexStats;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;

/**
 * The index benchmark harness (issue 3): one run builds a shard index by streamed upserts, measures memory, recall@k
 * of the approximate search against the exact search over the same index, one-thread latency, two-thread
 * throughput, a recall/latency curve over knob settings, upserts per second while one thread queries, and the same
 * top-k on Lucene 9.12 over the same vectors. It prints a report and ends with exactly one {@code RESULT} line.
 *
 * <p>Rules it keeps: data are seeded and materialized before anything is timed; every timed phase is preceded by a
 * warm-up of at least one pass; nothing asserts on time. Recall is measured against the engine's {@code EXACT} mode
 * over the same stored (quantized) weights; a float brute force over the unquantized vectors checks that exact mode
 * on a sample. Phases run in this order, each on the state the previous one left: build, compact, memory, ground
 * truth, latency, curve, QPS, Lucene, updates, recheck, compact again.
 *
 * <p>Run: {@code java -Xmx12g -jar benchmarks/target/benchmarks.jar --docs 1000000} (see docs/BENCHMARKS.md and
 * {@link BenchOptions#USAGE}).
 */
public final class IndexBenchmark {

    /** The fields of the final line. */
    public record Result(int docs, double recall, double p50Micros, double p99Micros, double qps2,
                         double luceneP50Micros, double speedupVsLucene, double upsertsPerSecond,
                         double bytesPerPosting, String data) {

        public String line() {
            return String.format(Locale.ROOT, "RESULT docs=%d recall10=%.4f p50_us=%.1f p99_us=%.1f qps2=%.0f "
                            + "lucene_p50_us=%.1f speedup_vs_lucene=%.1f upserts_per_s=%.0f bytes_per_posting=%.2f "
                            + "data=%s",
                    docs, recall, p50Micros, p99Micros, qps2, luceneP50Micros, speedupVsLucene, upsertsPerSecond,
                    bytesPerPosting, data);
        }
    }

    private final BenchOptions o;
    private final PrintStream out;
    private long sink;

    IndexBenchmark(BenchOptions options, PrintStream out) {
        this.o = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.print(BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        new IndexBenchmark(options, System.out).run();
    }

    /** Runs every phase, prints the report and the RESULT line, and returns the line's values. */
    Result run() throws IOException, InterruptedException {
        printf("# streamsparse index benchmark%n");
        printf("machine: %d cores, max heap %s, %s %s, %s %s%n", Runtime.getRuntime().availableProcessors(),
                Measure.mib(Runtime.getRuntime().maxMemory()), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.arch"));
        printf("jvm args: %s; system load average %.2f (other processes share these cores)%n",
                ManagementFactory.getRuntimeMXBean().getInputArguments(), loadAverage());
        printf("options: data=%s docs=%d queries=%d k=%d seed=%d knobs=%s%n", o.data(), o.docs(), o.queries(), o.k(),
                o.seed(), o.knobs());
        printf("config: %s%n", o.config());

        // ---- data
        long t = System.nanoTime();
        BenchData data = o.vectors() != null
                ? BenchData.fromFile(o.vectors(), o.queryVectors(), o.docs(), o.queries(), o.updatePool(), o.seed())
                : BenchData.synthetic(o.docs(), o.queries(), o.updatePool(), o.seed());
        int n = data.docCount();
        long postings = data.postings();
        SparseVector[] queries = data.queries();
        int nq = queries.length;
        printf("%n## data%n");
        printf("source: %s%n", data.source());
        printf("docs %d, postings %d (mean doc nnz %.1f), queries %d (mean nnz %.1f), update vectors %d; "
                        + "prepared in %.1f s%n", n, postings, (double) postings / n, nq, data.meanQueryTerms(),
                data.updates().length, seconds(t));

        // ---- build: streamed upserts, then compact
        long heapBefore = Measure.usedHeapAfterGc();
        ShardIndex index = new ShardIndex(o.config());
        String[] ids = data.docIds();
        EncodedDocument[] docs = data.docs();
        long[] gc0 = Measure.gcCounters();
        t = System.nanoTime();
        long buildCpu = onThread("build", () -> {
            long c0 = Measure.threadCpuNanos();
            for (int d = 0; d < n; d++) {
                index.upsert(d, ids[d], docs[d]);
            }
            return Measure.threadCpuNanos() - c0;
        });
        double streamSeconds = seconds(t);
        long heapStreamed = Measure.usedHeapAfterGc() - heapBefore;
        IndexStats streamedStats = index.stats();
        t = System.nanoTime();
        long compactCpu = onThread("compact", () -> {
            long c0 = Measure.threadCpuNanos();
            index.compact();
            return Measure.threadCpuNanos() - c0;
        });
        double compactSeconds = seconds(t);
        long[] gc1 = Measure.gcCounters();
        long heapIndex = Measure.usedHeapAfterGc() - heapBefore;
        IndexStats stats = index.stats();
        printf("%n## build%n");
        printf("streamed upserts: %d docs in %.2f s = %.0f docs/s (%.0f postings/s); writer thread CPU %.2f s = "
                        + "%.0f docs per CPU-second%n", n, streamSeconds, n / streamSeconds, postings / streamSeconds,
                buildCpu / 1e9, n / (buildCpu / 1e9));
        printf("compact(): %.2f s (calling thread CPU %.2f s; compact may use more threads); build total %.2f s; "
                        + "GC during build: %d collections, %d ms%n", compactSeconds, compactCpu / 1e9,
                streamSeconds + compactSeconds, gc1[0] - gc0[0], gc1[1] - gc0[1]);
        printf("%n## memory%n");
        printStats("streamed (before compact)", streamedStats, heapStreamed, postings);
        printStats("compacted", stats, heapIndex, postings);
        double bytesPerPosting = (double) heapIndex / postings;
        printf("index / forward index: %.2fx by engine stats (total %s / forward %s); lists+summaries alone "
                        + "%.2fx the forward index%n", ratio(stats.approxMemoryBytes(), stats.forwardBytes()),
                Measure.mib(stats.approxMemoryBytes()), Measure.mib(stats.forwardBytes()),
                ratio(stats.listBytes(), stats.forwardBytes()));
        printf("raw data for comparison: %s as int32 id + float32 weight (8 B/posting)%n",
                Measure.mib(postings * 8));

        // ---- ground truth: the engine's exact mode over the same index
        int k = o.k();
        SearchRequest[] exact = new SearchRequest[nq];
        SearchRequest[] approx = new SearchRequest[nq];
        for (int i = 0; i < nq; i++) {
            exact[i] = new SearchRequest(queries[i], k, null, SearchMode.EXACT, null);
            approx[i] = new SearchRequest(queries[i], k, null, SearchMode.APPROXIMATE, o.knobs());
        }
        t = System.nanoTime();
        String[][] truth = searchAll(index, exact, 0, nq, o.exactThreads());
        printf("%n## ground truth%n");
        printf("exact top-%d of %d queries on %d threads: %.1f s (%.1f ms/query/thread)%n", k, nq,
                o.exactThreads(), seconds(t), seconds(t) * 1000 * o.exactThreads() / nq);
        int fc = Math.min(o.floatCheck(), nq);
        if (fc > 0) {
            t = System.nanoTime();
            String[][] floatTruth = new String[fc][];
            for (int i = 0; i < fc; i++) {
                floatTruth[i] = BruteForce.topK(docs, ids, queries[i], k, o.config().vocabularySize());
            }
            printf("float brute force on %d queries (unquantized weights): engine exact recall@%d %.4f (%.1f s)%n",
                    fc, k, Measure.recall(truth, floatTruth, 0, fc), seconds(t));
        }

        // ---- operating point: recall and one-thread latency
        printf("%n## approximate search, one thread, knobs %s%n", o.knobs());
        Point main = onThread("latency", () -> measurePoint(index, approx, truth, o.passes(), o.warmupSeconds()));
        printf("recall@%d %.4f; wall p50 %.1f us, p99 %.1f us, mean %.1f us; thread CPU p50 %.1f us, p99 %.1f us; "
                        + "per query: %.0f docs scored, %.0f blocks evaluated, %.0f skipped; %.0f B allocated; "
                        + "GC %d collections %d ms%n", k, main.recall, main.p50, main.p99, main.mean, main.cpuP50,
                main.cpuP99, main.scored, main.evaluated, main.skipped, main.allocatedPerQuery, main.gcCount,
                main.gcMillis);

        // ---- curve
        if (!o.curve().isEmpty()) {
            printf("%n## recall/latency curve (one thread, %d pass after a warm-up pass)%n", 1);
            printf("| queryCut | heapFactor | recall@%d | p50 us | p99 us | CPU p50 us | docs scored "
                    + "| blocks evaluated | blocks skipped |%n", k);
            printf("|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n");
            for (SearchKnobs kn : o.curve()) {
                SearchRequest[] reqs = new SearchRequest[nq];
                for (int i = 0; i < nq; i++) {
                    reqs[i] = approx[i].withKnobs(kn);
                }
                Point p = onThread("curve", () -> measurePoint(index, reqs, truth, 1, 0));
                printf("| %d | %.2f | %.4f | %.1f | %.1f | %.1f | %.0f | %.0f | %.0f |%n", kn.queryCut(),
                        kn.heapFactor(), p.recall, p.p50, p.p99, p.cpuP50, p.scored, p.evaluated, p.skipped);
            }
        }

        // ---- two-thread throughput
        double qps2 = throughput(index, approx, 2, o.measureSeconds());
        printf("%n## throughput%n");
        printf("QPS on 2 threads: %.0f (%.1f s); the two threads got %.1f CPU-seconds of %.1f, i.e. %.0f queries per "
                        + "CPU-second%n", qps2, o.measureSeconds(), lastThroughputCpuSeconds, 2 * o.measureSeconds(),
                qps2 * o.measureSeconds() / lastThroughputCpuSeconds);

        // ---- Lucene baseline over the same vectors
        double luceneP50 = Double.NaN;
        if (o.lucene()) {
            luceneP50 = onThread("lucene", () -> lucene(data, truth));
        }
        double speedup = luceneP50 / main.p50;

        // ---- updates while one thread queries
        double upsertsPerSecond = updates(index, data, approx);

        printf("%nsystem load average at the end: %.2f%n", loadAverage());
        Result r = new Result(n, main.recall, main.p50, main.p99, qps2, luceneP50, speedup, upsertsPerSecond,
                bytesPerPosting, o.data());
        printf("%n");
        out.println(r.line());
        out.flush();
        return r;
    }

    private void printStats(String label, IndexStats s, long heapBytes, long postings) {
        printf("%s: heap delta %s = %.2f B/posting; engine stats: %s total = %.2f B/posting (forward %s, "
                        + "lists+summaries %s), live %d, slots %d, forward postings %d, list postings %d, blocks %d, "
                        + "summary entries %d, lists pending re-block %d%n", label, Measure.mib(heapBytes),
                (double) heapBytes / postings, Measure.mib(s.approxMemoryBytes()),
                (double) s.approxMemoryBytes() / postings, Measure.mib(s.forwardBytes()), Measure.mib(s.listBytes()),
                s.liveDocs(), s.slots(), s.forwardPostings(), s.listPostings(), s.blocks(), s.summaryEntries(),
                s.listsPendingReblock());
    }

    /** Recall and one-thread latency of one knob setting. */
    private record Point(double recall, double p50, double p99, double mean, double cpuP50, double cpuP99,
                         double scored, double evaluated, double skipped, double allocatedPerQuery, long gcCount,
                         long gcMillis) {
    }

    private Point measurePoint(ShardIndex index, SearchRequest[] reqs, String[][] truth, int passes,
                               double warmupSeconds) {
        int nq = reqs.length;
        warmUp(index, reqs, warmupSeconds);
        long[] lat = new long[nq * passes];
        long[] cpu = new long[nq * passes];
        String[][] found = new String[nq][];
        long scored = 0;
        long evaluated = 0;
        long skipped = 0;
        long[] gc0 = Measure.gcCounters();
        long alloc0 = Measure.allocatedBytes();
        int j = 0;
        for (int p = 0; p < passes; p++) {
            for (int i = 0; i < nq; i++) {
                long c0 = Measure.threadCpuNanos();
                long t0 = System.nanoTime();
                SearchResult r = index.search(reqs[i]);
                lat[j] = System.nanoTime() - t0;
                cpu[j++] = Measure.threadCpuNanos() - c0;
                if (p == 0) {
                    found[i] = topIds(r);
                    scored += r.scoredDocs();
                    evaluated += r.blocksEvaluated();
                    skipped += r.blocksSkipped();
                } else {
                    sink += r.hits().size();
                }
            }
        }
        long alloc = Measure.allocatedBytes() - alloc0;
        long[] gc1 = Measure.gcCounters();
        long sum = 0;
        for (long x : lat) {
            sum += x;
        }
        double recall = Measure.recall(found, truth, 0, nq);
        return new Point(recall, Measure.percentile(lat, j, 0.50) / 1e3, Measure.percentile(lat, j, 0.99) / 1e3,
                sum / 1e3 / j, Measure.percentile(cpu, j, 0.50) / 1e3, Measure.percentile(cpu, j, 0.99) / 1e3,
                (double) scored / nq, (double) evaluated / nq, (double) skipped / nq,
                alloc0 < 0 ? Double.NaN : (double) alloc / j, gc1[0] - gc0[0], gc1[1] - gc0[1]);
    }

    /** At least one pass over the queries, repeated until {@code seconds} have passed. */
    private void warmUp(ShardIndex index, SearchRequest[] reqs, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            for (SearchRequest r : reqs) {
                sink += index.search(r).hits().size();
            }
        } while (System.nanoTime() < end);
    }

    /** Top-k ids of {@code reqs[from..to)}, computed on {@code threads} threads (queries split in stripes). */
    private static String[][] searchAll(ShardIndex index, SearchRequest[] reqs, int from, int to, int threads)
            throws InterruptedException {
        String[][] out = new String[reqs.length][];
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < threads; w++) {
            int first = from + w;
            Thread th = new Thread(() -> {
                try {
                    for (int i = first; i < to; i += threads) {
                        out[i] = topIds(index.search(reqs[i]));
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "exact-" + w);
            th.setDaemon(true);
            th.start();
            workers.add(th);
        }
        for (Thread th : workers) {
            th.join();
        }
        rethrow(failure.get());
        return out;
    }

    private static String[] topIds(SearchResult r) {
        List<Hit> hits = r.hits();
        String[] ids = new String[hits.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = hits.get(i).docId();
        }
        return ids;
    }

    /** Queries per second with {@code threads} threads each cycling over the queries from its own start. */
    private double throughput(ShardIndex index, SearchRequest[] reqs, int threads, double seconds)
            throws InterruptedException {
        warmUp(index, reqs, Math.min(o.warmupSeconds(), 2));
        AtomicLong done = new AtomicLong();
        AtomicLong cpuNanos = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        long[] deadline = new long[1];
        for (int w = 0; w < threads; w++) {
            int first = w * reqs.length / threads;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    long c0 = Measure.threadCpuNanos();
                    long count = 0;
                    long local = 0;
                    int i = first;
                    while (System.nanoTime() < deadline[0]) {
                        local += index.search(reqs[i]).hits().size();
                        count++;
                        if (++i == reqs.length) {
                            i = 0;
                        }
                    }
                    done.addAndGet(count);
                    cpuNanos.addAndGet(Measure.threadCpuNanos() - c0);
                    sinkAdd(local);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "qps-" + w);
            th.setDaemon(true);
            th.start();
            workers.add(th);
        }
        long t0 = System.nanoTime();
        deadline[0] = t0 + (long) (seconds * 1e9);
        start.countDown();
        for (Thread th : workers) {
            th.join();
        }
        double elapsed = seconds(t0);
        rethrow(failure.get());
        lastThroughputCpuSeconds = cpuNanos.get() / 1e9;
        return done.get() / elapsed;
    }

    /** CPU seconds the workers of the last {@link #throughput} call got (of threads × duration wall seconds). */
    private double lastThroughputCpuSeconds;

    private synchronized void sinkAdd(long x) {
        sink += x;
    }

    /** Builds the Lucene baseline, checks its top-k against the exact truth, and returns its one-thread p50 (us). */
    private double lucene(BenchData data, String[][] truth) throws IOException {
        printf("%n## Lucene %s baseline (FeatureField per term, BooleanQuery of linear feature queries, "
                + "one segment)%n", org.apache.lucene.util.Version.LATEST);
        SparseVector[] vectors = data.docVectors();
        long t = System.nanoTime();
        try (LuceneBaseline lucene = LuceneBaseline.build(vectors, vectors.length)) {
            printf("build + forceMerge(1): %.1f s, %s on disk%n", seconds(t), Measure.mib(lucene.indexBytes()));
            SparseVector[] queries = data.queries();
            int nq = Math.min(queries.length, o.luceneQueries());
            printf("timing the first %d queries (Lucene is much slower; --lucene-queries sets how many)%n", nq);
            Query[] qs = new Query[nq];
            for (int i = 0; i < nq; i++) {
                qs[i] = LuceneBaseline.query(queries[i]);
            }
            String[] ids = data.docIds();
            String[][] found = new String[nq][];
            long end = System.nanoTime() + (long) (o.warmupSeconds() * 1e9);
            do {
                for (Query q : qs) {
                    sink += lucene.search(q, o.k()).scoreDocs.length;
                }
            } while (System.nanoTime() < end);
            int passes = Math.max(1, Math.min(o.passes(), 2));
            long[] lat = new long[nq * passes];
            long[] cpu = new long[nq * passes];
            int j = 0;
            long[] gc0 = Measure.gcCounters();
            long alloc0 = Measure.allocatedBytes();
            for (int p = 0; p < passes; p++) {
                for (int i = 0; i < nq; i++) {
                    long c0 = Measure.threadCpuNanos();
                    long t0 = System.nanoTime();
                    TopDocs td = lucene.search(qs[i], o.k());
                    lat[j] = System.nanoTime() - t0;
                    cpu[j++] = Measure.threadCpuNanos() - c0;
                    if (p == 0) {
                        String[] f = new String[td.scoreDocs.length];
                        for (int h = 0; h < f.length; h++) {
                            ScoreDoc sd = td.scoreDocs[h];
                            f[h] = ids[lucene.ordinal(sd.doc)];
                        }
                        found[i] = f;
                    }
                }
            }
            long alloc = Measure.allocatedBytes() - alloc0;
            long[] gc1 = Measure.gcCounters();
            double p50 = Measure.percentile(lat, j, 0.50) / 1e3;
            double p99 = Measure.percentile(lat, j, 0.99) / 1e3;
            printf("one thread: wall p50 %.1f us, p99 %.1f us; thread CPU p50 %.1f us, p99 %.1f us; %.0f B "
                            + "allocated/query; GC %d collections %d ms%n", p50, p99,
                    Measure.percentile(cpu, j, 0.50) / 1e3, Measure.percentile(cpu, j, 0.99) / 1e3,
                    alloc0 < 0 ? Double.NaN : (double) alloc / j, gc1[0] - gc0[0], gc1[1] - gc0[1]);
            printf("Lucene top-%d vs engine exact: recall %.4f (differences come from each side's weight "
                    + "quantization)%n", o.k(), Measure.recall(found, truth, 0, nq));
            return p50;
        }
    }

    /**
     * Upserts on this thread (re-upserts of existing ids with new vectors, and new ids) while one reader thread
     * queries; then re-measures recall on the streamed index and after {@code compact()}. Returns upserts/s.
     *
     * <p>The same mix runs with the reader for {@code --warmup-seconds} (at most half of {@code --update-ops}
     * upserts) before the timed part, as every other timed phase warms up: the write path's re-upsert branches, the
     * moves and seals and the searches over staged runs and tails run here for the first time, and C2 recompiled them
     * for ~10 s inside the timed part (a JFR of a 1M run: ~8 CPU-seconds of compilation, a quarter of the two cores,
     * while a fixed warm-up of 5,000 upserts without the reader reached none of them).
     */
    private double updates(ShardIndex index, BenchData data, SearchRequest[] approx)
            throws InterruptedException {
        String[] ids = data.docIds();
        EncodedDocument[] pool = data.updates();
        Random rnd = new Random(o.seed() ^ 0x5EED);
        printf("%n## updates while one thread queries (%.0f%% new ids, the rest re-upserts with new vectors)%n",
                o.newFraction() * 100);

        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[][] latBox = {new long[1 << 16]};
        int[] latCount = new int[1];
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean timed = new AtomicBoolean();
        Thread reader = new Thread(() -> {
            try {
                long[] lat = latBox[0];
                int c = 0;
                int i = 0;
                long local = 0;
                while (!stop.get()) {
                    boolean record = timed.get(); // queries begun in the warm-up are not counted
                    long t0 = System.nanoTime();
                    local += index.search(approx[i]).hits().size();
                    long dt = System.nanoTime() - t0;
                    if (record) {
                        if (c == lat.length) {
                            lat = java.util.Arrays.copyOf(lat, lat.length * 2);
                        }
                        lat[c++] = dt;
                    }
                    if (++i == approx.length) {
                        i = 0;
                    }
                }
                latBox[0] = lat;
                latCount[0] = c;
                sinkAdd(local);
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }, "reader");

        reader.setDaemon(true);
        reader.start();
        WriterStats w;
        long[] gc0 = new long[2];
        long[] reblockedBefore = new long[2]; // lists published, tail postings folded
        try {
            w = onThread("writer", () -> {
                WriteCursor cursor = new WriteCursor(index.appliedOffset() + 1);
                // at most half the timed phase's cap: on a small corpus 5 s of upserts would triple the index first
                WriterStats warm = writeLoop(index, ids, pool, rnd, cursor, o.warmupSeconds(), o.updateOps() / 2);
                printf("warm-up: %d upserts (%d new ids) in %.1f s with the reader running, not counted%n", warm.ops,
                        warm.added, warm.seconds);
                System.arraycopy(Measure.gcCounters(), 0, gc0, 0, 2);
                reblockedBefore[0] = index.writer().reblockedLists();
                reblockedBefore[1] = index.writer().reblockedTailPostings();
                timed.set(true);
                return writeLoop(index, ids, pool, rnd, cursor, o.updateSeconds(), o.updateOps());
            });
        } finally {
            stop.set(true);
            reader.join();
        }
        long ops = w.ops;
        long added = w.added;
        long maintained = w.maintained;
        long alloc = w.allocated;
        boolean deferred = o.config().reblockMode() == IndexConfig.ReblockMode.DEFERRED;
        int maintainEvery = o.maintainEvery();
        double elapsed = w.seconds;
        long[] gc1 = Measure.gcCounters();
        rethrow(failure.get());
        double ups = ops / elapsed;
        int c = latCount[0];
        printf("%d upserts (%d new ids) in %.1f s = %.0f upserts/s on the writer thread (thread CPU %.1f s = %.0f "
                        + "upserts per CPU-second); %.0f B allocated/upsert; GC %d collections %d ms%n", ops, added,
                elapsed, ups, w.cpuSeconds, ops / w.cpuSeconds,
                alloc < 0 ? Double.NaN : (double) alloc / ops, gc1[0] - gc0[0], gc1[1] - gc0[1]);
        if (deferred) {
            printf("deferred re-blocking: maintain() every %d upserts re-blocked %d lists (time included)%n",
                    maintainEvery, maintained);
        }
        long reblocked = index.writer().reblockedLists() - reblockedBefore[0];
        long folded = index.writer().reblockedTailPostings() - reblockedBefore[1];
        printf("re-blocking meanwhile: %d lists published (%.2f per upsert), %.1f tail postings folded per list%n",
                reblocked, (double) reblocked / ops, reblocked == 0 ? 0.0 : (double) folded / reblocked);
        printf("reader meanwhile: %d queries = %.0f QPS, p50 %.1f us, p99 %.1f us%n", c, c / elapsed,
                Measure.percentile(latBox[0], c, 0.5) / 1e3, Measure.percentile(latBox[0], c, 0.99) / 1e3);
        IndexStats s = index.stats();
        printf("after updates: live %d, slots %d, list postings %d, lists pending re-block %d%n", s.liveDocs(),
                s.slots(), s.listPostings(), s.listsPendingReblock());

        int m = Math.min(o.recheckQueries(), approx.length);
        if (m > 0) {
            SearchRequest[] exact = new SearchRequest[m];
            for (int i = 0; i < m; i++) {
                exact[i] = approx[i].withMode(SearchMode.EXACT);
            }
            String[][] truth = searchAll(index, exact, 0, m, o.exactThreads());
            SearchRequest[] sample = java.util.Arrays.copyOf(approx, m);
            Point streamed = measurePoint(index, sample, truth, 1, 0);
            long[] gcc0 = Measure.gcCounters();
            long tc = System.nanoTime();
            index.compact();
            double compactSeconds = seconds(tc);
            long[] gcc1 = Measure.gcCounters();
            Point compacted = measurePoint(index, sample, truth, 1, 0);
            printf("on %d queries, one thread, no writer: streamed index recall@%d %.4f, p50 %.1f us, %.0f docs "
                            + "scored; after compact() (%.2f s, GC %d collections %d ms) recall %.4f, p50 %.1f us, %.0f "
                            + "docs scored%n", m, o.k(), streamed.recall, streamed.p50, streamed.scored, compactSeconds,
                    gcc1[0] - gcc0[0], gcc1[1] - gcc0[1], compacted.recall, compacted.p50, compacted.scored);
        }
        return ups;
    }

    /** What the update-phase writer did. */
    private record WriterStats(long ops, long added, long maintained, double seconds, double cpuSeconds,
                               long allocated) {
    }

    /** Where the update-phase writer goes on: the next offset, new id and update vector. */
    private static final class WriteCursor {
        long offset;
        long nextNew;
        int pool;

        WriteCursor(long offset) {
            this.offset = offset;
        }
    }

    /**
     * The update-phase writer: upserts for {@code seconds} or {@code maxOps} upserts, whichever ends first,
     * re-upserting a random existing id or adding a new one, going on from {@code at}; in deferred re-blocking mode it
     * calls {@code maintain()} every {@code maintainEvery} upserts.
     */
    private WriterStats writeLoop(ShardIndex index, String[] ids, EncodedDocument[] pool, Random rnd, WriteCursor at,
                                  double seconds, long maxOps) {
        int n = ids.length;
        long ops = 0;
        long added = 0;
        long maintained = 0;
        double newFraction = o.newFraction();
        boolean deferred = o.config().reblockMode() == IndexConfig.ReblockMode.DEFERRED;
        int maintainEvery = o.maintainEvery();
        long offset = at.offset;
        long nextNew = at.nextNew;
        int p = at.pool;
        long alloc0 = Measure.allocatedBytes();
        long c0 = Measure.threadCpuNanos();
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        // invariant: ops upserts applied, offsets strictly increasing from the build's last offset
        while (ops < maxOps && ((ops & 255) != 0 || System.nanoTime() < deadline)) {
            String id;
            if (rnd.nextDouble() < newFraction) {
                id = "new-" + nextNew++;
                added++;
            } else {
                id = ids[rnd.nextInt(n)];
            }
            index.upsert(offset++, id, pool[p]);
            if (++p == pool.length) {
                p = 0;
            }
            ops++;
            if (deferred && ops % maintainEvery == 0) {
                maintained += index.maintain(Integer.MAX_VALUE);
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpuSeconds = (Measure.threadCpuNanos() - c0) / 1e9;
        long alloc = alloc0 < 0 ? -1 : Measure.allocatedBytes() - alloc0;
        at.offset = offset;
        at.nextNew = nextNew;
        at.pool = p;
        return new WriterStats(ops, added, maintained, elapsed, cpuSeconds, alloc);
    }

    /**
     * Runs one phase on its own named thread and waits for it, so a profile (JFR, see {@link JfrSummary}) can tell
     * the phases apart by thread name.
     */
    private static <T> T onThread(String name, java.util.concurrent.Callable<T> work) throws InterruptedException {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread th = new Thread(() -> {
            try {
                result.set(work.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, name);
        th.setDaemon(true);
        th.start();
        th.join();
        rethrow(failure.get());
        return result.get();
    }

    private static void rethrow(Throwable t) {
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static double ratio(long a, long b) {
        return b == 0 ? Double.NaN : (double) a / b;
    }

    private void printf(String format, Object... args) {
        out.printf(Locale.ROOT, format, args);
        out.flush();
    }

    /** Keeps results observable so the JIT cannot drop the searches. */
    long sink() {
        return sink;
    }
}
