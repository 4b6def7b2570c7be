package io.streamsparse.query;

import io.streamsparse.encoder.DocumentFrequencies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which index-service instances serve which shard, refreshed in the background: an instance counts as a replica of
 * a shard while it lists the shard as caught up. When queries are encoded inference-free, it also keeps the
 * corpus-wide document frequencies (sums over one replica of every shard), so IDF follows the live corpus.
 */
public final class ShardDirectory implements DocumentFrequencies, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShardDirectory.class);

    /** Shard id → ready replicas' base URLs, and the summed term statistics; swapped whole, read lock-free. */
    private record View(Map<Integer, List<URI>> replicas, long documents, int[] df) {
    }

    private final QueryProperties properties;
    private final HttpClient http;
    private final JsonMapper json;
    private volatile int vocabularySize;
    private final ScheduledExecutorService refresher;
    private volatile View view = new View(Map.of(), 0, new int[0]);

    public ShardDirectory(QueryProperties properties, HttpClient http, JsonMapper json) {
        this.properties = properties;
        this.http = http;
        this.json = json;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shard-directory");
            t.setDaemon(true);
            return t;
        });
        refresh();
        long every = properties.discoveryInterval().toMillis();
        refresher.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * From now on also keep corpus-wide document frequencies of term ids {@code [0, vocabularySize)}, summed over
     * one replica of every shard; the inference-free query encoder reads them.
     */
    public void trackFrequencies(int vocabularySize) {
        this.vocabularySize = vocabularySize;
        refresh();
    }

    /** Shard id → ready replicas, ordered by configuration. */
    public Map<Integer, List<URI>> replicas() {
        return view.replicas();
    }

    @Override
    public long documentCount() {
        return view.documents();
    }

    @Override
    public int documentFrequency(int termId) {
        int[] df = view.df();
        return termId < df.length ? df[termId] : 0;
    }

    synchronized void refresh() {
        try {
            Map<Integer, List<URI>> replicas = new TreeMap<>();
            for (URI base : properties.indexUrls()) {
                JsonNode shards = get(base.resolve("/v1/shards"));
                if (shards == null) {
                    continue;
                }
                for (JsonNode s : shards) {
                    if (s.path("ready").asBoolean(false)) {
                        replicas.computeIfAbsent(s.path("shard").asInt(), x -> new ArrayList<>()).add(base);
                    }
                }
            }
            long documents = 0;
            int[] df = new int[0];
            int size = vocabularySize;
            if (size > 0) {
                for (Map.Entry<Integer, List<URI>> e : replicas.entrySet()) {
                    JsonNode stats = get(e.getValue().get(0).resolve("/v1/shards/" + e.getKey()
                            + "/document-frequencies?size=" + size));
                    if (stats == null) {
                        continue;
                    }
                    documents += stats.path("documents").asLong();
                    JsonNode arr = stats.path("df");
                    if (arr.size() > df.length) {
                        df = java.util.Arrays.copyOf(df, arr.size());
                    }
                    for (int t = 0; t < arr.size(); t++) {
                        df[t] += arr.get(t).asInt();
                    }
                }
            }
            replicas.replaceAll((k, v) -> List.copyOf(v));
            view = new View(Collections.unmodifiableMap(replicas), documents, df);
        } catch (RuntimeException e) {
            log.warn("Shard discovery failed: {}", e.toString());
        }
    }

    private JsonNode get(URI uri) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(properties.shardTimeout())
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                log.debug("{} answered {}", uri, response.statusCode());
                return null;
            }
            return json.readTree(response.body());
        } catch (java.io.IOException e) {
            log.debug("{} unreachable: {}", uri, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
