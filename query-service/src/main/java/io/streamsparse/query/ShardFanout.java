package io.streamsparse.query;

import io.streamsparse.core.vector.SparseVector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends one query to one replica of every shard in parallel and merges their top-k lists. A replica that fails or
 * times out is replaced by the next replica of its shard; a shard with none left is reported, and the answer is
 * marked partial rather than failed as a whole.
 */
public final class ShardFanout {

    /** One result row; {@code shard} says where it came from. */
    public record Hit(String id, float score, String title, String snippet, int shard) {
    }

    public record Outcome(List<Hit> hits, int shardsTotal, List<Integer> failedShards, int scoredDocs) {
        public boolean partial() {
            return !failedShards.isEmpty();
        }
    }

    static final Comparator<Hit> RANKING = Comparator.comparingDouble((Hit h) -> -h.score()).thenComparing(Hit::id);

    private final ShardDirectory directory;
    private final HttpClient http;
    private final JsonMapper json;
    private final QueryProperties properties;
    private final AtomicInteger roundRobin = new AtomicInteger();
    private final PartialResults partialResults;

    public ShardFanout(ShardDirectory directory, HttpClient http, JsonMapper json, QueryProperties properties,
            PartialResults partialResults) {
        this.directory = directory;
        this.partialResults = partialResults;
        this.http = http;
        this.json = json;
        this.properties = properties;
    }

    public Outcome search(SparseVector query, int k, String filter, String mode) {
        Map<Integer, List<URI>> replicas = directory.replicas();
        if (replicas.isEmpty()) {
            throw new NoShardsException();
        }
        String body = requestBody(query, k, filter, mode);
        int start = roundRobin.getAndIncrement();
        Map<Integer, CompletableFuture<JsonNode>> calls = new LinkedHashMap<>();
        replicas.forEach((shard, urls) -> calls.put(shard, ask(shard, urls, Math.floorMod(start, urls.size()), 0,
                body)));
        List<List<Hit>> perShard = new ArrayList<>();
        List<Integer> failed = new ArrayList<>();
        int scored = 0;
        PartialResults.Reason firstMissing = null;
        for (Map.Entry<Integer, CompletableFuture<JsonNode>> call : calls.entrySet()) {
            JsonNode answer;
            try {
                answer = call.getValue().join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof ShardRejectedException rejected) {
                    throw rejected; // the request itself is bad: every shard would say the same
                }
                failed.add(call.getKey());
                PartialResults.Reason reason = partialResults.shardFailed(e.getCause());
                firstMissing = firstMissing == null ? reason : firstMissing;
                continue;
            }
            scored += answer.path("scoredDocs").asInt();
            List<Hit> hits = new ArrayList<>();
            for (JsonNode h : answer.path("hits")) {
                hits.add(new Hit(h.path("id").asString(), (float) h.path("score").asDouble(),
                        h.path("title").asString(""), h.path("snippet").asString(""), call.getKey()));
            }
            perShard.add(hits);
        }
        if (firstMissing != null) {
            partialResults.partialAnswer(firstMissing);
        }
        return new Outcome(merge(perShard, k), replicas.size(), failed, scored);
    }

    /** Top k of the union, by score descending then id ascending (the shards' own order). */
    static List<Hit> merge(List<List<Hit>> perShard, int k) {
        List<Hit> all = new ArrayList<>();
        perShard.forEach(all::addAll);
        all.sort(RANKING);
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }

    private CompletableFuture<JsonNode> ask(int shard, List<URI> urls, int first, int attempt, String body) {
        URI base = urls.get((first + attempt) % urls.size());
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/shards/" + shard + "/search"))
                .timeout(properties.shardTimeout()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() == 400) {
                throw new ShardRejectedException(json.readTree(response.body()).path("detail").asString());
            }
            if (response.statusCode() != 200) {
                throw new ShardStatusException(base + " answered " + response.statusCode());
            }
            return json.readTree(response.body());
        }).exceptionallyCompose(error -> {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            if (cause instanceof ShardRejectedException || attempt + 1 >= urls.size()) {
                return CompletableFuture.failedFuture(cause);
            }
            return ask(shard, urls, first, attempt + 1, body);
        });
    }

    private String requestBody(SparseVector query, int k, String filter, String mode) {
        ObjectNode body = json.createObjectNode();
        body.putPOJO("terms", query.termIds());
        body.putPOJO("weights", query.weights());
        body.put("k", k);
        if (filter != null && !filter.isBlank()) {
            body.put("filter", filter);
        }
        if (mode != null && !mode.isBlank()) {
            body.put("mode", mode);
        }
        return json.writeValueAsString(body);
    }

    /** No index shard is ready (none discovered yet, or all down). */
    public static final class NoShardsException extends RuntimeException {
        NoShardsException() {
            super("no index shard is ready to serve queries");
        }
    }

    /** A replica answered with a status other than 200 or 400. */
    static final class ShardStatusException extends IllegalStateException {
        ShardStatusException(String message) {
            super(message);
        }
    }

    /** A shard rejected the request as invalid (HTTP 400); its reason is passed to the client. */
    public static final class ShardRejectedException extends RuntimeException {
        ShardRejectedException(String detail) {
            super(detail);
        }
    }
}
