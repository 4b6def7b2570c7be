package io.streamsparse.e2e.bench;

import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.SparseVectorCodec;
import io.streamsparse.index.IndexServiceApplication;
import io.streamsparse.query.QueryServiceApplication;
import java.io.BufferedReader;
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
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Load on the query service, closed loop: an in-process KRaft broker, two index shards fed with SPLADE-like
 * synthetic vectors ({@link SyntheticCorpus}), the query service with the bundled model encoding real query texts
 * (the Debian synopses of {@code data/sample/queries.jsonl.gz}), and C client threads each sending one search after
 * another. For each client count it reports QPS of answered (200) searches, their p50/p99/max latency, the 503
 * rejections of admission control and other failures, and the process's resident memory afterwards.
 *
 * <p>Run from the repository root (not a test: it takes minutes and measures time):
 * <pre>
 * mvn -B -pl e2e-tests -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -Xmx2g -cp e2e-tests/target/test-classes:$(cat /tmp/cp.txt) io.streamsparse.e2e.bench.SearchLoadHarness \
 *     --clients 16,64 --seconds 20 [--max-concurrent N] [--replicas R] [--hedge-delay 20ms] [--explain]
 * </pre>
 * {@code --max-concurrent} sets {@code streamsparse.query.max-concurrent-searches} (default: the service's);
 * a large value (10000) turns admission control off for the "before" row. {@code --replicas} starts R index
 * instances per shard, {@code --hedge-delay} sets {@code streamsparse.query.hedge-delay} (hedging pays only with
 * replicas). {@code --explain} runs each client count twice, without and with {@code explain=true}, to measure
 * what explanations cost. Ends with one {@code RESULT} line per run.
 */
public final class SearchLoadHarness {

    private SearchLoadHarness() {
    }

    public static void main(String[] args) throws Exception {
        int[] clientCounts = {16, 64};
        int seconds = 20;
        int documents = 20_000;
        String maxConcurrent = null;
        int replicas = 1;
        String hedgeDelay = null;
        boolean compareExplain = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clientCounts = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt)
                        .toArray();
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--documents" -> documents = Integer.parseInt(args[++i]);
                case "--max-concurrent" -> maxConcurrent = args[++i];
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                case "--hedge-delay" -> hedgeDelay = args[++i];
                case "--explain" -> compareExplain = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (usage: --clients 16,64 --seconds S --documents N --max-concurrent N --replicas R"
                        + " --hedge-delay D --explain)");
            }
        }
        List<String> queries = queries(Path.of("data/sample/queries.jsonl.gz"));
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of("auto.create.topics.enable", "false"));
        broker.afterPropertiesSet();
        String kafka = "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString();
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic("sparse-vectors", 2, (short) 1), new NewTopic("sparse-vectors.DLT", 1,
                    (short) 1))).all().get();
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        SyntheticCorpus corpus = new SyntheticCorpus(11);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < documents; i++) {
                producer.send(new ProducerRecord<>("sparse-vectors", i % 2, corpus.docId(i),
                        SparseVectorCodec.encode(corpus.document(i))));
            }
        }
        List<ConfigurableApplicationContext> services = new ArrayList<>();
        List<String> indexUrls = new ArrayList<>();
        Path snapshots = Files.createTempDirectory("load-snapshots");
        for (int shard = 0; shard < 2; shard++) {
            for (int replica = 0; replica < replicas; replica++) {
                ConfigurableApplicationContext index = IndexServiceApplication.builder().run(kafka, "--server.port=0",
                        "--streamsparse.index.partitions=" + shard, "--logging.level.root=WARN",
                        "--streamsparse.index.snapshot-dir=" + snapshots.resolve("shard-" + shard + "-" + replica));
                services.add(index);
                indexUrls.add("http://127.0.0.1:" + index.getEnvironment().getProperty("local.server.port"));
            }
        }
        List<String> queryArgs = new ArrayList<>(List.of(kafka, "--server.port=0", "--logging.level.root=WARN",
                "--streamsparse.query.index-urls=" + String.join(",", indexUrls)));
        if (maxConcurrent != null) {
            queryArgs.add("--streamsparse.query.max-concurrent-searches=" + maxConcurrent);
        }
        if (hedgeDelay != null) {
            queryArgs.add("--streamsparse.query.hedge-delay=" + hedgeDelay);
        }
        ConfigurableApplicationContext query = QueryServiceApplication.builder().run(queryArgs.toArray(String[]::new));
        services.add(query);
        URI base = URI.create("http://127.0.0.1:" + query.getEnvironment().getProperty("local.server.port"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        awaitAllDocuments(http, base, queries.get(0), indexUrls, documents * replicas);

        System.out.printf("RESULT search-load-setup documents=%d replicas=%d hedge_delay=%s max_concurrent=%s%n",
                documents, replicas, hedgeDelay == null ? "default" : hedgeDelay,
                maxConcurrent == null ? "default" : maxConcurrent);
        run(http, base, queries, 4, 5, false, compareExplain); // warm-up: JIT, connection pools
        for (int clients : clientCounts) {
            run(http, base, queries, clients, seconds, true, false);
            if (compareExplain) {
                run(http, base, queries, clients, seconds, true, true);
            }
        }
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        broker.destroy();
        System.exit(0);
    }

    private static void run(HttpClient http, URI base, List<String> queries, int clients, int seconds,
            boolean report, boolean explain) throws Exception {
        long[][] latencies = new long[clients][];
        int[] counts = new int[clients];
        AtomicLong rejected = new AtomicLong();
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
                        } else if (r.statusCode() == 503) {
                            rejected.incrementAndGet();
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
        System.out.printf("RESULT search-load explain=%b clients=%d seconds=%.0f answered=%d qps=%.1f p50_ms=%.0f p99_ms=%.0f"
                        + " max_ms=%.0f rejected_503=%d rejected_per_s=%.1f failed=%d partial=%d rss_mb=%d load=%.2f%n",
                explain, clients, elapsed, all.length, all.length / elapsed, pct(all, 0.50), pct(all, 0.99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6, rejected.get(), rejected.get() / elapsed,
                failed.get(), partial.get(), residentMegabytes(), load);
    }

    private static double pct(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }

    /** Resident memory of this JVM (all services share it) from /proc, or -1 elsewhere. */
    private static long residentMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    private static void awaitAllDocuments(HttpClient http, URI base, String query, List<String> indexUrls,
            int documents) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            long indexed = 0;
            for (String url : indexUrls) {
                String body = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/shards")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"documents\":(\\d+)").matcher(body);
                while (m.find()) {
                    indexed += Long.parseLong(m.group(1));
                }
            }
            int status = http.send(HttpRequest.newBuilder(base.resolve("/v1/search?q="
                    + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode();
            if (indexed >= documents && status == 200) {
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the index did not reach " + documents + " documents in 5 minutes");
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
