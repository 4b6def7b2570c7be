package io.streamsparse.e2e.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.streamsparse.core.vector.SparseVector;
import io.streamsparse.core.vector.SparseVectorCodec;
import io.streamsparse.encoder.DocumentValidator;
import io.streamsparse.encoder.EncoderConfig;
import io.streamsparse.encoder.Encoders;
import io.streamsparse.encoder.ModelResources;
import io.streamsparse.encoder.OnnxSparseEncoder;
import io.streamsparse.encoder.SourceDocument;
import io.streamsparse.encoder.SparseEncoder;
import io.streamsparse.encoderservice.EncoderServiceApplication;
import io.streamsparse.tools.debian.DebianCorpusBuilder;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encoder throughput: documents per second of the encoder service end to end (Kafka in → Kafka out) against the
 * same encoder called directly, on the same documents, model, max batch size, max length and intra-op threads, in
 * one JVM and back to back so that both sides see the same machine load.
 *
 * <p>What is measured, per round:
 * <ul>
 *   <li><b>raw</b>: {@link Encoders#documentEncoder} with the service's exact {@link EncoderConfig} (checked equal to
 *       the service's encoder bean) encodes the N texts in one call: tokenize, length-sorted batches of at most
 *       {@code --batch}, ONNX Runtime, pooling and pruning. This is the best the runtime does with that batch size.
 *   <li><b>raw per poll</b> (diagnostic, {@code --per-poll}): the same encoder called once per
 *       {@code max-poll-records} texts in topic order, which is what the service's listener gets per poll with one
 *       partition. Its gap to raw is the cost of sorting by length within a poll rather than over the whole set; a
 *       padding line (model input cells per real token for both) shows the same from token counts alone.
 *   <li><b>service</b>: an in-process KRaft broker ({@link EmbeddedKafkaKraftBroker}) and the encoder service
 *       ({@link EncoderServiceApplication#builder()}) in this JVM. The N documents (the corpus's JSON lines) are
 *       pre-loaded into {@code documents} while the listener container is paused; the clock starts at
 *       {@code resume()} and stops when the N-th vector is visible to a {@code read_committed} consumer of
 *       {@code sparse-vectors}, i.e. after its transaction committed. A steady-state rate (first committed vector to
 *       last) and the share of wall time the listener spent in the encoder (the service's
 *       {@code streamsparse.encoder.inference} timer) are printed too.
 * </ul>
 * Every rate is also given per second of this process's CPU time (all threads: broker, service, reader,
 * ONNX Runtime), which moves much less than wall time when other jobs share the machine; rounds alternate which
 * side goes first.
 *
 * <p>Both sides are warmed up first (the service on {@code --warmup-docs} documents through Kafka, the raw encoder on
 * the same texts). The listener's poll timeout is set to 100 ms so that {@code resume()} takes effect promptly;
 * everything else is the service's shipped configuration unless an option overrides it.
 *
 * <p>The documents are the first N (+ warm-up) of the Debian corpus ({@link DebianCorpusBuilder}, real text), built
 * once into {@code --work-dir} from {@code --lists-dir} unless {@code --corpus} names a {@code docs.jsonl}. Documents
 * the service's parser would reject are skipped, so every measured record yields exactly one vector.
 *
 * <p>Output ends with exactly one line {@code RESULT model=<name> raw_docs_per_s=<a> service_docs_per_s=<b>
 * ratio=<b/a>} (medians over {@code --rounds}). Not a test: surefire does not pick it up; see docs/BENCHMARKS.md
 * for the command. Pass the class path in {@code CLASSPATH} (or an {@code @argfile}), not {@code -cp}: with a
 * command line longer than about 4 KB, creating the ONNX Runtime environment (1.29, Linux) crashes the JVM with
 * SIGSEGV and no error file.
 */
public final class EncoderThroughputBenchmark {

    /** The bundled model's name (docs/MODEL_CARD.md). */
    static final String DEFAULT_MODEL_NAME = "minilm-l6-splade-debian-int8";
    static final String DOCUMENTS = "documents";
    static final String VECTORS = "sparse-vectors";
    static final String DOCUMENTS_DLT = "documents.DLT";
    /** Listener id of encoder-service's {@code DocumentListener}. */
    static final String LISTENER_ID = "encoder-service";

    private EncoderThroughputBenchmark() {
    }

    /**
     * Command line options.
     *
     * @param docs           measured documents per side (N)
     * @param batch          max texts per model run ({@code streamsparse.encoder.max-batch-size})
     * @param threads        ONNX Runtime intra-op threads per session; 0 = the processors shared out among the
     *                       sessions (one session: the runtime's default, one per physical core)
     * @param sessions       ONNX Runtime sessions, each driven by its own thread within one call
     * @param maxLength      tokens per document
     * @param maxPollRecords the service's {@code max-poll-records}; 0 = the service's shipped value
     * @param warmupDocs     documents each side encodes before measuring
     * @param rounds         raw + service measurements, back to back; RESULT takes the medians
     * @param partitions     partitions of {@code documents} and {@code sparse-vectors}
     * @param modelPath      model location ({@code classpath:default} = bundled)
     * @param tokenizerPath  tokenizer location
     * @param corpus         a {@code docs.jsonl}; null = build the Debian corpus into {@code workDir}
     * @param listsDir       apt lists for the corpus build
     * @param splitDir       the shared split folder for the corpus build
     * @param workDir        where the corpus is built
     * @param timeout        give up waiting for the service after this long
     * @param perPoll        also time the raw encoder called once per {@code max-poll-records} documents
     */
    record Options(int docs, int batch, int threads, int sessions, int maxLength, int maxPollRecords, int warmupDocs,
            int rounds, int partitions, String modelPath, String tokenizerPath, Path corpus, Path listsDir, Path splitDir,
            Path workDir, Duration timeout, boolean perPoll) {

        Options {
            if (docs < 1 || batch < 1 || threads < 0 || sessions < 1 || maxLength < 2 || maxPollRecords < 0
                    || warmupDocs < 0 || rounds < 1 || partitions < 1) {
                throw new IllegalArgumentException("bad options: docs=" + docs + " batch=" + batch + " threads="
                        + threads + " sessions=" + sessions + " maxLength=" + maxLength + " maxPollRecords=" + maxPollRecords + " warmupDocs="
                        + warmupDocs + " rounds=" + rounds + " partitions=" + partitions);
            }
        }

        static Options parse(String... args) {
            Map<String, String> v = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (!name.startsWith("--") || !OPTION_NAMES.contains(name.substring(2))) {
                    throw new IllegalArgumentException("unknown option " + name + "\n" + USAGE);
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + name + " needs a value\n" + USAGE);
                }
                v.put(name.substring(2), args[++i]);
            }
            String corpus = v.get("corpus");
            return new Options(
                    Integer.parseInt(v.getOrDefault("docs", "2000")),
                    Integer.parseInt(v.getOrDefault("batch", String.valueOf(EncoderConfig.DEFAULT_MAX_BATCH_SIZE))),
                    Integer.parseInt(v.getOrDefault("threads", "0")),
                    Integer.parseInt(v.getOrDefault("sessions", "2")),
                    Integer.parseInt(v.getOrDefault("max-length",
                            String.valueOf(EncoderConfig.DEFAULT_DOCUMENT_MAX_LENGTH))),
                    Integer.parseInt(v.getOrDefault("max-poll-records", "0")),
                    Integer.parseInt(v.getOrDefault("warmup-docs", "256")),
                    Integer.parseInt(v.getOrDefault("rounds", "1")),
                    Integer.parseInt(v.getOrDefault("partitions", "1")),
                    v.getOrDefault("model", EncoderConfig.DEFAULT_LOCATION),
                    v.getOrDefault("tokenizer", EncoderConfig.DEFAULT_LOCATION),
                    corpus == null ? null : Path.of(corpus),
                    Path.of(v.getOrDefault("lists-dir", ".local/apt-lists")),
                    Path.of(v.getOrDefault("split-dir", DebianCorpusBuilder.DEFAULT_SPLIT_DIR.toString())),
                    Path.of(v.getOrDefault("work-dir", "e2e-tests/target/encoder-bench")),
                    Duration.ofSeconds(Long.parseLong(v.getOrDefault("timeout-s", "1800"))),
                    bool("per-poll", v.getOrDefault("per-poll", "true")));
        }

        private static boolean bool(String name, String value) {
            return switch (value) {
                case "true", "yes" -> true;
                case "false", "no" -> false;
                default -> throw new IllegalArgumentException("--" + name + " must be true or false, was " + value);
            };
        }

        /** The encoder configuration both sides use: the service's document encoder with these options. */
        EncoderConfig encoderConfig() {
            return EncoderConfig.documentDefaults().withModel(modelPath, tokenizerPath).withMaxLength(maxLength)
                    .withThreads(threads, sessions).withMaxBatchSize(batch).withWarmup(true);
        }

        String modelName() {
            if (EncoderConfig.isDefault(modelPath)) {
                return DEFAULT_MODEL_NAME;
            }
            Path p = Path.of(modelPath.replaceFirst("^" + EncoderConfig.CLASSPATH_PREFIX, ""));
            Path parent = p.getParent();
            String name = p.getFileName().toString().equals("model.onnx") && parent != null
                    ? parent.getFileName().toString() : p.getFileName().toString();
            return name.replaceAll("\\s", "_");
        }
    }

    static final Set<String> OPTION_NAMES = Set.of("docs", "batch", "threads", "sessions", "max-length",
            "max-poll-records", "warmup-docs", "rounds", "partitions", "model", "tokenizer", "corpus", "lists-dir",
            "split-dir", "work-dir", "timeout-s", "per-poll");

    static final String USAGE = """
            EncoderThroughputBenchmark [--docs N=2000] [--batch 32] [--threads 0] [--sessions 2] [--max-length 256]
                [--max-poll-records 0 (= service default)] [--warmup-docs 256] [--rounds 1] [--partitions 1]
                [--model classpath:default --tokenizer classpath:default]
                [--corpus docs.jsonl | --lists-dir .local/apt-lists --split-dir data/debian-split]
                [--work-dir e2e-tests/target/encoder-bench] [--timeout-s 1800] [--per-poll true]""";

    /** One measured round: the raw encoder in one call, the raw encoder per poll-sized chunk, the service. */
    record Round(double load1Before, double load1After, Measure raw, Measure rawChunked, Measure service,
            double rawAvgNnz, double serviceAvgNnz) {

        double rawDocsPerS() {
            return raw.docsPerS();
        }

        double serviceDocsPerS() {
            return service.docsPerS();
        }
    }

    /** The benchmark's outcome: medians over the rounds. */
    record Result(String model, double rawDocsPerS, double serviceDocsPerS, List<Round> rounds) {
        double ratio() {
            return serviceDocsPerS / rawDocsPerS;
        }

        String line() {
            return String.format(Locale.ROOT, "RESULT model=%s raw_docs_per_s=%.2f service_docs_per_s=%.2f ratio=%.3f",
                    model, rawDocsPerS, serviceDocsPerS, ratio());
        }
    }

    /** A corpus document: its record key, the JSON line as producers write it, and the text the model reads. */
    record Doc(String key, byte[] json, String encoderInput) {
    }

    public static void main(String[] args) throws Exception {
        // the broker logs its whole configuration at INFO; keep the output to the benchmark's lines and warnings
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        run(options, System.out);
        System.exit(0); // Kafka and Tomcat leave non-daemon threads behind after close
    }

    static Result run(Options o, PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "machine: %d CPUs, %s %s, Java %s, max heap %d MiB; load average %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, loadAverage());
        List<Doc> all = readCorpus(o, out);
        List<Doc> measured = all.subList(0, o.docs);
        // warm-up texts come after the measured ones when the corpus has them, so no measured text is seen twice
        List<Doc> warmup = all.size() >= o.docs + o.warmupDocs
                ? all.subList(o.docs, o.docs + o.warmupDocs)
                : all.subList(0, Math.min(o.warmupDocs, all.size()));
        EncoderConfig config = o.encoderConfig();
        out.printf(Locale.ROOT, "model=%s (%s) docs=%d batch=%d sessions=%d threads=%d%s max-length=%d warmup-docs=%d rounds=%d"
                + " partitions=%d%n", o.modelName(), config.modelPath(), o.docs, o.batch, o.sessions, o.threads,
                o.threads == 0 ? " (ONNX Runtime default)" : "", o.maxLength, warmup.size(), o.rounds, o.partitions);

        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, o.partitions);
        broker.brokerProperties(Map.of(
                "auto.create.topics.enable", "false",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "offsets.topic.replication.factor", "1"));
        ConfigurableApplicationContext service = null;
        VectorReader reader = null;
        OnnxSparseEncoder raw = null;
        try {
            broker.afterPropertiesSet();
            String bootstrap = broker.getBrokersAsString();
            createTopics(bootstrap, o.partitions);
            reader = new VectorReader(bootstrap, o.partitions);
            reader.start();
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                send(producer, warmup);

                List<String> args = new ArrayList<>(List.of(
                        "--spring.kafka.bootstrap-servers=" + bootstrap,
                        "--server.port=0",
                        "--spring.main.banner-mode=off",
                        "--spring.kafka.listener.poll-timeout=100ms",
                        "--logging.level.root=WARN",
                        "--streamsparse.encoder.model-path=" + o.modelPath,
                        "--streamsparse.encoder.tokenizer-path=" + o.tokenizerPath,
                        "--streamsparse.encoder.max-batch-size=" + o.batch,
                        "--streamsparse.encoder.intra-op-threads=" + o.threads,
                        "--streamsparse.encoder.sessions=" + o.sessions,
                        "--streamsparse.encoder.max-length=" + o.maxLength));
                if (o.maxPollRecords > 0) {
                    args.add("--spring.kafka.consumer.max-poll-records=" + o.maxPollRecords);
                }
                long startNanos = System.nanoTime();
                service = EncoderServiceApplication.builder().run(args.toArray(String[]::new));
                OnnxSparseEncoder serviceEncoder = (OnnxSparseEncoder) service.getBean("documentEncoder", SparseEncoder.class);
                if (!serviceEncoder.config().equals(config)) {
                    throw new IllegalStateException("the service's encoder config " + serviceEncoder.config()
                            + " differs from the raw side's " + config);
                }
                int maxPoll = Integer.parseInt(service.getEnvironment().getProperty(
                        "spring.kafka.consumer.max-poll-records", "500"));
                MessageListenerContainer container = service.getBean(KafkaListenerEndpointRegistry.class)
                        .getListenerContainer(LISTENER_ID);
                if (container == null) {
                    throw new IllegalStateException("no listener container '" + LISTENER_ID + "' in the service");
                }
                Timer inference = service.getBean(MeterRegistry.class).get("streamsparse.encoder.inference").timer();
                reader.await(warmup.size(), o.timeout);
                out.printf(Locale.ROOT, "service: started and warmed up on %d documents in %.1f s (max-poll-records"
                        + "=%d)%n", warmup.size(), seconds(System.nanoTime() - startNanos), maxPoll);
                pause(container, o.timeout);

                raw = Encoders.documentEncoder(config);
                List<String> warmTexts = texts(warmup);
                encodeInChunks(raw, warmTexts, maxPoll);
                raw.encode(warmTexts);
                List<String> texts = texts(measured);
                printPadding(out, o, measured, maxPoll);

                List<Round> rounds = new ArrayList<>();
                for (int r = 1; r <= o.rounds; r++) {
                    double loadBefore = load1();
                    out.printf(Locale.ROOT, "round %d: load average %s%n", r, loadAverage());
                    // odd rounds measure raw first, even rounds the service first, so that a load trend on the
                    // shared machine does not always favour the same side
                    Measure served = null;
                    if (r % 2 == 0) {
                        served = measureService(o, producer, measured, reader, container, inference);
                    }
                    Measure.Clock clock = Measure.start();
                    List<SparseVector> rawVectors = raw.encode(texts);
                    Measure rawOne = clock.stop(o.docs);
                    Measure rawChunked = null;
                    if (o.perPoll) {
                        clock = Measure.start();
                        encodeInChunks(raw, texts, maxPoll);
                        rawChunked = clock.stop(o.docs);
                    }
                    if (served == null) {
                        served = measureService(o, producer, measured, reader, container, inference);
                    }
                    double loadAfter = load1();

                    Round round = new Round(loadBefore, loadAfter, rawOne, rawChunked, served,
                            averageNnz(rawVectors), reader.averageNnz(served.firstRecord, o.docs));
                    rounds.add(round);
                    out.printf(Locale.ROOT, "round %d: raw %.2f docs/s (%.2f per CPU-s),%s service %.2f docs/s"
                            + " (%.2f per CPU-s; steady %.2f; %d listener batches, %.0f%% of wall in inference),"
                            + " ratio %.3f (per CPU-s %.3f); avg nnz raw %.1f service %.1f; load average %s%n", r,
                            rawOne.docsPerS(), rawOne.docsPerCpuS(), rawChunked == null ? "" : String.format(
                                    Locale.ROOT, " raw per %d docs %.2f (%.2f per CPU-s),", maxPoll,
                                    rawChunked.docsPerS(), rawChunked.docsPerCpuS()), served.docsPerS(),
                            served.docsPerCpuS(), served.steadyDocsPerS, served.listenerBatches,
                            100 * served.inferenceShare, served.docsPerS() / rawOne.docsPerS(),
                            served.docsPerCpuS() / rawOne.docsPerCpuS(), round.rawAvgNnz(), round.serviceAvgNnz(),
                            loadAverage());
                }
                Result result = new Result(o.modelName(), median(rounds, Round::rawDocsPerS),
                        median(rounds, Round::serviceDocsPerS), rounds);
                printSummary(out, o, maxPoll, result);
                return result;
            }
        } finally {
            if (raw != null) {
                raw.close();
            }
            if (service != null) {
                service.close();
            }
            if (reader != null) {
                reader.close();
            }
            broker.destroy();
        }
    }

    /**
     * Produces the documents while the listener is paused, resumes it, and waits for the N-th committed vector;
     * pauses the listener again before returning.
     */
    private static Measure measureService(Options o, KafkaProducer<String, byte[]> producer, List<Doc> measured,
            VectorReader reader, MessageListenerContainer container, Timer inference) throws Exception {
        send(producer, measured);
        int base = reader.count();
        long batchesBefore = inference.count();
        double inferenceNanosBefore = inference.totalTime(TimeUnit.NANOSECONDS);
        long cpuBefore = processCpuNanos();
        long resumed = System.nanoTime();
        container.resume();
        reader.await(base + o.docs, o.timeout);
        long cpu = processCpuNanos() - cpuBefore; // includes up to one reader poll interval after the last vector
        long first = reader.time(base);
        long last = reader.time(base + o.docs - 1);
        pause(container, o.timeout);
        Measure m = new Measure(o.docs, last - resumed, cpu);
        // steady state: from the first commit seen to the last, over the documents committed after it
        int firstVisible = reader.countAt(first) - base;
        m.steadyDocsPerS = o.docs > firstVisible && last > first
                ? (o.docs - firstVisible) / seconds(last - first) : m.docsPerS();
        m.listenerBatches = inference.count() - batchesBefore;
        m.inferenceShare = (inference.totalTime(TimeUnit.NANOSECONDS) - inferenceNanosBefore) / (last - resumed);
        m.firstRecord = base;
        return m;
    }

    /** Wall and process CPU time of one side's run over {@code docs} documents. */
    static final class Measure {
        final int docs;
        final long wallNanos;
        final long cpuNanos;
        double steadyDocsPerS;
        long listenerBatches;
        double inferenceShare;
        int firstRecord;

        Measure(int docs, long wallNanos, long cpuNanos) {
            this.docs = docs;
            this.wallNanos = wallNanos;
            this.cpuNanos = cpuNanos;
        }

        double docsPerS() {
            return docs / seconds(wallNanos);
        }

        /** Documents per second of this process's CPU time (all its threads): less sensitive to other load. */
        double docsPerCpuS() {
            return docs / seconds(cpuNanos);
        }

        static Clock start() {
            return new Clock(System.nanoTime(), processCpuNanos());
        }

        record Clock(long wall, long cpu) {
            Measure stop(int docs) {
                return new Measure(docs, System.nanoTime() - wall, processCpuNanos() - cpu);
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static void printSummary(PrintStream out, Options o, int maxPoll, Result result) {
        List<Round> rounds = result.rounds();
        double raw = result.rawDocsPerS();
        double rawCpu = median(rounds, r -> r.raw().docsPerCpuS());
        Round mid = rounds.get(rounds.size() / 2);
        out.println();
        out.printf(Locale.ROOT, "medians over %d round(s), %d documents each:%n", rounds.size(), o.docs);
        out.printf(Locale.ROOT, "| side | docs/s | vs raw | docs per CPU-s | vs raw | avg nnz/doc |%n"
                + "| --- | ---: | ---: | ---: | ---: | ---: |%n");
        out.printf(Locale.ROOT, "| raw encoder, one call (length-sorted batches of ≤ %d) | %.2f | 1.000 | %.2f | 1.000"
                + " | %.1f |%n", o.batch, raw, rawCpu, mid.rawAvgNnz());
        if (o.perPoll) {
            double chunked = median(rounds, r -> r.rawChunked().docsPerS());
            double chunkedCpu = median(rounds, r -> r.rawChunked().docsPerCpuS());
            out.printf(Locale.ROOT, "| raw encoder, one call per %d docs (as per poll) | %.2f | %.3f | %.2f | %.3f"
                    + " | |%n", maxPoll, chunked, chunked / raw, chunkedCpu, chunkedCpu / rawCpu);
        }
        double serviceCpu = median(rounds, r -> r.service().docsPerCpuS());
        out.printf(Locale.ROOT, "| service, Kafka in → Kafka out | %.2f | %.3f | %.2f | %.3f | %.1f |%n",
                result.serviceDocsPerS(), result.ratio(), serviceCpu, serviceCpu / rawCpu, mid.serviceAvgNnz());
        double steady = median(rounds, r -> r.service().steadyDocsPerS);
        out.printf(Locale.ROOT, "| service, steady state (first → last commit) | %.2f | %.3f | | | |%n", steady,
                steady / raw);
        out.printf(Locale.ROOT, "service / raw per round, wall: %s (median %.3f); per CPU-s: %s (median %.3f)%n",
                ratios(rounds, r -> r.service().docsPerS() / r.raw().docsPerS()),
                median(rounds, r -> r.service().docsPerS() / r.raw().docsPerS()),
                ratios(rounds, r -> r.service().docsPerCpuS() / r.raw().docsPerCpuS()),
                median(rounds, r -> r.service().docsPerCpuS() / r.raw().docsPerCpuS()));
        out.printf(Locale.ROOT, "service: %.0f%% of its wall time inside the encoder call, %.1f documents per"
                + " listener batch%n", 100 * median(rounds, r -> r.service().inferenceShare),
                (double) o.docs / median(rounds, r -> r.service().listenerBatches));
        out.printf(Locale.ROOT, "load average (1 min) during the rounds: %.2f .. %.2f%n",
                rounds.stream().mapToDouble(r -> Math.min(r.load1Before(), r.load1After())).min().orElse(0),
                rounds.stream().mapToDouble(r -> Math.max(r.load1Before(), r.load1After())).max().orElse(0));
        out.printf(Locale.ROOT, "goal service >= 0.90 x raw: %s%n", result.ratio() >= 0.9 ? "met" : "NOT met");
        out.println(result.line());
    }

    /**
     * Padding diagnostic: model input cells (batch × padded length) per real token when the N texts are batched
     * as the raw side does (one length sort over all), as the service's encoder call does (a sort per poll of
     * {@code maxPoll}, topic order), and without any sort (batches in topic order). Tokens are counted with the
     * model's tokenizer, truncated at {@code maxLength} like the encoder.
     */
    static void printPadding(PrintStream out, Options o, List<Doc> docs, int maxPoll) {
        int[] lengths = new int[docs.size()];
        int truncated = 0;
        try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(
                new ByteArrayInputStream(ModelResources.readTokenizer(o.encoderConfig())), Map.of(
                        "padding", "false", "truncation", "true", "maxLength", Integer.toString(o.maxLength),
                        "modelMaxLength", Integer.toString(o.maxLength), "addSpecialTokens", "true"))) {
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = tokenizer.encode(docs.get(i).encoderInput()).getIds().length;
                truncated += lengths[i] >= o.maxLength ? 1 : 0;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        long real = 0;
        for (int len : lengths) {
            real += len;
        }
        out.printf(Locale.ROOT, "tokens: avg %.1f per document, %d of %d at max-length %d; model input cells per"
                + " real token: one sort over all %.3f, a sort per %d docs %.3f, unsorted batches %.3f%n",
                (double) real / lengths.length, truncated, lengths.length, o.maxLength,
                (double) paddedCells(lengths, lengths.length, o.batch, true) / real, maxPoll,
                (double) paddedCells(lengths, maxPoll, o.batch, true) / real,
                (double) paddedCells(lengths, o.batch, o.batch, false) / real);
    }

    /** Cells fed to the model when {@code lengths} is cut into calls of {@code call} texts, each run in batches. */
    static long paddedCells(int[] lengths, int call, int batch, boolean sort) {
        long cells = 0;
        for (int from = 0; from < lengths.length; from += call) {
            int[] part = Arrays.copyOfRange(lengths, from, Math.min(lengths.length, from + call));
            if (sort) {
                Arrays.sort(part);
            }
            for (int b = 0; b < part.length; b += batch) {
                int end = Math.min(part.length, b + batch);
                int max = 0;
                for (int i = b; i < end; i++) {
                    max = Math.max(max, part[i]);
                }
                cells += (long) (end - b) * max;
            }
        }
        return cells;
    }

    private static List<Doc> readCorpus(Options o, PrintStream out) throws IOException, InterruptedException {
        Path file = o.corpus;
        if (file == null) {
            Path dir = o.workDir.resolve("debian-corpus");
            file = dir.resolve("docs.jsonl");
            if (!Files.isRegularFile(file)) {
                out.println("building the Debian corpus into " + dir + " from " + o.listsDir);
                out.println("corpus: " + DebianCorpusBuilder.build(o.listsDir, o.splitDir, dir));
            }
        }
        DocumentValidator validator = DocumentValidator.withDefaults();
        int wanted = o.docs + o.warmupDocs;
        List<Doc> docs = new ArrayList<>(wanted);
        int skipped = 0;
        long chars = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            JsonMapper json = JsonMapper.builder().build();
            for (String line = in.readLine(); line != null && docs.size() < wanted; line = in.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
                String key = json.readTree(line).path("id").asString("");
                try {
                    SourceDocument doc = validator.parseRecord(key, bytes);
                    docs.add(new Doc(key, bytes, doc.encoderInput()));
                    chars += doc.encoderInput().length();
                } catch (DocumentValidator.InvalidDocumentException e) {
                    skipped++;
                }
            }
        }
        if (docs.size() < o.docs) {
            throw new IllegalArgumentException("--docs " + o.docs + " but " + file + " has only " + docs.size()
                    + " documents the service accepts");
        }
        out.printf(Locale.ROOT, "corpus: %s, first %d documents (%d skipped as the service would reject them),"
                + " avg %.0f chars of model input%n", file, docs.size(), skipped, (double) chars / docs.size());
        return docs;
    }

    private static void createTopics(String bootstrap, int partitions) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            Map<String, String> compacted = Map.of("cleanup.policy", "compact");
            admin.createTopics(List.of(
                    new NewTopic(DOCUMENTS, partitions, (short) 1).configs(compacted),
                    new NewTopic(VECTORS, partitions, (short) 1).configs(compacted),
                    new NewTopic(DOCUMENTS_DLT, 1, (short) 1))).all().get();
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return new KafkaProducer<>(props);
    }

    private static void send(KafkaProducer<String, byte[]> producer, List<Doc> docs) throws Exception {
        for (Doc d : docs) {
            producer.send(new ProducerRecord<>(DOCUMENTS, d.key(), d.json()));
        }
        producer.flush();
    }

    private static void pause(MessageListenerContainer container, Duration timeout) throws InterruptedException {
        container.pause();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!container.isContainerPaused()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("listener container did not pause within " + timeout);
            }
            Thread.sleep(5);
        }
    }

    private static List<String> texts(List<Doc> docs) {
        List<String> texts = new ArrayList<>(docs.size());
        for (Doc d : docs) {
            texts.add(d.encoderInput());
        }
        return texts;
    }

    private static void encodeInChunks(SparseEncoder encoder, List<String> texts, int chunk) {
        for (int from = 0; from < texts.size(); from += chunk) {
            encoder.encode(texts.subList(from, Math.min(texts.size(), from + chunk)));
        }
    }

    private static double averageNnz(List<SparseVector> vectors) {
        long nnz = 0;
        for (SparseVector v : vectors) {
            nnz += v.nnz();
        }
        return (double) nnz / vectors.size();
    }

    private static String ratios(List<Round> rounds, ToDoubleFunction<Round> f) {
        StringBuilder b = new StringBuilder();
        for (Round r : rounds) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", f.applyAsDouble(r)));
        }
        return b.toString();
    }

    private static double median(List<Round> rounds, ToDoubleFunction<Round> f) {
        double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** The three load averages from /proc/loadavg, or "n/a" where there is none. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    private static double load1() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /**
     * Reads {@code sparse-vectors} with {@code read_committed} from the beginning, keeping every value and the
     * {@link System#nanoTime()} at which the poll returned it (so record i became visible at or before
     * {@code time(i)}, after its transaction committed).
     */
    static final class VectorReader implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;
        private final Thread thread;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<byte[]> values = new ArrayList<>();
        private long[] times = new long[1024];
        private volatile int count;
        private volatile boolean running = true;

        VectorReader(String bootstrap, int partitions) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            this.consumer = new KafkaConsumer<>(props);
            List<TopicPartition> assigned = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                assigned.add(new TopicPartition(VECTORS, p));
            }
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            this.thread = new Thread(this::loop, "vector-reader");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void loop() {
            try {
                while (running) {
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(20));
                    long now = System.nanoTime();
                    if (records.isEmpty()) {
                        continue;
                    }
                    synchronized (this) {
                        for (ConsumerRecord<String, byte[]> r : records) {
                            if (values.size() == times.length) {
                                times = Arrays.copyOf(times, times.length * 2);
                            }
                            times[values.size()] = now;
                            values.add(r.value());
                        }
                        count = values.size();
                    }
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                // closing
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                consumer.close(Duration.ofSeconds(5));
            }
        }

        int count() {
            return count;
        }

        synchronized long time(int index) {
            return times[index];
        }

        /** Records visible by {@code time}: those returned by polls up to and including that instant. */
        synchronized int countAt(long time) {
            int n = 0;
            while (n < values.size() && times[n] <= time) {
                n++;
            }
            return n;
        }

        void await(int target, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (count < target) {
                if (failure.get() != null) {
                    throw new IllegalStateException("vector reader failed", failure.get());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + count + " of " + target + " vectors committed within "
                            + timeout);
                }
                Thread.sleep(10);
            }
        }

        synchronized double averageNnz(int from, int n) {
            long nnz = 0;
            for (int i = from; i < from + n; i++) {
                nnz += SparseVectorCodec.decodeDocument(values.get(i)).vector().nnz();
            }
            return (double) nnz / n;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(10_000);
        }
    }
}
