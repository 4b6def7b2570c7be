package io.streamsparse.e2e.fault;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Apache Kafka KRaft broker (combined broker + controller) running as a child JVM
 * ({@code kafka.Kafka server.properties}), so a test can kill it with SIGKILL and start it again on the same ports
 * and the same log directory. The storage is formatted once, in this JVM ({@code kafka.tools.StorageTool format}).
 *
 * <p>Configuration: listeners on 127.0.0.1 at ports chosen at start, replication factors 1,
 * {@code auto.create.topics.enable=false} (topics are created the way operators create them), no group
 * rebalance delay, timed-out transactions aborted within a second (the broker default scans every 10 s), which
 * bounds how long a crashed transactional producer can hold back {@code read_committed} readers in a test, and a
 * 3 s broker session (default 9 s): a broker restarted after SIGKILL cannot register again before the session of
 * its previous incarnation has expired.
 */
final class BrokerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private ChildProcess process;
    private int starts;

    private BrokerProcess(Path dir) {
        this.dir = dir;
        this.port = FaultSupport.freePort();
        this.controllerPort = FaultSupport.freePort();
    }

    /** Formats a fresh log directory under {@code dir} and starts the broker; returns once it serves requests. */
    static BrokerProcess start(Path dir) {
        BrokerProcess broker = new BrokerProcess(dir);
        broker.writeConfig();
        broker.format();
        broker.launch();
        return broker;
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private Path config() {
        return dir.resolve("server.properties");
    }

    private void writeConfig() {
        Map<String, String> c = new java.util.LinkedHashMap<>();
        c.put("process.roles", "broker,controller");
        c.put("node.id", "1");
        c.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        c.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        c.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        c.put("controller.listener.names", "CONTROLLER");
        c.put("inter.broker.listener.name", "PLAINTEXT");
        c.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        c.put("log.dirs", dir.resolve("data").toString());
        c.put("num.partitions", "1");
        c.put("auto.create.topics.enable", "false");
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "2");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "2");
        c.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        c.put("group.initial.rebalance.delay.ms", "0");
        // after a SIGKILL the restarted broker may register only once its old session has expired (default 9 s)
        c.put("broker.session.timeout.ms", "3000");
        c.put("broker.heartbeat.interval.ms", "1000");
        c.put("share.coordinator.state.topic.replication.factor", "1");
        c.put("share.coordinator.state.topic.min.isr", "1");
        StringBuilder sb = new StringBuilder();
        c.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        String logback = """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="kafka.server.KafkaConfig" level="WARN"/>
                  <logger name="org.apache.kafka.common.config.AbstractConfig" level="WARN"/>
                  <root level="INFO"><appender-ref ref="OUT"/></root>
                </configuration>
                """;
        try {
            Files.createDirectories(dir);
            Files.writeString(config(), sb.toString(), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("logback.xml"), logback, StandardCharsets.UTF_8);
            // the class path is long: hand it to the child in an argument file
            Files.writeString(dir.resolve("classpath.args"), "-cp \"" + FaultSupport.testClassPath()
                    .replace("\\", "\\\\") + "\"\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the broker configuration to " + dir, e);
        }
    }

    private void format() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                    "-c", config().toString()}, ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting the broker storage failed (" + rc + "): "
                    + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void launch() {
        starts++;
        List<String> cmd = new ArrayList<>();
        cmd.add(FaultSupport.javaBinary());
        cmd.addAll(List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.net.preferIPv4Stack=true", "-Dlogback.configurationFile=" + dir.resolve("logback.xml"),
                // logback, configured above, even if another SLF4J provider joins the test class path
                "-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider"));
        cmd.add("@" + dir.resolve("classpath.args"));
        cmd.add("kafka.Kafka");
        cmd.add(config().toString());
        long started = System.nanoTime();
        process = ChildProcess.start("kafka-broker", cmd, dir, dir.resolve("broker-" + starts + ".log"));
        awaitServing(Duration.ofSeconds(120));
        FaultSupport.report("broker at " + bootstrapServers() + " (start " + starts + ") serving", started);
    }

    /** Waits until the broker answers metadata requests and the controller has registered it. */
    private void awaitServing(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker exited at start:\n" + process.logTail(60));
                }
                try {
                    if (!admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (Exception e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the broker did not serve within " + timeout + ":\n"
                            + process.logTail(60));
                }
                sleep(200);
            }
        }
    }

    /** The fault: SIGKILL, no controlled shutdown, no log flush. */
    void kill() {
        process.kill();
    }

    /** Starts the broker again on the same ports and log directory (after {@link #kill()}). */
    void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException("broker still running: " + process);
        }
        launch();
    }

    ChildProcess process() {
        return process;
    }

    Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        return Admin.create(props);
    }

    /** Creates topics: {@code compacted} ones like the pipeline's {@code documents}/{@code sparse-vectors}. */
    void createTopics(Map<String, Integer> compacted, Map<String, Integer> plain) {
        List<NewTopic> topics = new ArrayList<>();
        compacted.forEach((name, partitions) -> topics.add(new NewTopic(name, partitions, (short) 1)
                .configs(Map.of("cleanup.policy", "compact"))));
        plain.forEach((name, partitions) -> topics.add(new NewTopic(name, partitions, (short) 1)));
        try (Admin admin = admin()) {
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("creating " + topics + " failed", e);
        }
    }

    /**
     * End offsets of {@code topic}'s partitions {@code 0..partitions-1}: the high watermark for read_uncommitted, the
     * last stable offset for read_committed.
     */
    Map<Integer, Long> endOffsets(String topic, int partitions, IsolationLevel isolation) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        try (Admin admin = admin()) {
            Map<Integer, Long> out = new java.util.TreeMap<>();
            admin.listOffsets(request, new org.apache.kafka.clients.admin.ListOffsetsOptions(isolation)).all()
                    .get(30, TimeUnit.SECONDS).forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("listing end offsets of " + topic + " failed", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.kill();
        }
    }

    @Override
    public String toString() {
        return "Kafka broker at " + bootstrapServers() + " (" + process + ")";
    }
}
