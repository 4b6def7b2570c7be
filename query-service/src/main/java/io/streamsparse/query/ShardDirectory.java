package io.streamsparse.query;

import io.streamsparse.api.shard.DocumentFrequencies;
import io.streamsparse.api.shard.ShardApi;
import io.streamsparse.api.shard.ShardStatus;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which shards exist and which index-service instances serve each, refreshed in the background.
 *
 * <p>The set of shards does not depend on who answers: it is {@code [0, count)} for the configured or broker-reported
 * count, plus every shard any instance ever reported (sticky), so a shard whose only instance died stays in the set
 * with no replica and the fan-out reports it. An instance counts as a replica of a shard while it lists the shard as
 * ready. When queries are encoded inference-free it also keeps corpus-wide document frequencies (sums over one
 * replica of every shard), so IDF follows the live corpus; for hybrid retrieval likewise those of the shards'
 * lexical indexes ({@link #lexicalFrequencies()}), the IDF of lexical queries.
 */
public final class ShardDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ShardDirectory.class);

    /**
     * Every known shard → its ready replicas (possibly none), and the summed term statistics of the learned and the
     * lexical indexes; swapped whole, read lock-free.
     */
    record View(SortedSet<Integer> shards, Map<Integer, List<URI>> replicas, Frequencies learned,
            Frequencies lexical) {

        List<URI> replicasOf(int shard) {
            return replicas.getOrDefault(shard, List.of());
        }
    }

    /** Corpus-wide statistics of one kind of index: sums over one replica of every shard. */
    record Frequencies(long documents, int[] df) implements io.streamsparse.encoder.DocumentFrequencies {

        static final Frequencies NONE = new Frequencies(0, new int[0]);

        @Override
        public long documentCount() {
            return documents;
        }

        @Override
        public int documentFrequency(int termId) {
            return termId < df.length ? df[termId] : 0;
        }
    }

    private final List<URI> indexUrls;
    private final Function<URI, ShardApi> clients;
    private final IntSupplier shardCount;
    private final SortedSet<Integer> everSeen = new TreeSet<>();
    private final ScheduledExecutorService refresher;
    private volatile int vocabularySize;
    private volatile int lexicalVocabularySize;
    private volatile View view = new View(Collections.emptySortedSet(), Map.of(), Frequencies.NONE, Frequencies.NONE);

    /**
     * @param shardCount how many shards exist, or a negative number while unknown (the broker not reachable yet)
     */
    public ShardDirectory(List<URI> indexUrls, Function<URI, ShardApi> clients, IntSupplier shardCount,
            java.time.Duration interval) {
        this.indexUrls = List.copyOf(indexUrls);
        this.clients = clients;
        this.shardCount = shardCount;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "shard-directory");
            t.setDaemon(true);
            return t;
        });
        refresh();
        long every = interval.toMillis();
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

    /**
     * From now on also keep corpus-wide document frequencies of the lexical indexes' term ids
     * {@code [0, vocabularySize)}; the lexical query encoder reads them through {@link #lexicalFrequencies()}.
     */
    public void trackLexicalFrequencies(int vocabularySize) {
        this.lexicalVocabularySize = vocabularySize;
        refresh();
    }

    View view() {
        return view;
    }

    /** The live statistics of the shards' learned indexes (always the newest view's), once tracked. */
    public io.streamsparse.encoder.DocumentFrequencies learnedFrequencies() {
        return live(View::learned);
    }

    /** The live statistics of the shards' lexical indexes (always the newest view's), once tracked. */
    public io.streamsparse.encoder.DocumentFrequencies lexicalFrequencies() {
        return live(View::lexical);
    }

    private io.streamsparse.encoder.DocumentFrequencies live(java.util.function.Function<View, Frequencies> side) {
        return new io.streamsparse.encoder.DocumentFrequencies() {
            @Override
            public long documentCount() {
                return side.apply(view).documentCount();
            }

            @Override
            public int documentFrequency(int termId) {
                return side.apply(view).documentFrequency(termId);
            }
        };
    }

    synchronized void refresh() {
        try {
            Map<Integer, List<URI>> replicas = new TreeMap<>();
            for (URI base : indexUrls) {
                List<ShardStatus> statuses;
                try {
                    statuses = clients.apply(base).shards();
                } catch (RuntimeException e) {
                    log.debug("{} unreachable: {}", base, e.toString());
                    continue;
                }
                for (ShardStatus s : statuses) {
                    everSeen.add(s.shard());
                    if (s.ready()) {
                        replicas.computeIfAbsent(s.shard(), x -> new ArrayList<>()).add(base);
                    }
                }
            }
            SortedSet<Integer> shards = new TreeSet<>(everSeen);
            int count = shardCount.getAsInt();
            for (int s = 0; s < count; s++) {
                shards.add(s);
            }
            Frequencies learned = sum(replicas, vocabularySize, ShardApi::documentFrequencies);
            Frequencies lexical = sum(replicas, lexicalVocabularySize, ShardApi::lexicalDocumentFrequencies);
            replicas.replaceAll((k, v) -> List.copyOf(v));
            view = new View(Collections.unmodifiableSortedSet(shards), Collections.unmodifiableMap(replicas),
                    learned, lexical);
        } catch (RuntimeException e) {
            log.warn("Shard discovery failed: {}", e.toString());
        }
    }

    /** One shard's statistics for term ids {@code [0, size)}, from one replica. */
    private interface FrequencyCall {
        DocumentFrequencies ask(ShardApi replica, int shard, int size);
    }

    /** Sums {@code call} over the first ready replica of every shard; nothing when {@code size} is 0 (untracked). */
    private Frequencies sum(Map<Integer, List<URI>> replicas, int size, FrequencyCall call) {
        if (size <= 0) {
            return Frequencies.NONE;
        }
        long documents = 0;
        int[] df = new int[0];
        for (Map.Entry<Integer, List<URI>> e : replicas.entrySet()) {
            DocumentFrequencies stats;
            try {
                stats = call.ask(clients.apply(e.getValue().get(0)), e.getKey(), size);
            } catch (RuntimeException ex) {
                log.debug("document frequencies of shard {} unavailable: {}", e.getKey(), ex.toString());
                continue;
            }
            documents += stats.documents();
            if (stats.df().length > df.length) {
                df = Arrays.copyOf(df, stats.df().length);
            }
            for (int t = 0; t < stats.df().length; t++) {
                df[t] += stats.df()[t];
            }
        }
        return new Frequencies(documents, df);
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
