package io.streamsparse.bench;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.vector.SparseVector;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TopDocs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmark of the query kernel on smaller, seeded synthetic corpora: the approximate search at given knobs,
 * with its two baselines measured in the same run (the engine's exact mode over the same index, and Lucene 9.12's
 * exact top-k over the same vectors, see {@link LuceneBaseline}). The index is built by streamed upserts and then
 * compacted, as in {@link IndexBenchmark}; each invocation answers the next query of a fixed cycle.
 *
 * <p>Run: {@code java -cp 'benchmarks/target/benchmarks.jar:benchmarks/target/lib/*' org.openjdk.jmh.Main
 * ApproximateSearchBenchmark} (add {@code -p docs=10000} etc. to narrow the parameters).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx6g"})
public class ApproximateSearchBenchmark {

    private static final long SEED = 42;
    private static final int QUERIES = 500;
    private static final int K = 10;

    @Param({"10000", "100000"})
    public int docs;

    @Param({"10"})
    public int queryCut;

    @Param({"0.9"})
    public float heapFactor;

    private ShardIndex index;
    private LuceneBaseline lucene;
    private SearchRequest[] approximate;
    private SearchRequest[] exact;
    private Query[] luceneQueries;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        BenchData data = BenchData.synthetic(docs, QUERIES, 1, SEED);
        index = new ShardIndex(IndexConfig.defaults());
        for (int d = 0; d < data.docCount(); d++) {
            index.upsert(d, data.docIds()[d], data.docs()[d]);
        }
        index.compact();
        SearchKnobs knobs = SearchKnobs.defaults().withQueryCut(queryCut).withHeapFactor(heapFactor);
        SparseVector[] qs = data.queries();
        approximate = new SearchRequest[qs.length];
        exact = new SearchRequest[qs.length];
        luceneQueries = new Query[qs.length];
        for (int i = 0; i < qs.length; i++) {
            approximate[i] = new SearchRequest(qs[i], K, null, SearchMode.APPROXIMATE, knobs);
            exact[i] = new SearchRequest(qs[i], K, null, SearchMode.EXACT, null);
            luceneQueries[i] = LuceneBaseline.query(qs[i]);
        }
        lucene = LuceneBaseline.build(data.docVectors(), data.docCount());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        lucene.close();
        index.close();
    }

    private int nextQuery() {
        int i = next;
        next = i + 1 == approximate.length ? 0 : i + 1;
        return i;
    }

    @Benchmark
    public SearchResult approximate() {
        return index.search(approximate[nextQuery()]);
    }

    @Benchmark
    public SearchResult exact() {
        return index.search(exact[nextQuery()]);
    }

    @Benchmark
    public TopDocs lucene() {
        return lucene.search(luceneQueries[nextQuery()], K);
    }
}
