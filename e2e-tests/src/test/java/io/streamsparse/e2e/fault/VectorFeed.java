package io.streamsparse.e2e.fault;

import io.streamsparse.core.index.IndexConfig;
import io.streamsparse.core.index.ShardIndex;
import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.SparseVectorCodec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A seeded stream of {@code sparse-vectors} records written straight to the topic (the encoder is not under test
 * where this is used): upserts, updates of earlier ids and deletes (tombstones) over a pool of {@code ids} ids,
 * encoded with the one codec, {@link SparseVectorCodec}. It remembers what it wrote, so a test can compute the
 * state the index must reach: the latest version of every id, per partition, and the batch build of it.
 *
 * <p>Document {@code i} always contains the term {@link #uniqueTerm(int)} that no other document has (weight 4), so
 * an exact search for that one term finds exactly that document; its other 8..39 terms are random over the rest
 * of the BERT vocabulary. Record {@code n} is a pure function of (seed, n).
 *
 * <p>Invariant: {@link #latest()} holds, for every id written so far, its latest value (null after a delete) and
 * the partition the broker put it in, updated in send order once the broker acknowledged the record.
 */
final class VectorFeed implements AutoCloseable {

    static final int UNIQUE_TERM_BASE = 1_000;
    static final int RANDOM_TERM_BASE = 5_000;
    static final int VOCABULARY = IndexConfig.DEFAULT_VOCABULARY_SIZE;
    static final int MAX_IDS = RANDOM_TERM_BASE - UNIQUE_TERM_BASE;

    /** What the index must hold for one id: its partition and latest document, null when deleted. */
    record Latest(int partition, EncodedDocument doc) {
    }

    private final String topic;
    private final int ids;
    private final long seed;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<String, Latest> latest = new TreeMap<>();
    private final AtomicInteger acknowledged = new AtomicInteger();
    private int next;

    VectorFeed(String bootstrapServers, String topic, int ids, long seed) {
        if (ids < 1 || ids > MAX_IDS) {
            throw new IllegalArgumentException("ids must be in [1, " + MAX_IDS + "], was " + ids);
        }
        this.topic = topic;
        this.ids = ids;
        this.seed = seed;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // what a well-behaved producer of this topic uses: no loss, no duplicates, order kept across retries
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 180_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 180_000);
        this.producer = new KafkaProducer<>(props);
    }

    static String id(int i) {
        return String.format("doc-%05d", i);
    }

    static int uniqueTerm(int i) {
        return UNIQUE_TERM_BASE + i;
    }

    static int indexOf(String id) {
        return Integer.parseInt(id.substring(4));
    }

    /** Record {@code n}: its key and value (null = delete). About 6% of records after the first 50 are deletes. */
    private ProducerRecord<String, byte[]> record(int n) {
        SplittableRandom rnd = new SplittableRandom(seed * 1_000_003L + n);
        int i = rnd.nextInt(ids);
        String id = id(i);
        if (n >= 50 && rnd.nextInt(100) < 6) {
            return new ProducerRecord<>(topic, id, null);
        }
        int extra = 8 + rnd.nextInt(32);
        TreeMap<Integer, Float> terms = new TreeMap<>();
        terms.put(uniqueTerm(i), 4f);
        while (terms.size() < extra + 1) {
            terms.put(RANDOM_TERM_BASE + rnd.nextInt(VOCABULARY - RANDOM_TERM_BASE), 0.05f + 3f * (float) rnd.nextDouble());
        }
        int[] termIds = terms.keySet().stream().mapToInt(Integer::intValue).toArray();
        float[] weights = new float[termIds.length];
        int k = 0;
        for (float w : terms.values()) {
            weights[k++] = w;
        }
        EncodedDocument doc = new EncodedDocument(id + " record " + n, "Snippet of " + id + " as of record " + n,
                Map.of("record", Integer.toString(n), "parity", i % 2 == 0 ? "even" : "odd"),
                SparseVector.ofSorted(termIds, weights));
        return new ProducerRecord<>(topic, id, SparseVectorCodec.encode(doc));
    }

    /**
     * Sends the next {@code count} records in chunks of {@code chunk}, pausing {@code pauseMillis} after each chunk
     * (so a fault can land in the middle of the stream), on a background thread. The future completes when every
     * record was acknowledged, and fails if any send failed.
     */
    CompletableFuture<Void> sendAsync(int count, int chunk, long pauseMillis) {
        return CompletableFuture.runAsync(() -> send(count, chunk, pauseMillis));
    }

    /** Sends the next {@code count} records and waits for every acknowledgement. */
    void send(int count, int chunk, long pauseMillis) {
        int end = next + count;
        while (next < end) {
            int n = Math.min(chunk, end - next);
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>(n);
            List<Future<RecordMetadata>> acks = new ArrayList<>(n);
            for (int j = 0; j < n; j++) {
                ProducerRecord<String, byte[]> r = record(next++);
                records.add(r);
                acks.add(producer.send(r));
            }
            producer.flush();
            for (int j = 0; j < n; j++) {
                RecordMetadata md;
                try {
                    md = acks.get(j).get(180, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("send of " + records.get(j).key() + " failed", e);
                }
                ProducerRecord<String, byte[]> r = records.get(j);
                synchronized (latest) {
                    latest.put(r.key(), new Latest(md.partition(),
                            r.value() == null ? null : SparseVectorCodec.decodeDocument(r.value())));
                }
                acknowledged.incrementAndGet();
            }
            if (pauseMillis > 0) {
                try {
                    Thread.sleep(pauseMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }

    /** Records the broker has acknowledged so far. */
    int acknowledged() {
        return acknowledged.get();
    }

    /** A copy of the expected state: every id written, its partition and latest document (null = deleted). */
    Map<String, Latest> latest() {
        synchronized (latest) {
            return new TreeMap<>(latest);
        }
    }

    /** The live documents the shard of {@code partition} must hold: the latest value of each id, deletes removed. */
    Map<String, EncodedDocument> liveDocuments(int partition) {
        Map<String, EncodedDocument> out = new HashMap<>();
        latest().forEach((id, l) -> {
            if (l.partition() == partition && l.doc() != null) {
                out.put(id, l.doc());
            }
        });
        return out;
    }

    /** Ids written at least once whose latest record is a delete. */
    TreeSet<String> deletedIds() {
        TreeSet<String> out = new TreeSet<>();
        latest().forEach((id, l) -> {
            if (l.doc() == null) {
                out.add(id);
            }
        });
        return out;
    }

    /**
     * The content digest of the batch build over the latest live documents of {@code partition} (sparse-core's
     * {@code ShardIndex.build}, the P1 reference), hex like the service's digest endpoint.
     */
    String batchDigest(int partition) {
        try (ShardIndex built = ShardIndex.build(IndexConfig.defaults(), -1, liveDocuments(partition))) {
            return HexFormat.of().formatHex(built.contentDigest());
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
