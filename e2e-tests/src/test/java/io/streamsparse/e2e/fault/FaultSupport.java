package io.streamsparse.e2e.fault;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Where things are for the fault tests: the repository root, the services' executable jars, the JVM, the test class
 * path (the broker child runs from it), free loopback ports and per-run working directories under
 * {@code e2e-tests/target/fault-runs/} (kept after the run: the children's logs are the first thing to read when a
 * fault test fails; {@code mvn clean} removes them).
 */
final class FaultSupport {

    /** Heap and JIT settings for child JVMs: small corpora, 2-core CI, so favour start-up time over peak speed. */
    static final List<String> CHILD_JVM_OPTIONS = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Djava.net.preferIPv4Stack=true");

    static {
        quietKafkaClients();
    }

    private FaultSupport() {
    }

    /** A progress line in the test output, with the seconds since {@code startNanos}. */
    static void report(String what, long startNanos) {
        System.out.printf("[fault] %s in %.1f s%n", what, (System.nanoTime() - startNanos) / 1e9);
    }

    /**
     * The in-process Kafka clients (producer, consumer, admin, storage format) would log every configuration they
     * are built with (and at DEBUG through logback's default configuration); keep them at WARN. A Spring Boot context started later in the same JVM reconfigures
     * logging anyway.
     */
    static void quietKafkaClients() {
        // whichever SLF4J provider this class path ends up with (logback; slf4j-simple if one comes back), quiet it
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.kafka", "warn");
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
            context.getLogger("org.apache.kafka").setLevel(Level.WARN);
            context.getLogger("kafka").setLevel(Level.WARN);
        }
    }

    /** The repository root: {@code -Dstreamsparse.e2e.root}, else the nearest directory above that has index-service/. */
    static Path repositoryRoot() {
        String configured = System.getProperty("streamsparse.e2e.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("index-service/pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath()
                + "; set -Dstreamsparse.e2e.root");
    }

    /**
     * A service's Spring Boot fat jar, {@code <module>/target/<module>-0.1.0-SNAPSHOT-exec.jar}. The reactor packages
     * the services before e2e-tests runs its tests ({@code mvn verify}); a missing jar fails the test with the command
     * that builds it rather than skipping silently.
     */
    static Path execJar(String module) {
        Path jar = repositoryRoot().resolve(module).resolve("target").resolve(module + "-0.1.0-SNAPSHOT-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist; build it first: mvn -B -o -pl " + module
                    + " -am package -DskipTests (or run the fault tests through mvn verify)");
        }
        return jar;
    }

    static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * This JVM's test class path (Surefire puts the real one in {@code java.class.path}); the broker child runs
     * {@code kafka.Kafka} from it: kafka_2.13 and its dependencies are test dependencies of this module.
     */
    static String testClassPath() {
        String cp = System.getProperty("java.class.path");
        List<String> entries = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (!e.isBlank()) {
                entries.add(e);
            }
        }
        boolean hasKafka = entries.stream().anyMatch(e -> e.contains("kafka_2.13"));
        if (!hasKafka) {
            throw new IllegalStateException("kafka_2.13 is not on the test class path (" + entries.size()
                    + " entries); run the fault tests with Surefire (useManifestOnlyJar keeps java.class.path)");
        }
        return String.join(File.pathSeparator, entries);
    }

    /** A loopback port that was free a moment ago. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** A fresh directory for one test class's children: logs, snapshots, broker data. */
    static Path runDirectory(String name) {
        try {
            Path base = repositoryRoot().resolve("e2e-tests/target/fault-runs");
            Files.createDirectories(base);
            return Files.createTempDirectory(base, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run directory", e);
        }
    }
}
