package io.streamsparse.e2e.bench;

import io.streamsparse.encoderservice.EncoderServiceApplication;
import io.streamsparse.index.IndexServiceApplication;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ingest overload: more documents than the encoder can take. An in-process KRaft broker, the encoder service (the
 * bundled model) and one index service owning both shards; a producer writes the sample corpus
 * ({@code data/sample/docs.jsonl.gz}, real Debian descriptions, ids made unique per pass) to {@code documents} at a
 * fixed rate well above the encoder's throughput for {@code --seconds}, then stops. Every second it samples the
 * encoder group's lag on {@code documents} and the documents the index serves. It reports the encoder's lag peak,
 * the time from the end of the load until every sent document is searchable (catch-up), and checks that nothing is
 * lost: searchable documents = distinct ids sent, no dead letter. The pipeline is expected to fall behind while the
 * load lasts (lag grows, readiness stays UP: lag is not a failure) and to catch up after it.
 *
 * <p>A harness, not a test (it takes minutes and measures time). Run from the repository root:
 * <pre>
 * mvn -B -o -pl e2e-tests -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -Xmx2g -cp e2e-tests/target/test-classes:$(cat /tmp/cp.txt) io.streamsparse.e2e.bench.IngestOverloadHarness \
 *     --rate 100 --seconds 20
 * </pre>
 * It gives DJL a private cache directory (the tokenizer's native library is extracted there): JVMs sharing the
 * default cache while one of them extracts it have crashed in native code. Ends with one {@code RESULT} line.
 */
public final class IngestOverloadHarness {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String GROUP = "encoder-service";

    private IngestOverloadHarness() {
    }

    public static void main(String[] args) throws Exception {
        int rate = 100;
        int seconds = 20;
        long catchUpLimitSeconds = 900;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--catch-up-limit" -> catchUpLimitSeconds = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (usage: --rate DOCS_PER_S --seconds S --catch-up-limit S)");
            }
        }
        Path work = Files.createTempDirectory("ingest-overload");
        System.setProperty("DJL_CACHE_DIR", work.resolve("djl").toString());
        System.setProperty("ENGINE_CACHE_DIR", work.resolve("djl").toString());
        List<String> corpus = corpus(Path.of("data/sample/docs.jsonl.gz"));

        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of("auto.create.topics.enable", "false",
                "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1",
                "offsets.topic.replication.factor", "1"));
        broker.afterPropertiesSet();
        String bootstrap = broker.getBrokersAsString();
        Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Admin admin = Admin.create(adminProps);
        Map<String, String> compact = Map.of("cleanup.policy", "compact");
        admin.createTopics(List.of(new NewTopic("documents", 2, (short) 1).configs(compact),
                new NewTopic("sparse-vectors", 2, (short) 1).configs(compact),
                new NewTopic("documents.DLT", 1, (short) 1), new NewTopic("sparse-vectors.DLT", 1, (short) 1)))
                .all().get();
        String kafka = "--spring.kafka.bootstrap-servers=" + bootstrap;
        List<ConfigurableApplicationContext> services = new ArrayList<>();
        ConfigurableApplicationContext index = IndexServiceApplication.builder().run(kafka, "--server.port=0",
                "--streamsparse.index.partitions=0,1", "--logging.level.root=WARN",
                "--streamsparse.index.snapshot-dir=" + work.resolve("snapshots"));
        services.add(index);
        URI indexBase = URI.create("http://127.0.0.1:" + index.getEnvironment().getProperty("local.server.port"));
        services.add(EncoderServiceApplication.builder().run(kafka, "--server.port=0", "--logging.level.root=WARN"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        long total = (long) rate * seconds;
        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long peakLag = 0;
        double peakLagAt = 0;
        long start = System.nanoTime();
        System.out.printf(Locale.ROOT, "load: %d documents at %d/s for %d s (uptime: %s)%n", total, rate, seconds,
                uptime());
        System.out.println("   t_s   sent  encoder_lag  searchable");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            long nextSample = start;
            for (long i = 0; i < total; i++) {
                long due = start + i * 1_000_000_000L / rate;
                long now;
                while ((now = System.nanoTime()) < due) {
                    Thread.sleep(Math.max(0, Math.min(50, (due - now) / 1_000_000)));
                }
                if (now >= nextSample) {
                    long lag = encoderLag(admin);
                    if (lag > peakLag) {
                        peakLag = lag;
                        peakLagAt = seconds(start);
                    }
                    System.out.printf(Locale.ROOT, "%6.1f %6d %12d %11d%n", seconds(start), acked.get(), lag,
                            searchable(http, indexBase));
                    nextSample = now + TimeUnit.SECONDS.toNanos(1);
                }
                JsonNode doc = JSON.readTree(corpus.get((int) (i % corpus.size())));
                String id = doc.path("id").asString() + "#" + (i / corpus.size());
                String value = JSON.writeValueAsString(Map.of("id", id, "title", doc.path("title").asString(),
                        "text", doc.path("text").asString()));
                producer.send(new ProducerRecord<>("documents", id, value), (meta, error) -> {
                    if (error == null) {
                        acked.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
        double loadEnd = seconds(start);
        System.out.printf(Locale.ROOT, "load stopped at %.1f s: %d acknowledged, %d failed%n", loadEnd, acked.get(),
                failed.get());
        long searchable = 0;
        long lag = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(catchUpLimitSeconds);
        while (System.nanoTime() < deadline) {
            lag = encoderLag(admin);
            searchable = searchable(http, indexBase);
            if (lag > peakLag) {
                peakLag = lag;
                peakLagAt = seconds(start);
            }
            System.out.printf(Locale.ROOT, "%6.1f %6d %12d %11d%n", seconds(start), acked.get(), lag, searchable);
            if (lag == 0 && searchable >= acked.get()) {
                break;
            }
            Thread.sleep(1_000);
        }
        double caughtUp = seconds(start);
        long deadLetters = endOffset(admin, "documents.DLT");
        boolean complete = lag == 0 && searchable == acked.get() && deadLetters == 0 && failed.get() == 0;
        double encoderRate = acked.get() / Math.max(0.001, caughtUp);
        System.out.printf(Locale.ROOT, "RESULT ingest-overload offered_rate=%d/s load_s=%d sent=%d searchable=%d"
                + " dead_lettered=%d lost=%d encoder_lag_peak=%d peak_at_s=%.1f catch_up_s=%.1f"
                + " end_to_end_rate=%.1f/s complete=%s uptime=\"%s\"%n", rate, seconds, acked.get(), searchable,
                deadLetters, acked.get() - searchable, peakLag, peakLagAt, caughtUp - loadEnd, encoderRate, complete,
                uptime());
        admin.close();
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        broker.destroy();
        System.exit(complete ? 0 : 1);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** Records of {@code documents} the encoder group has not committed yet, over both partitions. */
    private static long encoderLag(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (int p = 0; p < 2; p++) {
            TopicPartition tp = new TopicPartition("documents", p);
            long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                    .get(10, TimeUnit.SECONDS).offset();
            OffsetAndMetadata c = committed.get(tp);
            lag += end - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    private static long endOffset(Admin admin, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(10, TimeUnit.SECONDS)
                .offset();
    }

    /** Live documents the index serves, over its shards. */
    private static long searchable(HttpClient http, URI index) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(index.resolve("/v1/shards")).build(),
                HttpResponse.BodyHandlers.ofString());
        long documents = 0;
        for (JsonNode shard : JSON.readTree(r.body())) {
            documents += shard.path("documents").asLong();
        }
        return documents;
    }

    private static List<String> corpus(Path file) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isBlank()) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    private static String uptime() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (Exception e) {
            return "?";
        }
    }
}
