package io.streamsparse.e2e.bench;

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
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Ingest overload: more documents than the encoder can take. A KRaft broker in this JVM, the encoder service (the
 * bundled model) and one index service owning both shards, each in its own JVM from its exec jar ({@link ServiceJvm});
 * a producer writes the sample corpus ({@code data/sample/docs.jsonl.gz}, real Debian descriptions, ids made unique
 * per pass) to {@code documents} at a fixed rate well above the encoder's throughput for {@code --seconds}, then
 * stops. Every second it samples the encoder group's lag on {@code documents}, the documents the index serves, the
 * encoder's readiness and both services' resident memory. It reports the offered rate against the encoder's rate
 * (while the load lasts, and while it works off the backlog after it), the lag peak, the time from the end of the
 * load until every sent document is searchable or dead-lettered (catch-up), the documents lost (sent − searchable −
 * dead-lettered, which must be 0) and each service's resident memory at its peak. The pipeline is expected to fall
 * behind while the load lasts (lag grows, readiness stays UP: lag is not a failure) and to catch up after it.
 *
 * <p>A harness, not a test (it takes minutes and measures time). Run from the repository root, under the machine's
 * lock:
 * <pre>
 * mvn -B -o -pl e2e-tests -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test
 * java -Xmx1g -cp e2e-tests/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.streamsparse.e2e.bench.IngestOverloadHarness --rate 100 --seconds 60 [--jvm "-Xmx1g"] [--catch-up-limit 900]
 * </pre>
 * Ends with one {@code RESULT} line; exits 1 when a document is lost or the pipeline did not catch up in time.
 */
public final class IngestOverloadHarness {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String GROUP = "encoder-service";

    private IngestOverloadHarness() {
    }

    /** What one sample saw; the peaks are kept across samples. */
    private static final class Progress {
        long peakLag;
        double peakLagAt;
        long lag;
        long searchable;
        long encoded;
        int encoderNotReady;

        void sample(Admin admin, HttpClient http, ServiceJvm encoder, ServiceJvm index, long start, long sent,
                List<ServiceJvm> services) throws Exception {
            long[] lagAndEnd = encoderLag(admin);
            lag = lagAndEnd[0];
            encoded = lagAndEnd[1] - lag;
            searchable = searchable(http, index.base());
            boolean ready = status(http, encoder.base().resolve("/actuator/health/readiness")) == 200;
            if (!ready) {
                encoderNotReady++;
            }
            if (lag > peakLag) {
                peakLag = lag;
                peakLagAt = seconds(start);
            }
            System.out.printf(Locale.ROOT, "%6.1f %6d %12d %8d %11d %6s  %s%n", seconds(start), sent, lag, encoded,
                    searchable, ready ? "UP" : "DOWN", ServiceJvm.memory(services));
        }
    }

    public static void main(String[] args) throws Exception {
        int rate = 100;
        int seconds = 60;
        long catchUpLimitSeconds = 900;
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--catch-up-limit" -> catchUpLimitSeconds = Long.parseLong(args[++i]);
                case "--jvm" -> jvm = new ArrayList<>(List.of(args[++i].trim().split("\\s+")));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (usage: --rate DOCS_PER_S --seconds S --catch-up-limit S --jvm OPTS)");
            }
        }
        List<String> corpus = corpus(Path.of("data/sample/docs.jsonl.gz"));
        Path run = Files.createTempDirectory(Path.of("e2e-tests/target"), "ingest-overload-");

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
        ServiceJvm index = ServiceJvm.start("index", "index-service", run, jvm, Map.of(), List.of(kafka,
                "--streamsparse.index.partitions=0,1", "--streamsparse.index.snapshot-dir=" + run.resolve("snapshots")));
        ServiceJvm encoder = ServiceJvm.start("encoder", "encoder-service", run, jvm, Map.of(), List.of(kafka));
        List<ServiceJvm> services = List.of(encoder, index);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (ServiceJvm s : services) {
            s.awaitLive(http);
        }

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
        Progress progress = new Progress();
        System.out.printf(Locale.ROOT, "services live (%s); load: %d documents at %d/s for %d s (uptime: %s)%n",
                ServiceJvm.memory(services), total, rate, seconds, uptime());
        System.out.println("   t_s   sent  encoder_lag  encoded  searchable  ready  resident memory");
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            long nextSample = start;
            for (long i = 0; i < total; i++) {
                long due = start + i * 1_000_000_000L / rate;
                long now;
                while ((now = System.nanoTime()) < due) {
                    Thread.sleep(Math.max(0, Math.min(50, (due - now) / 1_000_000)));
                }
                if (now >= nextSample) {
                    progress.sample(admin, http, encoder, index, start, acked.get(), services);
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
        progress.sample(admin, http, encoder, index, start, acked.get(), services);
        long encodedAtLoadEnd = progress.encoded;
        long lagAtLoadEnd = progress.lag;
        System.out.printf(Locale.ROOT, "load stopped at %.1f s: %d acknowledged, %d failed, lag %d (uptime: %s)%n",
                loadEnd, acked.get(), failed.get(), lagAtLoadEnd, uptime());
        long deadLetters = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(catchUpLimitSeconds);
        while (System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            progress.sample(admin, http, encoder, index, start, acked.get(), services);
            deadLetters = endOffset(admin, "documents.DLT");
            if (progress.lag == 0 && progress.searchable + deadLetters >= acked.get()) {
                break;
            }
        }
        double caughtUp = seconds(start);
        long lost = acked.get() - progress.searchable - deadLetters;
        boolean complete = progress.lag == 0 && lost == 0 && failed.get() == 0;
        double rateDuringLoad = encodedAtLoadEnd / loadEnd;
        double rateAfterLoad = (progress.encoded - encodedAtLoadEnd) / Math.max(0.001, caughtUp - loadEnd);
        System.out.printf(Locale.ROOT, "RESULT ingest-overload offered_per_s=%d load_s=%d sent=%d"
                + " encoder_per_s_during_load=%.1f encoder_per_s_after_load=%.1f lag_at_load_end=%d"
                + " encoder_lag_peak=%d peak_at_s=%.1f catch_up_s=%.1f searchable=%d dead_lettered=%d lost=%d"
                + " send_failed=%d encoder_not_ready_samples=%d %s jvm=\"%s\" complete=%s uptime=\"%s\"%n", rate, seconds, acked.get(),
                rateDuringLoad, rateAfterLoad, lagAtLoadEnd, progress.peakLag, progress.peakLagAt, caughtUp - loadEnd,
                progress.searchable, deadLetters, lost, failed.get(), progress.encoderNotReady,
                ServiceJvm.memory(services), String.join(" ", jvm), complete, uptime());
        admin.close();
        ServiceJvm.stopAll(services);
        broker.destroy();
        System.exit(complete ? 0 : 1);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /**
     * {lag, end}: records of {@code documents} the encoder group has not committed yet, and the topic's end offsets,
     * summed over both partitions.
     */
    private static long[] encoderLag(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        long lag = 0;
        long end = 0;
        for (int p = 0; p < 2; p++) {
            TopicPartition tp = new TopicPartition("documents", p);
            long partitionEnd = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                    .get(10, TimeUnit.SECONDS).offset();
            OffsetAndMetadata c = committed.get(tp);
            lag += partitionEnd - (c == null ? 0 : c.offset());
            end += partitionEnd;
        }
        return new long[] {lag, end};
    }

    private static long endOffset(Admin admin, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get(10, TimeUnit.SECONDS)
                .offset();
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
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
