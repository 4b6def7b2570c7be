package io.streamsparse.tools.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * {@code create-topics} and {@code ingest} against a real in-process KRaft broker (no mocks): the records read
 * back from the topic are the normalised lines, in input order, with tombstones for deletes.
 */
class IngestBrokerTest {

    private static EmbeddedKafkaKraftBroker broker;
    private static String bootstrap;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperty("auto.create.topics.enable", "false");
        broker.afterPropertiesSet();
        bootstrap = broker.getBrokersAsString();
        Result created = createTopics();
        assertEquals(0, created.status(), created.err());
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    record Result(int status, String out, String err) {
    }

    private static Result createTopics() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = CreateTopicsCommand.run(new String[] {"--bootstrap-servers", bootstrap, "--partitions", "2"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Result ingest(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = IngestCommand.run(args, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<ConsumerRecord<String, byte[]>> readAll(String topic, int expected) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertEquals(expected, records.size(), "records in " + topic);
        return records;
    }

    @Test
    void createTopicsIsIdempotent() {
        Result again = createTopics();
        assertEquals(0, again.status(), again.err());
        assertEquals("""
                documents partitions=2 cleanup.policy=compact (exists)
                sparse-vectors partitions=2 cleanup.policy=compact (exists)
                documents.DLT partitions=1 cleanup.policy=delete (exists)
                sparse-vectors.DLT partitions=1 cleanup.policy=delete (exists)
                """, again.out());
        assertEquals("", again.err());
    }

    @Test
    void ingestsAFileAndReportsEveryBadLine() throws IOException {
        broker.addTopics(new NewTopic("docs-file", 2, (short) 1));
        Path input = dir.resolve("docs.jsonl");
        Path rejects = dir.resolve("rejects.jsonl");
        Files.writeString(input, String.join("\n",
                "{\"id\":\"d1\",\"title\":\"One\",\"text\":\"first document\",\"fields\":{\"lang\":\"en\"}}",
                "{\"id\":\"d2\",\"text\":\"second document\"}",
                "{\"id\":\"d3\",\"text\":42}",
                "",
                "{\"id\":\"d4\",\"text\":\"fourth\"} trailing",
                "{\"id\":\"d5\",\"text\":\"fifth\"}",
                "{\"id\":\"d2\",\"delete\":true}",
                "{\"id\":\"d1\",\"text\":\"first document, edited\"}") + "\n", StandardCharsets.UTF_8);

        Result r = ingest(InputStream.nullInputStream(), "--bootstrap-servers", bootstrap, "--topic", "docs-file",
                "--file", input.toString(), "--rejects", rejects.toString());

        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().matches("sent=5 rejected=2 seconds=\\d+\\.\\d rate=\\d+\\.\\d/s\\n"), r.out());
        assertTrue(r.err().contains("line 3: rejected: 'text' must be a string, was number"), r.err());
        assertTrue(r.err().contains("line 5: rejected: value is not valid JSON: "), r.err());
        List<String> rejectLines = Files.readAllLines(rejects, StandardCharsets.UTF_8);
        assertEquals(2, rejectLines.size());
        assertTrue(rejectLines.get(0).startsWith("{\"line\":3,\"reason\":\"'text' must be a string"),
                rejectLines.get(0));
        assertTrue(rejectLines.get(1).contains("\"raw\":\"{\\\"id\\\":\\\"d4\\\",\\\"text\\\":\\\"fourth\\\"} trailing\""),
                rejectLines.get(1));

        List<ConsumerRecord<String, byte[]>> records = readAll("docs-file", 5);
        List<String> d1 = new ArrayList<>();
        List<String> d2 = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> rec : records) {
            String value = rec.value() == null ? null : new String(rec.value(), StandardCharsets.UTF_8);
            if (rec.key().equals("d1")) {
                d1.add(value);
            } else if (rec.key().equals("d2")) {
                d2.add(value);
            }
        }
        // per key, one partition, input order
        assertEquals(List.of(
                "{\"id\":\"d1\",\"title\":\"One\",\"text\":\"first document\",\"fields\":{\"lang\":\"en\"}}",
                "{\"id\":\"d1\",\"title\":\"\",\"text\":\"first document, edited\",\"fields\":{}}"), d1);
        assertEquals(2, d2.size());
        assertEquals("{\"id\":\"d2\",\"title\":\"\",\"text\":\"second document\",\"fields\":{}}", d2.get(0));
        assertNull(d2.get(1), "a delete line is a tombstone");
    }

    @Test
    void readsStdinAndStopsAtTheLimit() {
        broker.addTopics(new NewTopic("docs-stdin", 2, (short) 1));
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            input.append("{\"id\":\"s").append(i).append("\",\"text\":\"document number ").append(i).append("\"}\n");
        }
        Result r = ingest(new ByteArrayInputStream(input.toString().getBytes(StandardCharsets.UTF_8)),
                "--bootstrap-servers", bootstrap, "--topic", "docs-stdin", "--limit", "600", "--compression", "zstd");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("sent=600 rejected=0 "), r.out());
        assertTrue(r.err().contains("--limit 600 reached at line 600"), r.err());
        List<ConsumerRecord<String, byte[]>> records = readAll("docs-stdin", 600);
        assertEquals(2, records.stream().map(ConsumerRecord::partition).distinct().count(), "keys spread");
    }

    @Test
    void aMissingTopicIsAnErrorBeforeAnythingIsRead() {
        Result r = ingest(InputStream.nullInputStream(), "--bootstrap-servers", bootstrap, "--topic", "no-such");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("topic no-such does not exist"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void documentsOverTheTopicsRecordLimitAreRejectedNotSent() {
        // a batch over max.message.bytes would be split only down to batch.size and retried forever (KAFKA-8350)
        broker.addTopics(new NewTopic("docs-small", 1, (short) 1).configs(Map.of("max.message.bytes", "4000")));
        String input = "{\"id\":\"ok\",\"text\":\"small\"}\n{\"id\":\"big\",\"text\":\"" + randomLetters(20_000)
                + "\"}\n{\"id\":\"also-ok\",\"text\":\"" + randomLetters(2_000) + "\"}\n";
        Result r = ingest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                "--bootstrap-servers", bootstrap, "--topic", "docs-small");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("sent=2 rejected=1 "), r.out());
        assertTrue(r.err().contains("documents over 2336 bytes are rejected"), r.err());
        assertTrue(r.err().contains("line 2: rejected: document is 20045 bytes after normalisation (max 2336)"),
                r.err());
        readAll("docs-small", 2);
    }

    @Test
    void aFailedSendFailsTheRunAndStillPrintsTheSummary() {
        // the broker refuses every record: its timestamp is older than 0 ms on arrival (linger alone is 20 ms)
        broker.addTopics(new NewTopic("docs-refused", 1, (short) 1)
                .configs(Map.of("message.timestamp.before.max.ms", "0")));
        String input = "{\"id\":\"a\",\"text\":\"refused\"}\n{\"id\":\"b\",\"text\":\"refused too\"}\n";
        Result r = ingest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                "--bootstrap-servers", bootstrap, "--topic", "docs-refused");
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("line 1: send failed: "), r.err());
        assertTrue(r.err().contains("send(s) failed; stopped after line"), r.err());
        assertTrue(r.out().startsWith("sent=0 rejected=0 seconds="), r.out());
    }

    private static String randomLetters(int n) {
        Random random = new Random(n);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
