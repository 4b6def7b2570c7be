package io.streamsparse.e2e.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamsparse.query.QueryServiceApplication;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
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
 * Faults on the index side of the pipeline, on one pair of index-service instances that own the same two partitions
 * of a vectors topic (vectors are produced straight to the topic; the encoder is not under test here): the victim,
 * which is killed, stopped and has its snapshots damaged, and the replica, which never stops. The tests share the
 * pair (starting one is the slow part on a 2-core machine) and each can also run alone; each ends with both
 * instances equal to each other and to the batch build of the stream's latest values ({@code ShardIndex.build}),
 * holding every live document exactly once.
 * <ol>
 *   <li>SIGKILL of the victim in the middle of ingest, restart: it restores its newest snapshot, replays, reports
 *       ready only once caught up, and ends with the replica's digest.</li>
 *   <li>SIGKILL of the broker in the middle of the stream, restart on the same port and log directory: the producer
 *       (idempotent, acks=all) and both instances carry on, nothing acknowledged is lost.</li>
 *   <li>Snapshots damaged while the victim is stopped: shard 0's newest has bytes flipped (the older one must be
 *       restored), all of shard 1's are damaged (the newest truncated, the older flipped: replay from offset 0).
 *       Each is detected, logged, counted in {@code streamsparse_index_snapshot_corrupt_total} and moved aside.</li>
 *   <li>SIGKILL of the victim while a query service (in-process, the pair as the two replicas of both shards) is
 *       under search load: every search is answered in full (200, no failed shard), the query service failing over
 *       to the replica for calls the victim drops. The victim stays down (last test).</li>
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

    static final HttpClient HTTP = HttpClient.newHttpClient();

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
        feed = new VectorFeed(broker.bootstrapServers(), TOPIC, 400, 11);
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
    void theBrokerIsKilledMidStreamAndRestartedAndNothingIsLost() throws Exception {
        long victimPid = victim.process().pid();
        long replicaPid = replica.process().pid();
        int before = feed.acknowledged();
        CompletableFuture<Void> sending = feed.sendAsync(1000, 50, 40);
        await().atMost(START).until(() -> feed.acknowledged() >= before + 300 || sending.isDone());

        long down = System.nanoTime();
        broker.kill();
        int ackedAtKill = feed.acknowledged() - before;
        broker.restart();
        FaultSupport.report("broker killed and serving again", down);

        sending.get(3, TimeUnit.MINUTES);
        System.out.printf("[fault] %d of 1000 records were acknowledged when the broker was killed%n", ackedAtKill);
        assertThat(feed.acknowledged()).isEqualTo(before + 1000);
        long resumed = System.nanoTime();
        assertConverged();
        FaultSupport.report("both index instances converged after the broker restart", resumed);
        assertThat(victim.process().pid()).as("the victim kept running").isEqualTo(victimPid);
        assertThat(replica.process().pid()).as("the replica kept running").isEqualTo(replicaPid);
        assertThat(victim.status("/actuator/health/readiness")).isEqualTo(200);
    }

    @Test
    @Order(3)
    void damagedSnapshotsAreDetectedSkippedAndTheStateIsStillCorrect() throws Exception {
        feedAndStopVictim();
        feed.send(300, 100, 0);
        // shard 0: the newest snapshot corrupt, the older one intact
        List<Path> shard0 = victimSnapshots(0);
        flipBytes(shard0.get(0));
        // shard 1: every snapshot damaged
        List<Path> shard1 = victimSnapshots(1);
        truncate(shard1.get(0));
        for (Path older : shard1.subList(1, shard1.size())) {
            flipBytes(older);
        }
        List<Path> damaged = new ArrayList<>(shard1);
        damaged.add(shard0.get(0));

        victim.restart();
        victim.awaitReady(START);
        assertThat(victim.metric(CORRUPT_METRIC)).isEqualTo(damaged.size());
        String log = victim.log();
        assertThat(log).containsPattern("Shard 0: restored \\d+ documents at offset \\d+ from "
                + Pattern.quote(shard0.get(1).toString()));
        assertThat(log).containsPattern("Shard 1: no usable snapshot in \\S+ \\(learned index\\)");
        for (Path file : damaged) {
            assertThat(log).contains("Skipping unreadable snapshot " + file);
            // moved aside, so that retention cannot keep it instead of an intact snapshot
            assertThat(file).doesNotExist();
            assertThat(Path.of(file + ".corrupt")).exists();
        }
        assertConverged();
    }

    @Test
    @Order(4)
    void aReplicaKilledUnderSearchLoadFailsNoSearch() throws Exception {
        if (!victim.isAlive()) {
            victim.restart();
        }
        victim.awaitReady(START);
        replica.awaitReady(START);
        // queries are encoded inference-free (the bundled tokenizer, IDF from the shards): no model load needed
        ConfigurableApplicationContext query = QueryServiceApplication.builder().run("--server.port=0",
                "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers(),
                "--streamsparse.query.vectors-topic=" + TOPIC,
                "--streamsparse.query.index-urls=" + victim.uri("") + "," + replica.uri(""),
                "--streamsparse.query.encoder=inference-free",
                "--streamsparse.query.discovery-interval=200ms",
                "--logging.level.root=WARN");
        try {
            URI search = URI.create("http://127.0.0.1:" + query.getEnvironment().getProperty("local.server.port")
                    + "/v1/search?k=10&q=" + URLEncoder.encode("telescope mirror volcano glacier violin",
                    StandardCharsets.UTF_8));
            await().atMost(START).until(() -> answeredInFull(HTTP.send(HttpRequest.newBuilder(search).build(),
                    HttpResponse.BodyHandlers.ofString())));
            List<String> failures = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger answered = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                Thread t = new Thread(() -> {
                    // bounded: stops when told, or after 5,000 searches
                    for (int n = 0; n < 5_000 && !stop.get(); n++) {
                        try {
                            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(search).build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (!answeredInFull(r)) {
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                        answered.incrementAndGet();
                    }
                }, "search-load-" + c);
                t.start();
                clients.add(t);
            }
            await().atMost(START).until(() -> answered.get() >= 100);
            victim.kill();
            int atKill = answered.get();
            await().atMost(START).until(() -> answered.get() >= atKill + 300);
            stop.set(true);
            for (Thread t : clients) {
                t.join(30_000);
            }
            System.out.printf("[fault] %d searches, %d before the victim was killed, %d failed%n", answered.get(),
                    atKill, failures.size());
            assertThat(failures).as("searches answered: " + answered.get()).isEmpty();
        } finally {
            query.close();
        }
    }

    /** 200, both shards answered. */
    private static boolean answeredInFull(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            return false;
        }
        JsonNode body = ServiceProcess.JSON.readTree(r.body());
        return body.path("shards").asInt() == PARTITIONS && !body.path("partial").asBoolean(true)
                && body.path("failedShards").isEmpty();
    }
}
