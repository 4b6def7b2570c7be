package io.streamsparse.e2e.bench;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.streamsparse.core.synthetic.SyntheticCorpus;
import io.streamsparse.core.vector.SparseVectorCodec;
import io.streamsparse.index.IndexServiceApplication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Freshness of one index shard under a steady update stream: an in-process KRaft broker, the index service
 * ({@link IndexServiceApplication#builder()}) owning one partition, and a producer writing SPLADE-like synthetic
 * vectors ({@link SyntheticCorpus}, re-upserting a pool of ids) at a fixed rate. Each record's timestamp is the time
 * it was due by that rate, so a producer that sends late (its buffer full, its thread without a core) counts against
 * freshness. The service's own {@code streamsparse.index.freshness} timer (Kafka record timestamp → applied and
 * visible to searches: the engine publishes a view with every applied record) is read from its registry: the
 * histogram's counts over the measured window (after a warm-up) give p50/p99, reported as the upper edge of the
 * histogram bucket that holds the percentile. The report also says where the two cores went ({@link ThreadCpu}).
 *
 * <p>Run (after {@code mvn -B -DskipTests install}): {@code mvn -B -pl e2e-tests exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=io.streamsparse.e2e.bench.FreshnessBenchmark
 * -Dexec.args="--rate 10000 --seconds 30"}. Ends with {@code RESULT freshness rate=.. achieved=.. p50_ms=..
 * p99_ms=.. max_ms=.. updates=..}.
 */
public final class FreshnessBenchmark {

    /** Shortest sleep of the paced producer: records due within it are sent together. */
    static final long PACE_NANOS = 1_000_000;

    private FreshnessBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int rate = 10_000;
        int seconds = 30;
        int warmupSeconds = 10;
        int idPool = 200_000;
        int batchBytes = 1 << 20;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Integer.parseInt(args[++i]);
                case "--ids" -> idPool = Integer.parseInt(args[++i]);
                case "--batch-bytes" -> batchBytes = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (usage: --rate N --seconds S --warmup-seconds S --ids N --batch-bytes N)");
            }
        }
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of("auto.create.topics.enable", "false"));
        broker.afterPropertiesSet();
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic("sparse-vectors", 1, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")), new NewTopic("sparse-vectors.DLT", 1, (short) 1)))
                    .all().get();
        }
        Path snapshots = Files.createTempDirectory("freshness-snapshots");
        ConfigurableApplicationContext index = IndexServiceApplication.builder().run("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                "--streamsparse.index.partitions=0", "--streamsparse.index.snapshot-dir=" + snapshots,
                "--logging.level.root=WARN", "--logging.level.io.streamsparse.index.Shards=INFO");
        ApplicationAvailability availability = index.getBean(ApplicationAvailability.class);
        while (availability.getReadinessState() != ReadinessState.ACCEPTING_TRAFFIC) {
            Thread.sleep(100);
        }
        Timer freshness = index.getBean(MeterRegistry.class).get("streamsparse.index.freshness").timer();

        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        // a record is ~1 KB: with the default 16 KB batches and at most 5 requests in flight the producer's buffer
        // filled at 10k/s and records queued in it for seconds before reaching the broker (docs/BENCHMARKS.md)
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchBytes));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        SyntheticCorpus corpus = new SyntheticCorpus(7);
        int total = rate * (warmupSeconds + seconds);
        System.out.printf("freshness: %,d updates/s for %d s (+%d s warm-up) over %,d ids, load average %.1f%n",
                rate, seconds, warmupSeconds, idPool,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        byte[][] values = new byte[Math.min(total, 50_000)][];
        for (int i = 0; i < values.length; i++) {
            values[i] = SparseVectorCodec.encode(corpus.document(i));
        }
        HistogramSnapshot before = null;
        ThreadCpu.Sample cpuBefore = null;
        long measuredStart = 0;
        Gauge applied = index.getBean(MeterRegistry.class).get("streamsparse.index.applied.offset").gauge();
        Backlog backlog = new Backlog(applied, rate);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            long start = System.nanoTime();
            long startMillis = System.currentTimeMillis();
            backlog.start(start, startMillis);
            for (int i = 0; i < total; i++) {
                long dueNanos = (long) (i * 1e9 / rate);
                long wait = start + dueNanos - System.nanoTime();
                if (wait > 0) {
                    // sleep, never spin: a spinning producer took a quarter of the 2 cores the service needs. Parks
                    // of at least PACE_NANOS send the records due meanwhile together; each carries its due time
                    // as its timestamp, so sending late counts against freshness and is not hidden
                    LockSupport.parkNanos(Math.max(wait, PACE_NANOS));
                }
                if (i == rate * warmupSeconds) {
                    before = freshness.takeSnapshot();
                    cpuBefore = ThreadCpu.sample();
                    measuredStart = System.nanoTime();
                }
                producer.send(new ProducerRecord<>("sparse-vectors", 0, startMillis + dueNanos / 1_000_000,
                        corpus.docId(i % idPool), values[i % values.length]));
                backlog.sent = i + 1;
            }
            producer.flush();
        }
        long measuredNanos = System.nanoTime() - measuredStart;
        ThreadCpu.Sample cpuAfter = ThreadCpu.sample();
        long expected = total;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (freshness.count() < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        HistogramSnapshot after = freshness.takeSnapshot();
        backlog.stop();
        long updates = after.count() - before.count();
        double achieved = (rate * seconds) / (measuredNanos / 1e9);
        double p50 = percentileMillis(before, after, 0.50);
        double p99 = percentileMillis(before, after, 0.99);
        System.out.printf("measured %,d updates; p50 <= %.1f ms, p99 <= %.1f ms, max %.1f ms (since start)%n",
                updates, p50, p99, after.max(TimeUnit.MILLISECONDS));
        System.out.printf("CPU over the measured %.1f s:%n%s",
                measuredNanos / 1e9, ThreadCpu.report(cpuBefore, cpuAfter, measuredNanos));
        System.out.print(backlog.report(warmupSeconds));
        System.out.printf("RESULT freshness rate=%d achieved=%.0f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f updates=%d%n",
                rate, achieved, p50, p99, after.max(TimeUnit.MILLISECONDS), updates);
        index.close();
        broker.destroy();
        System.exit(0);
    }

    /**
     * The consumer's backlog over time: every 10 ms, records sent minus records applied (the service's applied-offset
     * gauge), and the time the JVM spent in GC; per second the largest backlog, as the delay it means at the rate.
     * The seconds when that delay passed 50 ms say when the index fell behind, for a JFR recording or the service's
     * log to say why.
     */
    static final class Backlog {
        private final Gauge applied;
        private final int rate;
        volatile long sent;
        private final List<long[]> seconds = new java.util.ArrayList<>();
        private volatile boolean running = true;
        private Thread thread;
        private long startMillis;

        Backlog(Gauge applied, int rate) {
            this.applied = applied;
            this.rate = rate;
        }

        void start(long startNanos, long startMillis) {
            this.startMillis = startMillis;
            thread = new Thread(() -> {
                long[] second = null;
                while (running) {
                    int s = (int) ((System.nanoTime() - startNanos) / 1_000_000_000L);
                    if (second == null || seconds.size() <= s) {
                        second = new long[] {s, 0, gcMillis()};
                        synchronized (seconds) {
                            seconds.add(second);
                        }
                    }
                    second[1] = Math.max(second[1], sent - (long) applied.value() - 1);
                    LockSupport.parkNanos(10_000_000);
                }
            }, "backlog-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        private static long gcMillis() {
            long sum = 0;
            for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                sum += Math.max(0, gc.getCollectionTime());
            }
            return sum;
        }

        /** The seconds after the warm-up whose largest backlog meant more than 50 ms. */
        String report(int warmupSeconds) {
            StringBuilder out = new StringBuilder();
            int behind = 0;
            int measured = 0;
            synchronized (seconds) {
                for (int i = 0; i < seconds.size(); i++) {
                    long[] s = seconds.get(i);
                    if (s[0] < warmupSeconds) {
                        continue;
                    }
                    measured++;
                    double delayMillis = s[1] * 1000.0 / rate;
                    if (delayMillis > 50) {
                        behind++;
                        long gc = (i + 1 < seconds.size() ? seconds.get(i + 1)[2] : gcMillis()) - s[2];
                        out.append(String.format("  second %3d (%tT): backlog up to %,7d records (%,7.0f ms), GC %,4d ms%n",
                                s[0], startMillis + 1000 * s[0], s[1], delayMillis, gc));
                    }
                }
            }
            return String.format("seconds after the warm-up with a backlog above 50 ms: %d of %d%n", behind, measured)
                    + out;
        }
    }

    /** Upper bucket edge (ms) holding quantile {@code q} of the observations between two snapshots. */
    static double percentileMillis(HistogramSnapshot before, HistogramSnapshot after, double q) {
        CountAtBucket[] b = before.histogramCounts();
        CountAtBucket[] a = after.histogramCounts();
        double n = after.count() - before.count();
        for (int i = 0; i < a.length; i++) {
            double cumulative = a[i].count() - (i < b.length ? b[i].count() : 0);
            if (cumulative >= q * n) {
                return a[i].bucket(TimeUnit.MILLISECONDS);
            }
        }
        return Double.POSITIVE_INFINITY;
    }
}
