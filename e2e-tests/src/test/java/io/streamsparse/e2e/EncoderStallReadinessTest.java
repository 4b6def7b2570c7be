package io.streamsparse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.encoderservice.EncoderServiceApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An encoder stuck in a retry loop on a real broker turns its readiness DOWN, and UP again once it commits: the
 * case where, before {@code PartitionProgress}, every later document of a partition stayed unsearchable for minutes
 * while readiness said UP and the encoder's own lag read 0. The encoder is the real service with the bundled model;
 * the fault is real too: the broker refuses every vector record (the {@code sparse-vectors} topic's
 * {@code max.message.bytes} set below a record's size), so every transaction aborts and its batch is retried.
 */
class EncoderStallReadinessTest {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Small enough for a test, and well above the progress poll interval below. */
    static final Duration STALL_AFTER = Duration.ofSeconds(3);
    static final Duration PROGRESS_INTERVAL = Duration.ofMillis(250);

    static KafkaBroker broker;
    static ConfigurableApplicationContext encoder;
    static KafkaProducer<String, String> producer;
    static URI readiness;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaBroker.start();
        broker.createTopics(1);
        encoder = EncoderServiceApplication.builder().run("--spring.kafka.bootstrap-servers="
                + broker.bootstrapServers(), "--server.port=0", "--streamsparse.encoder.intra-op-threads=1",
                "--streamsparse.encoder.progress.interval=" + PROGRESS_INTERVAL.toMillis() + "ms",
                "--streamsparse.encoder.progress.stall-after=" + STALL_AFTER.toMillis() + "ms");
        readiness = URI.create("http://127.0.0.1:" + encoder.getEnvironment().getProperty("local.server.port")
                + "/actuator/health/readiness");
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer = new KafkaProducer<>(props);
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        if (encoder != null) {
            encoder.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aPartitionWhoseTransactionsKeepAbortingTurnsReadinessDownUntilItCommitsAgain() throws Exception {
        send(0, 2);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).until(() -> committed() == 2);
        await().atMost(Duration.ofSeconds(30)).until(() -> readiness().statusCode() == 200);

        // vector records of a few hundred bytes each: the broker now refuses all of them (transaction markers fit)
        setVectorsMaxMessageBytes("200");
        try {
            long stuckAt = System.nanoTime();
            send(2, 4);
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250))
                    .until(() -> readiness().statusCode() == 503);
            long downAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stuckAt);
            HttpResponse<String> down = readiness();
            assertThat(down.body()).contains("\"partitionProgress\"").contains("partition-0")
                    .contains("records waiting");
            // the stall clock starts at the last observation without lag, up to one poll interval before the send
            assertThat(downAfterMillis).as("DOWN no earlier than stall-after").isGreaterThanOrEqualTo(
                    STALL_AFTER.minus(PROGRESS_INTERVAL).toMillis());
            assertThat(committed()).as("nothing committed while stuck").isEqualTo(2);
            MeterRegistry metrics = encoder.getBean(MeterRegistry.class);
            assertThat(metrics.get("streamsparse.encoder.transaction.rollbacks").counter().count())
                    .as("aborted transactions").isPositive();
            assertThat(metrics.get("streamsparse.encoder.consumer.lag").tag("partition", "0").gauge().value())
                    .as("lag as the broker sees it").isEqualTo(4.0);
            assertThat(metrics.get("streamsparse.encoder.stalled").tag("partition", "0").gauge().value())
                    .isGreaterThanOrEqualTo(STALL_AFTER.toSeconds());
            System.out.printf("[encoder stall] readiness DOWN %d ms after the first document the broker refused"
                    + " vectors for (stall-after %d ms)%n", downAfterMillis, STALL_AFTER.toMillis());
        } finally {
            setVectorsMaxMessageBytes(null);
        }
        // the cause gone, the next paced retry commits the batch: readiness UP again, nothing lost
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(250)).until(() -> committed() == 6);
        await().atMost(Duration.ofSeconds(30)).until(() -> readiness().statusCode() == 200);
    }

    /** Documents {@code from..from+n-1} to partition 0, each with a text long enough for a vector record > 200 B. */
    private static void send(int from, int n) throws Exception {
        for (int i = from; i < from + n; i++) {
            String text = "Stall case " + i + ": volcano glacier telescope violin bicycle database chess honey"
                    + " sourdough knitting lighthouse compiler harbour turbine museum opera orchard saxophone"
                    + " meteorite cathedral submarine typewriter avalanche parliament " + i;
            producer.send(new ProducerRecord<>(KafkaBroker.DOCUMENTS, 0, "stall-" + i,
                    PipelineEndToEndTest.JSON.writeValueAsString(Map.of("title", "Stall " + i, "text", text))))
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> readiness() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(readiness).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The encoder group's committed offset on documents (one partition). */
    private static long committed() throws Exception {
        return broker.committedOffsets("encoder-service", KafkaBroker.DOCUMENTS);
    }

    private static void setVectorsMaxMessageBytes(String value) throws Exception {
        broker.setTopicConfig(KafkaBroker.VECTORS, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, value);
    }
}
