package io.streamsparse.query;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Gets one shard's answer from its replicas within a deadline: replicas are tried in order from a rotating start
 * (spreading load), the next one as soon as one fails, and, when hedging is on, also when the first has not
 * answered after the hedge delay. The first answer wins; the race fails when every replica failed or the deadline
 * passed, with the reason of each attempt. A {@link RejectedRequestException} (the request itself is bad) ends the
 * race at once: every replica would say the same.
 *
 * @param <T> the answer
 */
final class ReplicaRace<T> {

    /** What a shard's race ends with: an answer and who gave it, or why there is none. */
    record Result<T>(T answer, URI replica, ShardFailure failure) {
    }

    /**
     * One failed shard, as the search response reports it: {@code reason} is a {@link PartialResults.Reason} tag
     * (also the metric tag), {@code detail} what each attempt met.
     */
    record ShardFailure(int shard, String reason, String detail) {

        static ShardFailure of(int shard, PartialResults.Reason reason, String detail) {
            return new ShardFailure(shard, reason.tag(), detail);
        }

        PartialResults.Reason cause() {
            return PartialResults.Reason.valueOf(reason.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    /** A replica refused the request as invalid; every replica would. */
    static final class RejectedRequestException extends RuntimeException {
        RejectedRequestException(String detail) {
            super(detail);
        }
    }

    /** One replica gave no answer, for a reason; another replica may answer. */
    static final class ReplicaFailedException extends RuntimeException {
        final PartialResults.Reason reason;

        ReplicaFailedException(PartialResults.Reason reason, String detail) {
            super(detail);
            this.reason = reason;
        }
    }

    private final int shard;
    private final List<URI> replicas;
    private final int first;
    private final Function<URI, T> ask;
    private final Executor executor;
    private final CompletableFuture<Result<T>> result = new CompletableFuture<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<String> attempts = new ArrayList<>();
    private volatile PartialResults.Reason lastReason = PartialResults.Reason.OTHER;

    private ReplicaRace(int shard, List<URI> replicas, int first, Function<URI, T> ask, Executor executor) {
        this.shard = shard;
        this.replicas = replicas;
        this.first = first;
        this.ask = ask;
        this.executor = executor;
    }

    /**
     * Starts the race for {@code shard}. The future never completes exceptionally except with
     * {@link RejectedRequestException}; a shard without answer completes with a {@link ShardFailure}.
     */
    static <T> CompletableFuture<Result<T>> run(int shard, List<URI> replicas, int rotation, Function<URI, T> ask,
            Executor executor, ScheduledExecutorService timer, long hedgeDelayNanos, long timeoutNanos) {
        if (replicas.isEmpty()) {
            return CompletableFuture.completedFuture(new Result<>(null, null, ShardFailure.of(shard,
                    PartialResults.Reason.NO_REPLICA, "no ready replica of shard " + shard)));
        }
        ReplicaRace<T> race = new ReplicaRace<>(shard, replicas, Math.floorMod(rotation, replicas.size()), ask,
                executor);
        race.launch();
        List<ScheduledFuture<?>> timers = new ArrayList<>(2);
        timers.add(timer.schedule(race::timeOut, timeoutNanos, TimeUnit.NANOSECONDS));
        if (hedgeDelayNanos > 0 && replicas.size() > 1) {
            timers.add(timer.schedule(race::hedge, hedgeDelayNanos, TimeUnit.NANOSECONDS));
        }
        race.result.whenComplete((r, e) -> timers.forEach(t -> t.cancel(false)));
        return race.result;
    }

    /** Starts the next untried replica; false when none is left. */
    private boolean launch() {
        int i = next.getAndIncrement();
        if (i >= replicas.size()) {
            return false;
        }
        URI replica = replicas.get((first + i) % replicas.size());
        inFlight.incrementAndGet();
        executor.execute(() -> attempt(replica));
        return true;
    }

    private void attempt(URI replica) {
        if (result.isDone()) {
            inFlight.decrementAndGet();
            return;
        }
        try {
            T answer = ask.apply(replica);
            result.complete(new Result<>(answer, replica, null));
            inFlight.decrementAndGet();
        } catch (RejectedRequestException e) {
            result.completeExceptionally(e);
        } catch (RuntimeException e) {
            lastReason = e instanceof ReplicaFailedException f ? f.reason : PartialResults.Reason.OTHER;
            note(replica + ": " + e.getMessage());
            int left = inFlight.decrementAndGet();
            if (!launch() && left == 0) {
                result.complete(new Result<>(null, null, ShardFailure.of(shard, lastReason, summary())));
            }
        }
    }

    private void hedge() {
        if (!result.isDone()) {
            launch();
        }
    }

    private void timeOut() {
        result.complete(new Result<>(null, null, ShardFailure.of(shard, PartialResults.Reason.TIMEOUT,
                "no answer within the shard timeout" + (attempts.isEmpty() ? "" : "; " + summary()))));
    }

    private synchronized void note(String attempt) {
        attempts.add(attempt);
    }

    private synchronized String summary() {
        return String.join("; ", attempts);
    }
}
