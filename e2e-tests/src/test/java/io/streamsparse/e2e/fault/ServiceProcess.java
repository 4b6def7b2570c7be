package io.streamsparse.e2e.fault;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One of our Spring Boot services run the way operators run it, {@code java -jar <module>-exec.jar --key=value...},
 * as a child process that a test can SIGKILL and start again with the same arguments (so the same snapshot
 * directory), on a fresh free HTTP port each start. Each start logs to its own file, {@code <name>-<n>.log}.
 * Helpers speak the index-service HTTP API (digest, shard list, search) and read Prometheus counters.
 */
final class ServiceProcess {

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code GET /v1/shards/{shard}/digest}. */
    record Digest(int shard, long offset, int documents, String digest) {
    }

    private final String name;
    private final String module;
    private final Path dir;
    private final List<String> args;
    private ChildProcess process;
    private int port;
    private int starts;
    private long startedNanos;

    private ServiceProcess(String name, String module, Path dir, List<String> args) {
        this.name = name;
        this.module = module;
        this.dir = dir;
        this.args = List.copyOf(args);
    }

    /** Starts {@code module}'s exec jar with {@code args} (plus {@code --server.port}); does not wait for readiness. */
    static ServiceProcess start(String name, String module, Path dir, List<String> args) {
        ServiceProcess service = new ServiceProcess(name, module, dir, args);
        service.launch();
        return service;
    }

    private void launch() {
        starts++;
        startedNanos = System.nanoTime();
        port = FaultSupport.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(FaultSupport.javaBinary());
        cmd.addAll(FaultSupport.CHILD_JVM_OPTIONS);
        cmd.add("-jar");
        cmd.add(FaultSupport.execJar(module).toString());
        cmd.add("--server.port=" + port);
        cmd.add("--server.address=127.0.0.1");
        cmd.addAll(args);
        process = ChildProcess.start(name, cmd, dir, dir.resolve(name + "-" + starts + ".log"));
    }

    /** Starts it again with the same arguments, after {@link #kill()} or {@link #stop()}. */
    void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running: " + process);
        }
        launch();
    }

    /** SIGSTOP (see {@link ChildProcess#suspend()}). */
    void suspend() {
        process.suspend();
    }

    /** SIGCONT. */
    void resume() {
        process.resume();
    }

    /** SIGKILL. */
    void kill() {
        process.kill();
    }

    /** SIGTERM and a clean Spring shutdown (the index service snapshots changed shards on the way out). */
    int stop() {
        return process.stop(Duration.ofSeconds(60));
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    ChildProcess process() {
        return process;
    }

    /** The log of the current (latest) start. */
    String log() {
        return process.logText();
    }

    int starts() {
        return starts;
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Waits until {@code /actuator/health/readiness} says UP (200); fails early, with the log, if the JVM exits. */
    void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited before it was ready:\n" + process.logTail(80));
            }
            if (status("/actuator/health/readiness") == 200) {
                FaultSupport.report(name + " (start " + starts + ") ready", startedNanos);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " was not ready within " + timeout + ":\n"
                        + process.logTail(80));
            }
            sleep(250);
        }
    }

    /** The HTTP status of a GET, or -1 when nothing answers. */
    int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    String get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).build());
    }

    private String send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(request.method() + " " + request.uri() + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    Digest digest(int shard) {
        return JSON.readValue(get("/v1/shards/" + shard + "/digest"), Digest.class);
    }

    /** The ids an exact search for {@code terms} (weight 1 each) returns from one shard, in rank order. */
    List<String> search(int shard, int[] terms, int k) {
        float[] weights = new float[terms.length];
        java.util.Arrays.fill(weights, 1f);
        String body = JSON.writeValueAsString(java.util.Map.of("terms", terms, "weights", weights, "k", k,
                "mode", "exact"));
        JsonNode result = JSON.readTree(send(HttpRequest.newBuilder(uri("/v1/shards/" + shard + "/search"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build()));
        List<String> ids = new ArrayList<>();
        result.path("hits").forEach(h -> ids.add(h.path("id").asString()));
        return ids;
    }

    /**
     * The sum over all series of a Prometheus metric (e.g. {@code streamsparse_index_snapshot_corrupt_total}) from
     * {@code /actuator/prometheus}; 0 when it has no series.
     */
    double metric(String name) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{[^}]*\\})?\\s+(\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(get("/actuator/prometheus"));
        double sum = 0;
        while (m.find()) {
            sum += Double.parseDouble(m.group(2));
        }
        return sum;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops it for good at the end of a test: SIGKILL when still running. */
    void destroy() {
        if (process != null && process.isAlive()) {
            process.kill();
        }
    }

    @Override
    public String toString() {
        return name + " " + process;
    }
}
