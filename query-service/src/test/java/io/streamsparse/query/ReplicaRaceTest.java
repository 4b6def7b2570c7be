package io.streamsparse.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The per-shard race: rotation, failover, hedging, deadline, and the end of the race on a rejected request. */
class ReplicaRaceTest {

    static final ExecutorService CALLERS = Executors.newCachedThreadPool();
    static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor();
    static final URI A = URI.create("http://a"), B = URI.create("http://b"), C = URI.create("http://c");
    static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @AfterAll
    static void stop() {
        CALLERS.shutdownNow();
        TIMER.shutdownNow();
    }

    static ReplicaRace.Result<String> race(List<URI> replicas, int rotation, Function<URI, String> ask,
            long hedgeNanos, long timeoutNanos) {
        return ReplicaRace.run(7, replicas, rotation, ask, CALLERS, TIMER, hedgeNanos, timeoutNanos).join();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void rotationSpreadsTheFirstAttemptOverReplicas() {
        Set<URI> asked = ConcurrentHashMap.newKeySet();
        for (int rotation = 0; rotation < 3; rotation++) {
            race(List.of(A, B, C), rotation, u -> {
                asked.add(u);
                return "ok";
            }, 0, SECOND);
        }
        assertThat(asked).containsExactlyInAnyOrder(A, B, C);
    }

    @Test
    void aFailingReplicaIsReplacedByTheNext() {
        ReplicaRace.Result<String> r = race(List.of(A, B), 0, u -> {
            if (u.equals(A)) {
                throw new IllegalStateException("connection refused");
            }
            return "from b";
        }, 0, SECOND);
        assertThat(r.failure()).isNull();
        assertThat(r.answer()).isEqualTo("from b");
        assertThat(r.replica()).isEqualTo(B);
    }

    @Test
    void whenEveryReplicaFailsTheShardFailsWithEachReason() {
        ReplicaRace.Result<String> r = race(List.of(A, B), 0, u -> {
            throw u.equals(A) ? new IllegalStateException("HTTP 500")
                    : new ReplicaRace.ReplicaFailedException(PartialResults.Reason.OVERLOADED, "HTTP 503");
        }, 0, SECOND);
        assertThat(r.failure().shard()).isEqualTo(7);
        assertThat(r.failure().reason()).isEqualTo("overloaded");
        assertThat(r.failure().detail()).contains("http://a: HTTP 500").contains("http://b: HTTP 503");
    }

    @Test
    void noReplicaIsReportedAsSuch() {
        assertThat(race(List.of(), 0, u -> "never", 0, SECOND).failure().reason())
                .isEqualTo("no-replica");
    }

    @Test
    void aSlowShardTimesOutAtTheDeadline() {
        long start = System.nanoTime();
        ReplicaRace.Result<String> r = race(List.of(A), 0, u -> {
            sleep(2_000);
            return "late";
        }, 0, TimeUnit.MILLISECONDS.toNanos(200));
        assertThat(r.failure().reason()).isEqualTo("timeout");
        assertThat(System.nanoTime() - start).isLessThan(SECOND);
    }

    @Test
    void hedgingAsksASecondReplicaWhenTheFirstIsSlow() {
        ReplicaRace.Result<String> r = race(List.of(A, B), 0, u -> {
            if (u.equals(A)) {
                sleep(2_000);
            }
            return "from " + u.getHost();
        }, TimeUnit.MILLISECONDS.toNanos(50), 5 * SECOND);
        assertThat(r.answer()).isEqualTo("from b");
    }

    @Test
    void withoutHedgingTheSlowReplicaIsAwaited() {
        ReplicaRace.Result<String> r = race(List.of(A, B), 0, u -> {
            if (u.equals(A)) {
                sleep(300);
            }
            return "from " + u.getHost();
        }, 0, 5 * SECOND);
        assertThat(r.answer()).isEqualTo("from a");
    }

    @Test
    void aRejectedRequestEndsTheRaceAtOnce() {
        assertThatThrownBy(() -> race(List.of(A, B), 0, u -> {
            throw new ReplicaRace.RejectedRequestException("k must be in [1, 1000]");
        }, 0, SECOND)).isInstanceOf(CompletionException.class)
                .hasCauseInstanceOf(ReplicaRace.RejectedRequestException.class);
    }
}
