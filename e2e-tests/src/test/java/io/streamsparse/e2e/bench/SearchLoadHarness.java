package io.streamsparse.e2e.bench;

import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.SparseVectorCodec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Load on the query service, closed loop, with every service in its own JVM as operators run them
 * ({@link ServiceJvm}), so that each one's resident memory can be read from {@code /proc/<pid>/status}: two index
 * shards fed with SPLADE-like synthetic vectors ({@link SyntheticCorpus}), the query service encoding real query
 * texts with the bundled model (the Debian synopses of {@code data/sample/queries.jsonl.gz}), optionally the encoder
 * service after it has encoded the first N real documents of {@code data/sample/docs.jsonl.gz} (they are indexed
 * before the load starts; {@link IngestOverloadHarness} loads the encoder itself), and C client threads each sending
 * one search after another. The broker runs in this JVM, which does nothing else but the clients.
 *
 * <p>For each client count it prints one {@code RESULT} line: QPS of answered (200) searches, their p50/p99/max
 * latency, the 503s of admission control ({@code rejected_503}: they carry {@code Retry-After}), the 503s of searches
 * that no shard answered within the shard timeout ({@code no_shard_503}), other failures, answers with
 * {@code partial: true}, the load average, and for each service its resident memory now ({@code VmRSS}) and at its
 * peak ({@code VmHWM}), in MiB. The query service gets a fixed shard count, so it never waits on the broker's admin
 * API under load.
 *
 * <p>Run from the repository root (not a test: it takes minutes and measures time), under the machine's lock:
 * <pre>
 * mvn -B -o -pl e2e-tests -am package -DskipTests dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt \
 *     -Dmdep.includeScope=test
 * java -cp e2e-tests/target/test-classes:$(cat /tmp/cp.txt) \
 *     io.streamsparse.e2e.bench.SearchLoadHarness --clients 16,64 --seconds 20 [--max-concurrent N] \
 *     [--jvm "-Xmx1g"] [--encoder-documents 3000] [--env MALLOC_ARENA_MAX=2] [--sysprop streamsparse.onnx.cpu-arena=true]
 *     [--replicas R] [--hedge-delay 20ms] [--explain]
 * </pre>
 * {@code --max-concurrent} sets {@code streamsparse.query.max-concurrent-searches} and the index services'
 * {@code max-concurrent-searches} (default: the services' own); 10000 turns admission control off for the "before"
 * rows. {@code --replicas} starts R index instances per shard, {@code --hedge-delay} sets
 * {@code streamsparse.query.hedge-delay} (hedging pays only with replicas). {@code --explain} runs each client count
 * four times, alternately without and with {@code explain=true}, to measure what explanations cost.
 */
public final class SearchLoadHarness {

    private static final Pattern DOCUMENTS = Pattern.compile("\"documents\":(\\d+)");

    private SearchLoadHarness() {
    }

    public static void main(String[] args) throws Exception {
        int[] clientCounts = {16, 64};
        int seconds = 20;
        int documents = 20_000;
        int encoderDocuments = 0;
        String maxConcurrent = null;
        int replicas = 1;
        String hedgeDelay = null;
        boolean compareExplain = false;
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clientCounts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--documents" -> documents = Integer.parseInt(args[++i]);
                case "--encoder-documents" -> encoderDocuments = Integer.parseInt(args[++i]);
                case "--max-concurrent" -> maxConcurrent = args[++i];
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                case "--hedge-delay" -> hedgeDelay = args[++i];
                case "--explain" -> compareExplain = true;
                case "--jvm" -> jvm = new ArrayList<>(List.of(args[++i].trim().split("\\s+")));
                case "--sysprop" -> jvm.add("-D" + args[++i]);
                case "--env" -> {
                    String[] kv = args[++i].split("=", 2);
                    env.put(kv[0], kv[1]);
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (usage: --clients 16,64"
                        + " --seconds S --documents N --encoder-documents N --max-concurrent N --jvm OPTS"
                        + " --sysprop K=V --env K=V --replicas R --hedge-delay D --explain)");
            }
        }
        List<String> queries = queries(Path.of("data/sample/queries.jsonl.gz"));
        Path run = Files.createTempDirectory(Path.of("e2e-tests/target"), "search-load-");
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of("auto.create.topics.enable", "false",
                "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1",
                "offsets.topic.replication.factor", "1"));
        broker.afterPropertiesSet();
        String kafka = "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString();
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        try (Admin a = Admin.create(admin)) {
            Map<String, String> compacted = Map.of("cleanup.policy", "compact");
            a.createTopics(List.of(new NewTopic("documents", 2, (short) 1).configs(compacted),
                    new NewTopic("sparse-vectors", 2, (short) 1).configs(compacted),
                    new NewTopic("documents.DLT", 1, (short) 1), new NewTopic("sparse-vectors.DLT", 1, (short) 1)))
                    .all().get();
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        SyntheticCorpus corpus = new SyntheticCorpus(11);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < documents; i++) {
                producer.send(new ProducerRecord<>("sparse-vectors", corpus.docId(i),
                        SparseVectorCodec.encode(corpus.document(i))));
            }
        }
        List<ServiceJvm> services = new ArrayList<>();
        List<String> indexUrls = new ArrayList<>();
        for (int shard = 0; shard < 2; shard++) {
            for (int replica = 0; replica < replicas; replica++) {
                List<String> indexArgs = new ArrayList<>(List.of(kafka, "--streamsparse.index.partitions=" + shard,
                        "--streamsparse.index.snapshot-dir=" + run.resolve("snapshots-" + shard + "-" + replica)));
                if (maxConcurrent != null) {
                    indexArgs.add("--streamsparse.index.max-concurrent-searches=" + maxConcurrent);
                }
                ServiceJvm index = ServiceJvm.start("index-" + shard + "-" + replica, "index-service", run, jvm, env, indexArgs);
                services.add(index);
                indexUrls.add(index.base().toString());
            }
        }
        int indexCount = services.size();
        List<String> queryArgs = new ArrayList<>(List.of(kafka, "--streamsparse.query.shard-count=2",
                "--streamsparse.query.index-urls=" + String.join(",", indexUrls)));
        if (maxConcurrent != null) {
            queryArgs.add("--streamsparse.query.max-concurrent-searches=" + maxConcurrent);
        }
        if (hedgeDelay != null) {
            queryArgs.add("--streamsparse.query.hedge-delay=" + hedgeDelay);
        }
        ServiceJvm query = ServiceJvm.start("query", "query-service", run, jvm, env, queryArgs);
        services.add(query);
        if (encoderDocuments > 0) {
            services.add(ServiceJvm.start("encoder", "encoder-service", run, jvm, env, List.of(kafka)));
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        for (ServiceJvm s : services) {
            s.awaitLive(http);
        }
        if (encoderDocuments > 0) {
            feedDocuments(broker.getBrokersAsString(), Path.of("data/sample/docs.jsonl.gz"), encoderDocuments);
        }
        awaitAllDocuments(http, query.base(), queries.get(0), services.subList(0, indexCount),
                (documents + encoderDocuments) * replicas);
        System.out.println("indexed " + (documents + encoderDocuments) + " documents; " + ServiceJvm.memory(services));

        System.out.printf("RESULT search-load-setup documents=%d replicas=%d hedge_delay=%s max_concurrent=%s%n",
                documents, replicas, hedgeDelay == null ? "default" : hedgeDelay,
                maxConcurrent == null ? "default" : maxConcurrent);
        // warm-up: JIT, connection pools (both paths when explanations are compared)
        run(http, query.base(), queries, 4, compareExplain ? 15 : 5, services, false, compareExplain);
        for (int clients : clientCounts) {
            run(http, query.base(), queries, clients, seconds, services, true, false);
            if (compareExplain) { // off, on, off, on: a drift over time (JIT, heap growth) shows up as such
                run(http, query.base(), queries, clients, seconds, services, true, true);
                run(http, query.base(), queries, clients, seconds, services, true, false);
                run(http, query.base(), queries, clients, seconds, services, true, true);
            }
        }
        ServiceJvm.stopAll(services);
        broker.destroy();
        System.exit(0);
    }

    /** The first {@code n} documents of a JSONL corpus to the {@code documents} topic, for the encoder. */
    private static void feedDocuments(String bootstrap, Path file, int n) throws IOException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        Pattern id = Pattern.compile("^\\{\"id\":\"([^\"]+)\"");
        int sent = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props);
                BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                        Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null && sent < n; line = in.readLine()) {
                Matcher m = id.matcher(line);
                if (m.find()) {
                    producer.send(new ProducerRecord<>("documents", m.group(1), line));
                    sent++;
                }
            }
        }
        if (sent < n) {
            throw new IllegalArgumentException(file + " has only " + sent + " documents, " + n + " wanted");
        }
    }

    private static void run(HttpClient http, URI base, List<String> queries, int clients, int seconds,
            List<ServiceJvm> services, boolean report, boolean explain) throws Exception {
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        AtomicLong rejected = new AtomicLong();
        AtomicLong unavailable = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong partial = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            latencies[c] = new long[1 << 16];
            Thread t = new Thread(() -> {
                int q = client * 7919;
                while (!stop.get()) {
                    String text = queries.get(Math.floorMod(q++, queries.size()));
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/search?k=10"
                                + (explain ? "&explain=true" : "") + "&q="
                                + URLEncoder.encode(text, StandardCharsets.UTF_8))).timeout(Duration.ofSeconds(30))
                                .build(), HttpResponse.BodyHandlers.ofString());
                        long nanos = System.nanoTime() - start;
                        if (r.statusCode() == 200) {
                            if (r.body().contains("\"partial\":true")) {
                                partial.incrementAndGet();
                            }
                            if (counts[client] < latencies[client].length) {
                                latencies[client][counts[client]++] = nanos;
                            }
                        } else if (r.statusCode() == 503 && r.headers().firstValue("Retry-After").isPresent()) {
                            rejected.incrementAndGet(); // admission control
                        } else if (r.statusCode() == 503) {
                            unavailable.incrementAndGet(); // no shard answered within the shard timeout
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            }, "load-" + c);
            threads.add(t);
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (!report) {
            return;
        }
        long[] all = new long[Arrays.stream(counts).sum()];
        int n = 0;
        for (int c = 0; c < clients; c++) {
            System.arraycopy(latencies[c], 0, all, n, counts[c]);
            n += counts[c];
        }
        Arrays.sort(all);
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        System.out.printf(Locale.ROOT, "RESULT search-load explain=%b clients=%d seconds=%.0f answered=%d qps=%.1f p50_ms=%.0f"
                        + " p99_ms=%.0f max_ms=%.0f rejected_503=%d rejected_per_s=%.1f no_shard_503=%d failed=%d"
                        + " partial=%d"
                        + " load1=%.2f %s%n",
                explain, clients, elapsed, all.length, all.length / elapsed, pct(all, 0.50), pct(all, 0.99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, rejected.get(), rejected.get() / elapsed,
                unavailable.get(), failed.get(), partial.get(), load, ServiceJvm.memory(services));
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }

    private static void awaitAllDocuments(HttpClient http, URI query, String q, List<ServiceJvm> indexes,
            int documents) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (System.nanoTime() < deadline) {
            long indexed = 0;
            for (ServiceJvm index : indexes) {
                Matcher m = DOCUMENTS.matcher(http.send(HttpRequest.newBuilder(index.base().resolve("/v1/shards"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
                while (m.find()) {
                    indexed += Long.parseLong(m.group(1));
                }
            }
            int status = http.send(HttpRequest.newBuilder(query.resolve("/v1/search?q="
                    + URLEncoder.encode(q, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (indexed >= documents && status == 200) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the index did not reach " + documents + " documents in 15 minutes");
    }

    private static List<String> queries(Path file) throws Exception {
        List<String> out = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                int at = line.indexOf("\"text\":\"");
                if (at >= 0) {
                    int end = line.indexOf('"', at + 8);
                    out.add(line.substring(at + 8, end).replace("\\\\", "\\"));
                }
            }
        }
        return out;
    }
}
