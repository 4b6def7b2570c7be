package io.streamsparse.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fault 2: the broker (the write-ahead log itself) is killed with SIGKILL in the middle of the stream and started
 * again on the same port and log directory. The producer (idempotent, acks=all) keeps sending throughout; the index
 * service keeps running. Afterwards every acknowledged record is indexed: the shard digests equal the batch build
 * (sparse-core's {@code ShardIndex.build}) over the latest value of each id, and every live id is found exactly
 * once. The broker is the run's shared one: test classes that run after this one use a broker that has been
 * killed and restarted.
 */
@ExtendWith(SharedBroker.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class BrokerRestartFaultTest {

    static final String TOPIC = "fault-broker-restart-vectors";
    static final int PARTITIONS = 2;
    static final Duration START = Duration.ofMinutes(2);

    static Path dir;
    static BrokerProcess broker;
    static ServiceProcess index;

    @BeforeAll
    static void createTopics(BrokerProcess shared) {
        broker = shared;
        dir = FaultSupport.runDirectory("broker-restart");
        broker.createTopics(Map.of(TOPIC, PARTITIONS), Map.of(TOPIC + ".DLT", 1));
    }

    @AfterAll
    static void stopIndex() {
        if (index != null) {
            index.destroy();
        }
    }

    @Test
    void thePipelineResumesAfterABrokerRestartWithNothingLost() throws Exception {
        index = ServiceProcess.start("index", "index-service", dir, List.of(
                "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--streamsparse.index.topic=" + TOPIC,
                "--streamsparse.index.partitions=0,1",
                "--streamsparse.index.snapshot-dir=" + dir.resolve("index-snapshots"),
                "--streamsparse.index.snapshot-every-updates=200"));
        index.awaitReady(START);
        long indexPid = index.process().pid();

        try (VectorFeed feed = new VectorFeed(broker.bootstrapServers(), TOPIC, 800, 22)) {
            feed.send(500, 100, 0);
            CompletableFuture<Void> sending = feed.sendAsync(1500, 50, 40);
            await().atMost(START).until(() -> feed.acknowledged() >= 800 || sending.isDone());

            long down = System.nanoTime();
            broker.kill();
            int ackedWhileDown = feed.acknowledged();
            broker.restart();
            FaultSupport.report("broker down and back", down);

            sending.get(3, TimeUnit.MINUTES);
            assertThat(feed.acknowledged()).isEqualTo(2000);
            System.out.printf("[fault] %d of 2000 records were acknowledged when the broker was killed%n",
                    ackedWhileDown);
            long resumed = System.nanoTime();
            IndexChecks.awaitApplied(index, broker, TOPIC, PARTITIONS, START);
            FaultSupport.report("index caught up after the restart", resumed);

            assertThat(index.process().pid()).as("the index service was not restarted").isEqualTo(indexPid);
            assertThat(index.isAlive()).isTrue();
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(index.digest(p).digest()).as("shard %d vs batch build of the latest values", p)
                        .isEqualTo(feed.batchDigest(p));
            }
            IndexChecks.assertEveryDocumentExactlyOnce(index, feed, PARTITIONS);
            assertThat(index.status("/actuator/health/readiness")).isEqualTo(200);
        }
    }
}
