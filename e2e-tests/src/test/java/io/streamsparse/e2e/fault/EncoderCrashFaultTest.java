package io.streamsparse.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamsparse.core.vector.EncodedDocument;
import io.streamsparse.core.vector.SparseVectorCodec;
import io.streamsparse.encoder.ModelResources;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 3: the encoder service (real ONNX model, Kafka transactions: read → encode → write once) is killed with
 * SIGKILL in the middle of its backlog, and started again. The moment is chosen by freezing it (SIGSTOP) until,
 * frozen, it has records of an uncommitted transaction on the broker: part of a batch's vectors written, neither
 * they nor the batch's input offsets committed.
 *
 * <p><b>What "no vector lost or duplicated" means here.</b> Each {@code documents} record (one source partition and
 * offset, carrying one version of one document, or a delete) must yield exactly one record in {@code sparse-vectors}
 * as a {@code read_committed} reader (the index service) sees it: the vector of that version, or a tombstone. The
 * killed instance's open transaction stays in the log but is aborted (on timeout, since the default transactional
 * id prefix is random per start), so its records are invisible to such a reader; the restarted instance re-reads
 * from the last committed input offset and writes those vectors again in a new transaction. A duplicate would be a
 * second committed output for the same source record; a loss, a source record with none. Documents carry their
 * version in the title, so the test checks, per partition (a key's input and output partition are the same, equal
 * partition counts and the default partitioner): the committed outputs, in order, are exactly the inputs, in order.
 * Copies visible only to {@code read_uncommitted} are aborted records, reported, not counted.
 *
 * <p>Needs a model: the bundled default (skipped while it is not in the build), or
 * {@code -Dstreamsparse.e2e.encoder.model-path=... -Dstreamsparse.e2e.encoder.tokenizer-path=...}.
 */
@ExtendWith(SharedBroker.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class EncoderCrashFaultTest {

    static final String DOCUMENTS = "fault-encoder-documents";
    static final String VECTORS = "fault-encoder-vectors";
    static final String DEAD_LETTERS = DOCUMENTS + ".DLT";
    /** The listener id, which Spring Kafka uses as the consumer group id (over spring.kafka.consumer.group-id). */
    static final String GROUP = "encoder-service";
    static final int PARTITIONS = 2;
    static final int IDS = 200;
    static final int RECORDS = 360;
    static final Duration START = Duration.ofMinutes(2);
    static final String[] WORDS = ("volcano glacier telescope violin bicycle database backup chess engine honey bees "
            + "sourdough bread yeast knitting wool lighthouse keeper kernel compiler network server archive package "
            + "mirror planet nebula river mountain forest harbour engine piston battery solar wind turbine garden "
            + "tomato pepper recipe soup museum painting sculpture library novel poetry theatre opera").split(" ");

    static BrokerProcess broker;
    static Path dir;
    static List<String> modelArguments;
    static ServiceProcess encoder;

    @BeforeAll
    static void createTopics(BrokerProcess shared) {
        modelArguments = modelArguments();
        broker = shared;
        dir = FaultSupport.runDirectory("encoder-crash");
        broker.createTopics(Map.of(DOCUMENTS, PARTITIONS, VECTORS, PARTITIONS), Map.of(DEAD_LETTERS, 1));
    }

    /** The model to run: an explicit one from system properties, else the bundled default, else skip. */
    static List<String> modelArguments() {
        String model = System.getProperty("streamsparse.e2e.encoder.model-path");
        String tokenizer = System.getProperty("streamsparse.e2e.encoder.tokenizer-path");
        if (model != null && tokenizer != null) {
            return List.of("--streamsparse.encoder.model-path=" + Path.of(model).toAbsolutePath(),
                    "--streamsparse.encoder.tokenizer-path=" + Path.of(tokenizer).toAbsolutePath());
        }
        Assumptions.assumeTrue(ModelResources.defaultModelAvailable(), "the default encoder model is not in this"
                + " build (" + ModelResources.DEFAULT_DIRECTORY + "); set -Dstreamsparse.e2e.encoder.model-path and"
                + " -Dstreamsparse.e2e.encoder.tokenizer-path to run the encoder fault test with another model");
        return List.of();
    }

    @AfterAll
    static void stopEncoder() {
        if (encoder != null) {
            encoder.destroy();
        }
    }

    /** One source record: its partition and offset, the document id, and its version (0 = a delete). */
    record Source(int partition, long offset, String id, int version) {
    }

    @Test
    void aKilledEncoderNeitherLosesNorDuplicatesAVector() throws Exception {
        List<Source> sources = produceDocuments();

        List<String> args = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--streamsparse.encoder.documents-topic=" + DOCUMENTS,
                "--streamsparse.encoder.vectors-topic=" + VECTORS,
                "--streamsparse.encoder.dead-letter-topic=" + DEAD_LETTERS,
                "--spring.kafka.consumer.max-poll-records=16",
                "--streamsparse.encoder.max-batch-size=16",
                "--streamsparse.encoder.intra-op-threads=1",
                // bound the time a crashed instance's open transaction and group membership hold things up
                "--spring.kafka.producer.properties[transaction.timeout.ms]=10000",
                "--spring.kafka.consumer.properties[session.timeout.ms]=6000",
                "--spring.kafka.consumer.properties[heartbeat.interval.ms]=1000"));
        args.addAll(modelArguments);
        encoder = ServiceProcess.start("encoder", "encoder-service", dir, args);
        encoder.awaitReady(START);

        try (Admin admin = broker.admin()) {
            // let it commit part of the backlog, then kill it, preferably inside an open transaction
            await().atMost(START).pollInterval(Duration.ofMillis(100))
                    .until(() -> committedInputs(admin) >= RECORDS / 4);
            int attempts = killInsideAnOpenTransaction(admin);
            long committedAtKill = committedInputs(admin);
            System.out.printf("[fault] encoder killed %s (%d freezes), %d of %d inputs committed%n",
                    attempts > 0 ? "inside an open transaction with records on the broker" : "between transactions",
                    Math.abs(attempts), committedAtKill, RECORDS);
            assertThat(committedAtKill).as("killed mid-stream").isLessThan(RECORDS);

            long restarted = System.nanoTime();
            encoder.restart();
            encoder.awaitReady(START);
            await().atMost(START).pollInterval(Duration.ofMillis(250)).until(
                    () -> committedInputs(admin) == RECORDS && !hasOpenTransaction(admin));
            FaultSupport.report("encoder restarted and finished the backlog", restarted);
        }

        Map<Integer, List<String>> expected = new TreeMap<>();
        for (Source s : sources) {
            expected.computeIfAbsent(s.partition(), p -> new ArrayList<>()).add(tag(s.id(), s.version()));
        }
        Map<Integer, List<String>> committed = outputs(IsolationLevel.READ_COMMITTED);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(committed.getOrDefault(p, List.of())).as("partition %d: committed outputs vs inputs, in order",
                    p).containsExactlyElementsOf(expected.getOrDefault(p, List.of()));
        }
        int uncommitted = outputs(IsolationLevel.READ_UNCOMMITTED).values().stream().mapToInt(List::size).sum();
        System.out.printf("[fault] %d committed vector records for %d source records; %d aborted records (the killed"
                + " transaction's) visible only to read_uncommitted%n", RECORDS, RECORDS, uncommitted - RECORDS);
        assertThat(uncommitted).isGreaterThanOrEqualTo(RECORDS);
    }

    /**
     * Freezes the encoder (SIGSTOP) at random moments until, frozen, it has records of an uncommitted transaction on
     * the broker (a vectors partition's high watermark is past its last stable offset), then kills it (SIGKILL)
     * right there: the worst moment, some outputs of the batch written, neither they nor the input offsets
     * committed. Gives up after 30 freezes and kills it anyway. Returns the number of freezes, negated if it gave up.
     */
    private static int killInsideAnOpenTransaction(Admin admin) throws Exception {
        SplittableRandom rnd = new SplittableRandom(3);
        for (int attempt = 1; attempt <= 30; attempt++) {
            Thread.sleep(rnd.nextInt(40));
            encoder.suspend();
            if (hasOpenTransaction(admin)) {
                encoder.kill();
                return attempt;
            }
            encoder.resume();
        }
        encoder.kill();
        return -30;
    }

    private static String tag(String id, int version) {
        return version == 0 ? id + " deleted" : id + " v" + version;
    }

    /** Writes RECORDS documents (versions of IDS ids, a few deletes) and returns them in send order. */
    private static List<Source> produceDocuments() throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        SplittableRandom rnd = new SplittableRandom(33);
        Map<String, Integer> versions = new HashMap<>();
        List<String> ids = new ArrayList<>();
        List<Integer> sentVersions = new ArrayList<>();
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (int n = 0; n < RECORDS; n++) {
                String id = VectorFeed.id(n < IDS ? n : rnd.nextInt(IDS));
                String value = null;
                int version = 0;
                if (n < IDS || rnd.nextInt(100) >= 8) {
                    version = versions.merge(id, 1, Integer::sum);
                    StringBuilder text = new StringBuilder();
                    for (int w = 0, words = 6 + rnd.nextInt(20); w < words; w++) {
                        text.append(w == 0 ? "" : " ").append(WORDS[rnd.nextInt(WORDS.length)]);
                    }
                    value = ServiceProcess.JSON.writeValueAsString(Map.of("id", id, "title", tag(id, version),
                            "text", text.toString(), "fields", Map.of("version", Integer.toString(version))));
                }
                ids.add(id);
                sentVersions.add(version);
                acks.add(producer.send(new ProducerRecord<>(DOCUMENTS, id, value)));
            }
            producer.flush();
        }
        List<Source> sources = new ArrayList<>();
        for (int n = 0; n < RECORDS; n++) {
            RecordMetadata md = acks.get(n).get(60, TimeUnit.SECONDS);
            sources.add(new Source(md.partition(), md.offset(), ids.get(n), sentVersions.get(n)));
        }
        return sources;
    }

    /** Input records whose processing the encoder's group has committed (its committed offsets, summed). */
    private static long committedInputs(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long sum = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.entrySet()) {
            if (e.getKey().topic().equals(DOCUMENTS) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum;
    }

    /** True when some vectors partition has records past its last stable offset: a transaction is open. */
    private static boolean hasOpenTransaction(Admin admin) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(VECTORS, p), OffsetSpec.latest());
        }
        var high = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                .get(10, TimeUnit.SECONDS);
        var stable = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(10, TimeUnit.SECONDS);
        for (TopicPartition tp : latest.keySet()) {
            if (high.get(tp).offset() > stable.get(tp).offset()) {
                return true;
            }
        }
        return false;
    }

    /** The whole vectors topic as {@code isolation} sees it: per partition, the tag of each record in order. */
    private static Map<Integer, List<String>> outputs(IsolationLevel isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<Integer, List<String>> out = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(VECTORS, p));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                assertThat(System.nanoTime()).as("reading %s", VECTORS).isLessThan(deadline);
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    out.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value() == null
                            ? r.key() + " deleted" : titleOf(r.key(), r.value()));
                }
            }
        }
        return out;
    }

    /** The version tag the encoder carried over from the source document: its title. */
    private static String titleOf(String key, byte[] value) {
        EncodedDocument doc = SparseVectorCodec.decodeDocument(value);
        assertThat(doc.title()).as("title of %s", key).startsWith(key + " v");
        return doc.title();
    }
}
