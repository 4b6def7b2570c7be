package io.streamsparse.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchKnobs;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.SparseVector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The estimator without Spring: real shard indexes, a synchronous executor where the test needs determinism. */
class RecallEstimatorTest {

    private static final SparseVector QUERY = SparseVector.of(new int[] {1}, new float[] {1f});

    private static SearchResult result(String... ids) {
        List<Hit> hits = new ArrayList<>();
        for (String id : ids) {
            hits.add(new Hit(id, 1f, "", ""));
        }
        return new SearchResult(hits, ids.length, 0, 0, false, 0);
    }

    private static RecallEstimator synchronous(double rate, int window, MeterRegistry registry) {
        return new RecallEstimator(new RecallEstimateProperties(rate, 1, window), Runnable::run, () -> 0.5, registry);
    }

    @Test
    void recallIsTheShareOfExactHitsTheApproximateAnswerFound() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RecallEstimator estimator = synchronous(1.0, 10, registry);
        assertThat(estimator.estimate()).isNaN();
        List<SearchRequest> seen = new ArrayList<>();
        Function<SearchRequest, SearchResult> exact = r -> {
            seen.add(r);
            return result("a", "b", "d", "e");
        };
        estimator.offer(SearchRequest.approximate(QUERY, 4), result("a", "b", "c"), exact);
        assertThat(estimator.estimate()).isEqualTo(0.5);
        assertThat(seen).singleElement().satisfies(r -> {
            assertThat(r.mode()).isEqualTo(SearchMode.EXACT);
            assertThat(r.k()).isEqualTo(4);
        });
        estimator.offer(SearchRequest.approximate(QUERY, 4), result("a", "b", "d", "e"), exact);
        assertThat(estimator.estimate()).isEqualTo(0.75);
        assertThat(registry.get(RecallEstimator.GAUGE).gauge().value()).isEqualTo(0.75);
        assertThat(registry.get(RecallEstimator.SAMPLES).counter().count()).isEqualTo(2);
    }

    @Test
    void onlyTheMostRecentWindowCountsAndEmptyExactAnswersSayNothing() {
        RecallEstimator estimator = synchronous(1.0, 2, new SimpleMeterRegistry());
        estimator.offer(SearchRequest.approximate(QUERY, 2), result(), r -> result("a", "b"));
        estimator.offer(SearchRequest.approximate(QUERY, 2), result("a"), r -> result("a", "b"));
        estimator.offer(SearchRequest.approximate(QUERY, 2), result("a", "b"), r -> result("a", "b"));
        assertThat(estimator.estimate()).isEqualTo(0.75);
        estimator.offer(SearchRequest.approximate(QUERY, 2), result(), r -> result());
        assertThat(estimator.estimate()).isEqualTo(0.75);
    }

    @Test
    void samplesOnlyApproximateSearchesAtTheConfiguredRate() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        double[] draws = {0.2, 0.05, 0.5, 0.09};
        int[] next = {0};
        RecallEstimator estimator = new RecallEstimator(new RecallEstimateProperties(0.1, 1, 10), Runnable::run,
                () -> draws[next[0]++ % draws.length], registry);
        int[] exactRuns = {0};
        Function<SearchRequest, SearchResult> exact = r -> {
            exactRuns[0]++;
            return result("a");
        };
        for (int i = 0; i < 4; i++) {
            estimator.offer(SearchRequest.approximate(QUERY, 1), result("a"), exact);
        }
        assertThat(exactRuns[0]).as("draws 0.05 and 0.09 are below the rate 0.1").isEqualTo(2);
        estimator.offer(SearchRequest.exact(QUERY, 1), result("a"), exact);
        assertThat(exactRuns[0]).as("an exact search is its own answer").isEqualTo(2);
        RecallEstimator off = new RecallEstimator(new RecallEstimateProperties(0, 1, 10), Runnable::run, () -> 0.0,
                new SimpleMeterRegistry());
        off.offer(SearchRequest.approximate(QUERY, 1), result("a"), exact);
        assertThat(exactRuns[0]).isEqualTo(2);
    }

    @Test
    void aFullQueueDropsTheSampleInsteadOfWaiting() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RecallEstimator estimator = new RecallEstimator(new RecallEstimateProperties(1.0, 1, 10), task -> {
            throw new RejectedExecutionException("queue full");
        }, () -> 0.0, registry);
        estimator.offer(SearchRequest.approximate(QUERY, 1), result("a"), r -> result("a"));
        assertThat(registry.get(RecallEstimator.DROPPED).counter().count()).isEqualTo(1);
        assertThat(estimator.estimate()).isNaN();
    }

    @Test
    void estimatesTheRecallOfARealShardAsAnIndependentMeasurementDoes() {
        SyntheticCorpus corpus = new SyntheticCorpus(11);
        ShardIndex index = new ShardIndex(IndexConfig.defaults());
        for (int i = 0; i < 3000; i++) {
            index.upsert(i, corpus.docId(i), corpus.document(i));
        }
        index.compact();
        SearchKnobs knobs = SearchKnobs.defaults().withQueryCut(3).withHeapFactor(1.0f);
        RecallEstimator estimator = synchronous(1.0, 100, new SimpleMeterRegistry());
        double sum = 0;
        for (int q = 0; q < 50; q++) {
            SearchRequest request = new SearchRequest(corpus.query(q), 10, null, SearchMode.APPROXIMATE, knobs);
            SearchResult served = index.search(request);
            estimator.offer(request, served, index::search);
            Set<String> approximate = new HashSet<>();
            served.hits().forEach(h -> approximate.add(h.docId()));
            List<Hit> exact = index.search(request.withMode(SearchMode.EXACT)).hits();
            sum += exact.stream().filter(h -> approximate.contains(h.docId())).count() / (double) exact.size();
        }
        assertThat(estimator.estimate()).isCloseTo(sum / 50, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(estimator.estimate()).as("query cut 3 misses some of the exact top 10").isBetween(0.05, 0.999);
        index.close();
    }

    @Test
    void propertiesAreChecked() {
        assertThatThrownBy(() -> new RecallEstimateProperties(1.5, 1, 1)).hasMessageContaining("sample-rate");
        assertThatThrownBy(() -> new RecallEstimateProperties(0.1, 0, 1)).hasMessageContaining("queue-capacity");
        try (RecallEstimator started = RecallEstimator.start(new RecallEstimateProperties(0.5, 2, 5),
                new SimpleMeterRegistry())) {
            assertThat(started.estimate()).isNaN();
        }
    }
}
