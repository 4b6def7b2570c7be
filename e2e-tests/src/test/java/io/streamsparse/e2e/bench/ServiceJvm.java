package io.streamsparse.e2e.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One of our services in its own JVM, started the way operators run it ({@code java <jvm options> -jar
 * <module>-exec.jar --key=value...}) so that a harness measures it alone: its resident memory comes from
 * {@code /proc/<pid>/status}, and native code (ONNX Runtime, the tokenizer's library) runs in a process of its own,
 * as in production. Each one gets a private {@code java.io.tmpdir} and {@code DJL_CACHE_DIR}: native libraries
 * unpack there, and JVMs unpacking into one shared cache at the same moment, or DJL's native library loaded into the
 * harness JVM beside the broker, have crashed with SIGSEGV and no error file.
 */
record ServiceJvm(String name, Process process, URI base, Path log) {

    /**
     * Starts {@code module}'s exec jar on a free loopback port with {@code jvm} options, extra {@code env} and
     * {@code args}; logs to {@code <run>/<name>.log}. Does not wait: see {@link #awaitLive(HttpClient)}.
     */
    static ServiceJvm start(String name, String module, Path run, List<String> jvm, Map<String, String> env,
            List<String> args) throws IOException {
        Path jar = Path.of(module, "target", module + "-0.1.0-SNAPSHOT-exec.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: mvn -B -o -pl e2e-tests -am package -DskipTests");
        }
        Path tmp = Files.createDirectories(run.resolve(name + "-tmp"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.add("-Djava.io.tmpdir=" + tmp);
        cmd.add("-DDJL_CACHE_DIR=" + tmp.resolve("djl"));
        cmd.addAll(List.of("-jar", jar.toString(), "--server.port=" + port, "--server.address=127.0.0.1",
                "--logging.level.root=WARN"));
        cmd.addAll(args);
        Path log = run.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        builder.environment().put("DJL_CACHE_DIR", tmp.resolve("djl").toString());
        ServiceJvm service = new ServiceJvm(name, builder.start(), URI.create("http://127.0.0.1:" + port), log);
        Runtime.getRuntime().addShutdownHook(new Thread(service.process()::destroyForcibly));
        return service;
    }

    long pid() {
        return process.pid();
    }

    /** Waits until {@code /actuator/health/liveness} answers 200; fails, naming the log, if the JVM exits. */
    void awaitLive(HttpClient http) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/actuator/health/liveness")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(name + " did not start in 5 minutes; see " + log);
    }

    /** SIGTERM to each (a clean Spring shutdown), then waits for all. */
    static void stopAll(List<ServiceJvm> services) throws InterruptedException {
        for (ServiceJvm s : services) {
            s.process().destroy();
        }
        for (ServiceJvm s : services) {
            s.process().waitFor();
        }
    }

    /** Resident memory in KiB now ({@code VmRSS}) and at its peak ({@code VmHWM}); -1 when unknown. */
    private Map<String, Long> residentKib() {
        Map<String, Long> kib = new LinkedHashMap<>(Map.of("VmRSS", -1L, "VmHWM", -1L));
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith("VmRSS:") || line.startsWith("VmHWM:")) {
                    kib.put(line.substring(0, 5), Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException e) {
            // not Linux, or the process is gone
        }
        return kib;
    }

    /**
     * {@code name_rss_mb=… name_peak_mb=… name_heap_mb=…} per service, in MiB: resident now and at the peak, and the
     * heap the JVM has committed (Micrometer's {@code jvm_memory_committed_bytes{area="heap"}}); resident memory less
     * the heap is the JVM's own native memory (metaspace, code, threads, GC) plus ONNX Runtime's.
     */
    static String memory(List<ServiceJvm> services) {
        StringBuilder out = new StringBuilder();
        for (ServiceJvm s : services) {
            Map<String, Long> kib = s.residentKib();
            out.append(out.isEmpty() ? "" : " ").append(s.name()).append("_rss_mb=").append(mib(kib.get("VmRSS")))
                    .append(' ').append(s.name()).append("_peak_mb=").append(mib(kib.get("VmHWM")))
                    .append(' ').append(s.name()).append("_heap_mb=").append(s.heapCommittedMib());
        }
        return out.toString();
    }

    private static final HttpClient METRICS = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern HEAP_COMMITTED = Pattern.compile(
            "^jvm_memory_committed_bytes\\{[^}]*area=\"heap\"[^}]*\\}\\s+(\\S+)$", Pattern.MULTILINE);

    /** Committed heap in MiB, from {@code /actuator/prometheus}; -1 when it does not answer. */
    private long heapCommittedMib() {
        try {
            String text = METRICS.send(HttpRequest.newBuilder(base.resolve("/actuator/prometheus"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            double bytes = 0;
            for (Matcher m = HEAP_COMMITTED.matcher(text); m.find(); ) {
                bytes += Double.parseDouble(m.group(1));
            }
            return (long) (bytes / (1 << 20));
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static long mib(long kib) {
        return kib < 0 ? -1 : kib / 1024;
    }
}
