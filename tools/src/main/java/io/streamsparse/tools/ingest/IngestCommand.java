package io.streamsparse.tools.ingest;

import io.streamsparse.encoder.DocumentValidator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ingest}: bulk-loads a JSONL file (or stdin) into the {@code documents} topic. Each line is checked and
 * normalised by {@link DocumentLines}; key = id, value = normalised JSON, a delete line becomes a tombstone.
 *
 * <p>Documents larger than {@code --max-bytes}, or than the topic's {@code max.message.bytes} allows, are
 * rejected lines, not failed sends. Guarantees: every input line is either sent, reported as rejected (stderr: line number and reason; with
 * {@code --rejects FILE} also one JSON object {@code {"line","reason","raw"}} per rejected line), or blank;
 * nothing is dropped silently. The producer is idempotent with {@code acks=all}, so a record is written once per
 * send even across retries, and lines are sent in input order (per partition, Kafka keeps that order). The
 * summary {@code sent=<n> rejected=<m> seconds=<s> rate=<r>/s} goes to stdout only after every send was
 * acknowledged or failed; {@code sent} counts acknowledged records. After the first failed send no further
 * lines are read.
 *
 * <p>Exit status: 0 when every accepted line was acknowledged (rejected lines do not fail the run), 1 when a send
 * failed, 2 for a usage error, an unreadable input, or a missing topic / unreachable broker (nothing sent).
 */
public final class IngestCommand {

    static final String USAGE = """
            usage: ingest [--file FILE|-] [--bootstrap-servers HOST:PORT] [--topic NAME] [--max-bytes N]
                          [--rejects FILE] [--limit N] [--compression lz4|zstd|gzip|snappy|none]
                          [--kafka-config FILE]
              Sends a JSONL file of documents to Kafka: one {"id","text"[,"title"][,"fields":{k:"v"}]} per line,
              or {"id","delete":true} to delete. Bad lines are reported with their line number, never dropped.
              --file               input file, or - for stdin (default -)
              --bootstrap-servers  Kafka bootstrap servers (default 127.0.0.1:9092)
              --topic              target topic (default documents); it must exist (see create-topics)
              --max-bytes          largest normalised document in bytes (default 1000000; lowered to what
                                   the topic's max.message.bytes allows)
              --rejects            also write each rejected line as {"line","reason","raw"} to this file
              --limit              stop after this many accepted lines (default: no limit)
              --compression        producer compression (default lz4)
              --kafka-config       Kafka client properties (security.protocol, ssl.*, sasl.*) applied over
                                   the defaults
            exit status: 0 all accepted lines acknowledged; 1 a send failed; 2 usage, input or topic error
            """;

    static final int DEFAULT_MAX_BYTES = 1_000_000;
    /** A raw line may be this many times --max-bytes before it is rejected unparsed (escapes shrink on parse). */
    static final int RAW_LINE_FACTOR = 8;
    /** Room for the key (at most 3 UTF-8 bytes per UTF-16 char) and the record and batch framing. */
    static final int RECORD_OVERHEAD_BYTES = 3 * DocumentValidator.MAX_ID_CHARS + 128;
    /** How many send failures are printed one by one; the rest are counted. */
    static final int MAX_FAILURES_SHOWN = 10;

    private static final Set<String> OPTIONS =
            Set.of("file", "bootstrap-servers", "topic", "max-bytes", "rejects", "limit", "compression",
                    KafkaClientConfig.OPTION);
    private static final Set<String> COMPRESSIONS = Set.of("lz4", "zstd", "gzip", "snappy", "none");
    private static final long TOPIC_CHECK_SECONDS = 30;
    private static final long NEW_TOPIC_GRACE_SECONDS = 5;

    /**
     * Parsed options of one run. {@code limit} 0 = no limit; {@code rejects} null = stderr only;
     * {@code kafkaConfig}: client settings from {@code --kafka-config} (empty without it).
     */
    record Options(String file, String bootstrapServers, String topic, int maxBytes, Path rejects, long limit,
            String compression, Properties kafkaConfig) {

        static Options parse(String[] args) {
            return from(Args.parse(args, OPTIONS));
        }

        static Options from(Args a) {
            String compression = a.string("compression", "lz4");
            if (!COMPRESSIONS.contains(compression)) {
                throw new IllegalArgumentException("--compression must be one of " + COMPRESSIONS + ", got "
                        + compression);
            }
            String rejects = a.string("rejects", null);
            return new Options(a.string("file", "-"), a.string("bootstrap-servers", "127.0.0.1:9092"),
                    a.string("topic", "documents"),
                    (int) a.number("max-bytes", DEFAULT_MAX_BYTES, 64, Integer.MAX_VALUE / RAW_LINE_FACTOR),
                    rejects == null ? null : Path.of(rejects), a.number("limit", 0, 0, Long.MAX_VALUE),
                    compression, KafkaClientConfig.load(a.string(KafkaClientConfig.OPTION, null)));
        }
    }

    /** Counts of a finished run. */
    record Summary(long sent, long rejected, long failed, double seconds) {

        /** {@code sent=<n> rejected=<m> seconds=<s> rate=<r>/s}. */
        String line() {
            return String.format(Locale.ROOT, "sent=%d rejected=%d seconds=%.1f rate=%.1f/s", sent, rejected,
                    seconds, Progress.rate(sent, seconds));
        }
    }

    private IngestCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err, stderrIsTerminal()));
    }

    /** Runs the command; returns the exit status. {@code terminal}: whether {@code err} is shown on a terminal. */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err, boolean terminal) {
        Options options;
        try {
            Args parsed = Args.parse(args, OPTIONS);
            if (parsed.help()) {
                out.print(USAGE);
                return 0;
            }
            options = Options.from(parsed);
        } catch (IllegalArgumentException e) {
            err.println("ingest: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        TopicCheck topic = checkTopic(options);
        if (topic.problem() != null) {
            err.println("ingest: " + topic.problem());
            return 2;
        }
        int valueLimit = valueLimit(options.maxBytes(), topic.maxMessageBytes());
        if (valueLimit < options.maxBytes()) {
            err.println("ingest: topic " + options.topic() + " takes records of at most " + topic.maxMessageBytes()
                    + " bytes (max.message.bytes): documents over " + valueLimit + " bytes are rejected");
        }
        boolean stdinInput = options.file().equals("-");
        long totalBytes = -1;
        try (InputStream in = stdinInput ? stdin : Files.newInputStream(Path.of(options.file()));
                BufferedWriter rejects = options.rejects() == null ? null
                        : Files.newBufferedWriter(options.rejects(), StandardCharsets.UTF_8)) {
            if (!stdinInput) {
                totalBytes = Files.size(Path.of(options.file()));
            }
            Progress.Mode mode = terminal ? Progress.Mode.BAR : Progress.Mode.PLAIN;
            Summary summary;
            try (Producer<String, byte[]> producer = new KafkaProducer<>(
                    producerConfig(options, valueLimit, topic.maxMessageBytes()), new StringSerializer(),
                    new ByteArraySerializer())) {
                summary = new Run(options, valueLimit, producer, in, rejects, new Progress(err, mode, totalBytes,
                        System.nanoTime())).call();
            }
            out.println(summary.line());
            out.flush();
            return summary.failed() > 0 ? 1 : 0;
        } catch (NoSuchFileException e) {
            err.println("ingest: no such file: " + e.getFile());
            return 2;
        } catch (IOException e) {
            err.println("ingest: " + e);
            return 2;
        }
    }

    /**
     * Producer settings. {@code batch.size} stays within the topic's {@code max.message.bytes}: a batch over it is
     * split by the producer only down to {@code batch.size}, so a larger one would be retried forever
     * (KAFKA-8350); single records are already within it by {@link #valueLimit}. {@code --kafka-config} settings
     * apply over these.
     */
    static Properties producerConfig(Options options, int valueLimit, int maxMessageBytes) {
        Properties p = new Properties();
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "streamsparse-ingest");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, options.compression());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(Math.min(256 * 1024, maxMessageBytes)));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, String.valueOf(64L * 1024 * 1024));
        // one record of --max-bytes plus its key and framing must fit a request
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                String.valueOf(Math.max(1 << 20, valueLimit + RECORD_OVERHEAD_BYTES)));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        return KafkaClientConfig.apply(p, options.kafkaConfig(), options.bootstrapServers());
    }

    /** Outcome of the topic check: {@code problem} null when the topic exists, with its record size limit. */
    record TopicCheck(String problem, int maxMessageBytes) {
    }

    /**
     * The largest normalised value that is sent: {@code --max-bytes}, lowered to what the topic accepts
     * ({@code max.message.bytes} less room for the key and the batch framing).
     */
    static int valueLimit(int maxBytes, int maxMessageBytes) {
        return Math.max(64, Math.min(maxBytes, maxMessageBytes - RECORD_OVERHEAD_BYTES));
    }

    private static TopicCheck checkTopic(Options options) {
        Properties p = new Properties();
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(TOPIC_CHECK_SECONDS * 1000));
        try (Admin admin = Admin.create(KafkaClientConfig.apply(p, options.kafkaConfig(),
                options.bootstrapServers()))) {
            // a topic created a moment ago may not be in this broker's metadata yet: ask again for a few seconds
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(NEW_TOPIC_GRACE_SECONDS);
            while (true) {
                try {
                    admin.describeTopics(List.of(options.topic())).allTopicNames()
                            .get(TOPIC_CHECK_SECONDS, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                            || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(250);
                }
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, options.topic());
            ConfigEntry entry = admin.describeConfigs(List.of(resource)).all()
                    .get(TOPIC_CHECK_SECONDS, TimeUnit.SECONDS).get(resource).get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            int maxMessageBytes = entry == null || entry.value() == null ? Integer.MAX_VALUE
                    : Integer.parseInt(entry.value());
            return new TopicCheck(null, maxMessageBytes);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return new TopicCheck("topic " + options.topic() + " does not exist at " + options.bootstrapServers()
                        + " (topics are not auto-created; run create-topics first)", 0);
            }
            return new TopicCheck("cannot describe topic " + options.topic() + " at " + options.bootstrapServers()
                    + ": " + e.getCause(), 0);
        } catch (TimeoutException e) {
            return new TopicCheck("no answer from Kafka at " + options.bootstrapServers() + " within "
                    + TOPIC_CHECK_SECONDS + " s", 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TopicCheck("interrupted", 0);
        } catch (KafkaException e) {
            return new TopicCheck("cannot connect to Kafka at " + options.bootstrapServers() + ": " + e.getMessage(),
                    0);
        }
    }

    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return (target.startsWith("/dev/pts/") || target.startsWith("/dev/tty"))
                    && !"dumb".equals(System.getenv("TERM"));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** One pass over the input: read, check, send, then wait for every acknowledgement. */
    private static final class Run {

        private final Options options;
        private final Producer<String, byte[]> producer;
        private final LineReader reader;
        private final BufferedWriter rejects;
        private final Progress progress;
        private final DocumentLines lines;
        private final JsonMapper json = JsonMapper.builder().build();
        private final AtomicLong acked = new AtomicLong();
        private final AtomicLong failed = new AtomicLong();
        private final Queue<String> failures = new ConcurrentLinkedQueue<>();
        private long queued;
        private long rejected;
        private long failuresShown;

        Run(Options options, int valueLimit, Producer<String, byte[]> producer, InputStream in,
                BufferedWriter rejects, Progress progress) {
            this.options = options;
            this.producer = producer;
            this.reader = new LineReader(in, options.maxBytes() * RAW_LINE_FACTOR);
            this.rejects = rejects;
            this.progress = progress;
            this.lines = new DocumentLines(DocumentValidator.withDefaults(), valueLimit);
        }

        Summary call() throws IOException {
            long start = progress.startNanos();
            long lineNumber = 0;
            long length;
            while ((length = reader.next()) >= 0) {
                lineNumber++;
                if (reader.truncated()) {
                    reject(lineNumber, "line is " + length + " bytes, more than " + RAW_LINE_FACTOR
                            + " x --max-bytes; not parsed", "");
                } else {
                    DocumentLines.Verdict verdict = lines.check(reader.line(), 0, reader.length());
                    if (verdict instanceof DocumentLines.Rejected r) {
                        reject(lineNumber, r.reason(),
                                new String(reader.line(), 0, reader.length(), StandardCharsets.UTF_8));
                    } else if (verdict instanceof DocumentLines.Accepted a && !send(lineNumber, a)) {
                        break;
                    }
                }
                drainFailures();
                progress.update(System.nanoTime(), reader.bytesRead(), acked.get(), rejected);
                if (failed.get() > 0) {
                    break;
                }
                if (options.limit() > 0 && queued >= options.limit()) {
                    progress.message("ingest: --limit " + options.limit() + " reached at line " + lineNumber);
                    break;
                }
            }
            producer.flush(); // blocks until every queued record is acknowledged or failed
            drainFailures();
            long now = System.nanoTime();
            progress.finish(now, reader.bytesRead(), acked.get(), rejected);
            if (failed.get() > 0) {
                progress.message("ingest: " + failed.get() + " send(s) failed; stopped after line " + lineNumber
                        + " (lines after it were not read)");
            }
            return new Summary(acked.get(), rejected, failed.get(), (now - start) / 1e9);
        }

        private boolean send(long lineNumber, DocumentLines.Accepted doc) {
            Callback callback = (metadata, exception) -> {
                if (exception == null) {
                    acked.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    failures.add("line " + lineNumber + ": send failed: " + exception);
                }
            };
            try {
                producer.send(new ProducerRecord<>(options.topic(), doc.id(), doc.value()), callback);
                queued++;
                return true;
            } catch (KafkaException e) {
                failed.incrementAndGet();
                failures.add("line " + lineNumber + ": send failed: " + e);
                return false;
            }
        }

        private void reject(long lineNumber, String reason, String raw) throws IOException {
            rejected++;
            progress.message("line " + lineNumber + ": rejected: " + reason);
            if (rejects != null) {
                ObjectNode node = json.createObjectNode();
                node.put("line", lineNumber);
                node.put("reason", reason);
                node.put("raw", raw);
                rejects.write(json.writeValueAsString(node));
                rejects.write('\n');
            }
        }

        private void drainFailures() {
            String failure;
            while ((failure = failures.poll()) != null) {
                if (failuresShown++ < MAX_FAILURES_SHOWN) {
                    progress.message(failure);
                }
            }
        }
    }
}
