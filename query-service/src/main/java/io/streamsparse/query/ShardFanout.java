package io.streamsparse.query;

import io.streamsparse.api.shard.Hit;
import io.streamsparse.api.shard.ShardApi;
import io.streamsparse.api.shard.ShardSearchRequest;
import io.streamsparse.api.shard.ShardSearchResponse;
import io.streamsparse.query.ReplicaRace.ShardFailure;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;

/**
 * Sends one query to every shard the {@link ShardDirectory} knows, each to one of its ready replicas
 * ({@link ReplicaRace}: rotation, failover, optional hedging, a deadline), and merges their top-k lists (the learned
 * ones, and the lexical ones of a hybrid query, each on its own). A shard without an answer is reported with its
 * reason and makes the answer partial, counted by {@link PartialResults}.
 */
public final class ShardFanout {

    /** One shard's contribution: who answered and how long the shard searched. */
    public record ShardTiming(int shard, String replica, long tookMicros) {
    }

    /** The merged top k of the learned index and, for a hybrid query, of the lexical index (else empty). */
    public record Outcome(List<Hit> hits, List<Hit> lexicalHits, int shardsTotal, List<ShardFailure> failedShards,
            int scoredDocs, List<ShardTiming> timings) {
        public boolean partial() {
            return !failedShards.isEmpty();
        }
    }

    static final Comparator<Hit> RANKING = Comparator.comparingDouble((Hit h) -> -h.score()).thenComparing(Hit::id);

    private final ShardDirectory directory;
    private final Function<URI, ShardApi> clients;
    private final QueryProperties properties;
    private final ExecutorService callers;
    private final ScheduledExecutorService timer;
    private final PartialResults partialResults;
    private final AtomicInteger rotation = new AtomicInteger();

    public ShardFanout(ShardDirectory directory, Function<URI, ShardApi> clients, QueryProperties properties,
            ExecutorService callers, ScheduledExecutorService timer, PartialResults partialResults) {
        this.directory = directory;
        this.clients = clients;
        this.properties = properties;
        this.callers = callers;
        this.timer = timer;
        this.partialResults = partialResults;
    }

    public Outcome search(ShardSearchRequest request) {
        ShardDirectory.View view = directory.view();
        if (view.shards().isEmpty()) {
            throw new NoShardsException("no index shard is known yet: no index service has answered and the shard"
                    + " count is unknown");
        }
        int start = rotation.getAndIncrement();
        Map<Integer, CompletableFuture<ReplicaRace.Result<ShardSearchResponse>>> calls = new LinkedHashMap<>();
        for (int shard : view.shards()) {
            calls.put(shard, ReplicaRace.run(shard, view.replicasOf(shard), start,
                    replica -> ask(replica, shard, request), callers, timer, properties.hedgeDelay().toNanos(),
                    properties.shardTimeout().toNanos()));
        }
        List<List<Hit>> perShard = new ArrayList<>();
        List<List<Hit>> lexicalPerShard = new ArrayList<>();
        List<ShardFailure> failed = new ArrayList<>();
        List<ShardTiming> timings = new ArrayList<>();
        int scored = 0;
        for (CompletableFuture<ReplicaRace.Result<ShardSearchResponse>> call : calls.values()) {
            ReplicaRace.Result<ShardSearchResponse> result;
            try {
                result = call.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
            if (result.failure() != null) {
                failed.add(result.failure());
                continue;
            }
            ShardSearchResponse answer = result.answer();
            scored += answer.scoredDocs();
            perShard.add(answer.hits());
            lexicalPerShard.add(answer.lexicalHits());
            timings.add(new ShardTiming(answer.shard(), result.replica().toString(), answer.tookMicros()));
        }
        if (failed.size() == calls.size()) {
            partialResults.count(failed);
            throw new NoShardsException("no shard answered: " + failed);
        }
        partialResults.count(failed);
        return new Outcome(merge(perShard, request.k()), merge(lexicalPerShard, request.k()), view.shards().size(),
                failed, scored, timings);
    }

    /** Top k of the union, by score descending then id ascending (the shards' own order). */
    static List<Hit> merge(List<List<Hit>> perShard, int k) {
        List<Hit> all = new ArrayList<>();
        perShard.forEach(all::addAll);
        all.sort(RANKING);
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }

    /** One call to one replica, its errors sorted into what {@link ReplicaRace} needs to decide. */
    private ShardSearchResponse ask(URI replica, int shard, ShardSearchRequest request) {
        try {
            return clients.apply(replica).search(shard, request);
        } catch (RestClientResponseException e) {
            if (e.getStatusCode().value() == HttpStatus.BAD_REQUEST.value()) {
                ProblemDetail problem = e.getResponseBodyAs(ProblemDetail.class);
                throw new ReplicaRace.RejectedRequestException(problem == null || problem.getDetail() == null
                        ? "rejected by shard " + shard : problem.getDetail());
            }
            throw new ReplicaRace.ReplicaFailedException(e.getStatusCode().value() == 503
                    ? PartialResults.Reason.OVERLOADED : PartialResults.Reason.ERROR_STATUS,
                    "HTTP " + e.getStatusCode().value());
        } catch (ResourceAccessException e) { // connection refused or reset, or attempt-timeout passed
            Throwable cause = e.getMostSpecificCause();
            throw new ReplicaRace.ReplicaFailedException(PartialResults.Reason.UNREACHABLE,
                    cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        }
    }

    /** No shard can answer: none is known yet, or every one failed. */
    public static final class NoShardsException extends RuntimeException {
        NoShardsException(String detail) {
            super(detail);
        }
    }
}
