package io.streamsparse.index;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.core.search.Hit;
import io.streamsparse.core.search.SearchMode;
import io.streamsparse.core.search.SearchRequest;
import io.streamsparse.core.search.SearchResult;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.Function;

/**
 * Estimates, in production, the recall@k of the approximate search against the exact search: a sampled share of
 * served approximate searches is run again in exact mode, off the request path, and the mean recall of the most
 * recent samples is published as the gauge {@value #GAUGE} (NaN until the first sample).
 *
 * <p>A sample's recall is |approximate ids ∩ exact ids| / |exact ids| over the top k of the same request (filter,
 * k); a request whose exact answer is empty says nothing and is not counted. The exact search runs on the shard as
 * it is when the sample's turn comes: updates applied in between can move the answer, so on a shard under heavy
 * writes the estimate is slightly pessimistic. The request path only draws a random number and, for a sample,
 * copies the hit ids and hands them to a bounded executor; when its queue is full the sample is dropped and
 * counted ({@value #DROPPED}), never waited for.
 */
public final class RecallEstimator implements AutoCloseable {

    public static final String GAUGE = "streamsparse.index.search.recall.estimate";
    public static final String SAMPLES = "streamsparse.index.search.recall.samples";
    public static final String DROPPED = "streamsparse.index.search.recall.dropped";

    private final double sampleRate;
    private final Executor executor;
    private final DoubleSupplier random;
    private final Counter samples;
    private final Counter dropped;
    /** Ring of the most recent sample recalls; {@code filled} of them are valid, the next goes to {@code next}. */
    private final double[] recent;
    private int next;
    private int filled;

    RecallEstimator(RecallEstimateProperties properties, Executor executor, DoubleSupplier random,
            MeterRegistry registry) {
        this.sampleRate = properties.sampleRate();
        this.executor = executor;
        this.random = random;
        this.recent = new double[properties.window()];
        this.samples = Counter.builder(SAMPLES).description("Approximate searches re-run in exact mode to estimate "
                + "recall").register(registry);
        this.dropped = Counter.builder(DROPPED).description("Recall samples dropped because the exact-search queue "
                + "was full").register(registry);
        Gauge.builder(GAUGE, this, RecallEstimator::estimate)
                .description("Mean recall@k of sampled approximate searches against exact search (recent samples)")
                .register(registry);
    }

    /** The service's estimator: one low-priority daemon thread, a queue of {@code queueCapacity} samples. */
    static RecallEstimator start(RecallEstimateProperties properties, MeterRegistry registry) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(properties.queueCapacity()), r -> {
                    Thread t = new Thread(r, "recall-estimator");
                    t.setDaemon(true);
                    t.setPriority(Thread.MIN_PRIORITY);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        return new RecallEstimator(properties, executor, () -> ThreadLocalRandom.current().nextDouble(), registry);
    }

    /**
     * Called after an approximate search was answered with {@code served}: perhaps schedules the exact search
     * ({@code search} applied to the request in exact mode) that measures it.
     */
    void offer(SearchRequest request, SearchResult served, Function<SearchRequest, SearchResult> search) {
        if (request.mode() != SearchMode.APPROXIMATE || !(random.getAsDouble() < sampleRate)) {
            return;
        }
        Set<String> approximate = new HashSet<>(served.hits().size() * 2);
        served.hits().forEach(h -> approximate.add(h.docId()));
        SearchRequest exact = request.withMode(SearchMode.EXACT);
        try {
            executor.execute(() -> measure(approximate, search.apply(exact)));
        } catch (RejectedExecutionException e) {
            dropped.increment();
        }
    }

    private void measure(Set<String> approximate, SearchResult exact) {
        if (exact.hits().isEmpty()) {
            return;
        }
        int found = 0;
        for (Hit h : exact.hits()) {
            found += approximate.contains(h.docId()) ? 1 : 0;
        }
        record((double) found / exact.hits().size());
        samples.increment();
    }

    private synchronized void record(double recall) {
        recent[next] = recall;
        next = (next + 1) % recent.length;
        filled = Math.min(filled + 1, recent.length);
    }

    /** Mean recall of the most recent samples; NaN before the first. */
    synchronized double estimate() {
        if (filled == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = 0; i < filled; i++) {
            sum += recent[i];
        }
        return sum / filled;
    }

    @Override
    public void close() {
        if (executor instanceof ExecutorService service) {
            service.shutdownNow();
        }
    }
}
