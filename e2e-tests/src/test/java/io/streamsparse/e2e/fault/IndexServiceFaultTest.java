package io.streamsparse.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.IsolationLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Faults of the index service itself, on one pair of instances that own the same two partitions of a vectors
 * topic: the victim, which is killed, stopped and has its snapshots damaged, and the replica, which never stops. The
 * tests run in order and share the pair (starting a pair is the slow part on a 2-core machine); each one ends with
 * the victim equal to the replica, to the batch build of the stream's latest values, and holding every live document
 * exactly once.
 * <ol>
 *   <li>SIGKILL in the middle of ingest, restart: restore the newest snapshot, replay, ready only when caught up.</li>
 *   <li>The newest snapshot of each shard corrupted (bytes flipped) while stopped: detected by the CRC, counted in
 *       {@code streamsparse_index_snapshot_corrupt_total}, logged, moved aside; the older snapshot is restored.</li>
 *   <li>Every snapshot damaged (the newest truncated, the others flipped): all skipped, replay from offset 0.</li>
 * </ol>
 */
@ExtendWith(SharedBroker.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class IndexServiceFaultTest {

    static final String TOPIC = "fault-index-vectors";
    static final int PARTITIONS = 2;
    static final Duration START = Duration.ofMinutes(2);
    static final String CORRUPT_METRIC = "streamsparse_index_snapshot_corrupt_total";

    static BrokerProcess broker;
    static Path dir;
    static ServiceProcess victim;
    static ServiceProcess replica;
    static VectorFeed feed;

    @BeforeAll
    static void startPair(BrokerProcess shared) {
        broker = shared;
        dir = FaultSupport.runDirectory("index-service");
        broker.createTopics(Map.of(TOPIC, PARTITIONS), Map.of(TOPIC + ".DLT", 1));
        victim = indexService("index-victim");
        replica = indexService("index-replica");
        victim.awaitReady(START);
        replica.awaitReady(START);
        feed = new VectorFeed(broker.bootstrapServers(), TOPIC, 600, 11);
    }

    @AfterAll
    static void stopPair() {
        for (ServiceProcess s : new ServiceProcess[] {victim, replica}) {
            if (s != null) {
                s.destroy();
            }
        }
        if (feed != null) {
            feed.close();
        }
    }

    static ServiceProcess indexService(String name) {
        return ServiceProcess.start(name, "index-service", dir, List.of(
                "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--streamsparse.index.topic=" + TOPIC,
                "--streamsparse.index.partitions=0,1",
                "--streamsparse.index.snapshot-dir=" + snapshotDir(name),
                "--streamsparse.index.snapshot-every-updates=100",
                "--streamsparse.index.snapshot-retain=2"));
    }

    static Path snapshotDir(String name) {
        return dir.resolve(name + "-snapshots");
    }

    /** Complete snapshot files of one of the victim's shards, newest (highest offset) first. */
    static List<Path> victimSnapshots(int shard) throws IOException {
        Path shardDir = snapshotDir("index-victim").resolve("shard-" + shard);
        if (!Files.isDirectory(shardDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(shardDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".snap"))
                    .sorted(Comparator.comparing((Path f) -> f.getFileName().toString()).reversed()).toList();
        }
    }

    /** Inverts 16 bytes in the middle of the file (its length stays the same). */
    static void flipBytes(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int from = bytes.length / 2 - 8;
        for (int i = from; i < from + 16; i++) {
            bytes[i] ^= (byte) 0xFF;
        }
        Files.write(file, bytes);
    }

    /** Cuts the file to half its length. */
    static void truncate(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    }

    /**
     * Stops the victim cleanly after two rounds of about 150 updates per shard, each applied before the next: each
     * round leaves a periodic snapshot (every 100 updates) or, for the last, the shutdown snapshot, so every shard
     * has two snapshots on disk when it is down.
     */
    static void feedAndStopVictim() throws IOException {
        for (int round = 0; round < 2; round++) {
            feed.send(300, 100, 0);
            IndexChecks.awaitApplied(victim, broker, TOPIC, PARTITIONS, START);
        }
        assertThat(victim.stop()).as("exit status of a clean stop").isIn(0, 143);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(victimSnapshots(p)).as("snapshots of shard %d", p).hasSize(2);
        }
    }

    static void assertConverged() {
        IndexChecks.awaitApplied(victim, broker, TOPIC, PARTITIONS, START);
        IndexChecks.awaitApplied(replica, broker, TOPIC, PARTITIONS, START);
        for (int p = 0; p < PARTITIONS; p++) {
            ServiceProcess.Digest restored = victim.digest(p);
            assertThat(restored).as("shard %d: victim vs replica", p).isEqualTo(replica.digest(p));
            assertThat(restored.digest()).as("shard %d: vs batch build of the latest values", p)
                    .isEqualTo(feed.batchDigest(p));
        }
        IndexChecks.assertEveryDocumentExactlyOnce(victim, feed, PARTITIONS);
        IndexChecks.assertEveryDocumentExactlyOnce(replica, feed, PARTITIONS);
    }

    @Test
    @Order(1)
    void aKilledIndexServiceRestartsFromItsSnapshotAndEndsEqualToTheReplicaThatNeverDied() throws Exception {
        feed.send(800, 100, 0);
        await().atMost(START).until(() -> !victimSnapshots(0).isEmpty() && !victimSnapshots(1).isEmpty());

        // the rest of the stream flows while the victim dies, is down, and replays
        CompletableFuture<Void> sending = feed.sendAsync(1200, 50, 50);
        await().atMost(START).until(() -> feed.acknowledged() >= 900 || sending.isDone());
        victim.kill();
        assertThat(victim.isAlive()).isFalse();
        await().atMost(START).until(() -> feed.acknowledged() >= 1100 || sending.isDone());

        Map<Integer, Long> endAtRestart = broker.endOffsets(TOPIC, PARTITIONS, IsolationLevel.READ_UNCOMMITTED);
        victim.restart();
        victim.awaitReady(START);
        for (int p = 0; p < PARTITIONS; p++) {
            // ready means caught up with (at least) the partition ends seen when it started
            assertThat(victim.digest(p).offset()).as("shard %d offset when ready", p)
                    .isGreaterThanOrEqualTo(endAtRestart.get(p) - 1);
            assertThat(victim.log()).as("restart log").contains("Shard " + p + ": restored");
        }
        sending.get(3, TimeUnit.MINUTES);
        assertConverged();
        assertThat(feed.deletedIds()).as("the stream deletes some ids").isNotEmpty();
    }

    @Test
    @Order(2)
    void aCorruptNewestSnapshotIsDetectedAndTheOlderOneRestored() throws Exception {
        feedAndStopVictim();
        feed.send(300, 100, 0);
        List<Path> corrupted = new ArrayList<>();
        List<Path> fallbacks = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            List<Path> files = victimSnapshots(p);
            flipBytes(files.get(0));
            corrupted.add(files.get(0));
            fallbacks.add(files.get(1));
        }
        victim.restart();
        victim.awaitReady(START);

        assertThat(victim.metric(CORRUPT_METRIC)).isEqualTo(PARTITIONS);
        String log = victim.log();
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(log).contains("Skipping unreadable snapshot " + corrupted.get(p))
                    .containsPattern("Shard " + p + ": restored \\d+ documents at offset \\d+ from "
                            + Pattern.quote(fallbacks.get(p).toString()));
            // moved aside, so that retention cannot keep it instead of an intact snapshot
            assertThat(corrupted.get(p)).doesNotExist();
            assertThat(Path.of(corrupted.get(p) + ".corrupt")).exists();
        }
        assertConverged();
    }

    @Test
    @Order(3)
    void withEverySnapshotDamagedItReplaysFromOffsetZero() throws Exception {
        feedAndStopVictim();
        feed.send(200, 100, 0);
        int damaged = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            List<Path> files = victimSnapshots(p);
            truncate(files.get(0));
            for (Path older : files.subList(1, files.size())) {
                flipBytes(older);
            }
            damaged += files.size();
        }
        victim.restart();
        victim.awaitReady(START);

        assertThat(victim.metric(CORRUPT_METRIC)).isEqualTo(damaged);
        for (int p = 0; p < PARTITIONS; p++) {
            assertThat(victim.log()).contains("Shard " + p + ": no usable snapshot");
        }
        assertConverged();
    }
}
