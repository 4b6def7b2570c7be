package io.streamsparse.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus process (Debian's {@code prometheus} package, or any {@code prometheus} on the PATH) running the
 * repository's {@code monitoring/prometheus/prometheus.yml} and {@code alerts.yml} unchanged; only the targets folder
 * (file-based discovery) is written for the services under test.
 */
final class PrometheusServer implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final Path log;
    private final URI base;

    private PrometheusServer(Process process, Path log, URI base) {
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /**
     * Copies the repository's config and rules into {@code dir}, writes {@code dir/targets/<job>.json} from
     * {@code targets} (job name to host:port list), and starts Prometheus on a free loopback port.
     */
    static PrometheusServer start(Path dir, Map<String, List<String>> targets) throws IOException, InterruptedException {
        Files.createDirectories(dir.resolve("targets"));
        for (String file : List.of("prometheus.yml", "alerts.yml")) {
            Files.copy(MonitoringConfig.PROMETHEUS_DIR.resolve(file), dir.resolve(file));
        }
        Files.writeString(dir.resolve("targets/alertmanager.json"), "[]");
        for (Map.Entry<String, List<String>> job : targets.entrySet()) {
            Files.writeString(dir.resolve("targets/" + job.getKey() + ".json"), "[{\"targets\": ["
                    + job.getValue().stream().map(t -> "\"" + t + "\"").collect(Collectors.joining(", ")) + "]}]");
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = dir.resolve("prometheus.log");
        Process process = new ProcessBuilder(Executables.onPath("prometheus").toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusServer server = new PrometheusServer(process, log, URI.create("http://127.0.0.1:" + port));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!server.ready()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String tail = server.logTail();
                server.close();
                throw new IllegalStateException("Prometheus did not become ready; its log:\n" + tail);
            }
            Thread.sleep(200);
        }
        return server;
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(base.resolve("/-/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** {@code GET /api/v1/<path>}: the parsed JSON answer (also for 4xx, whose body says why). */
    JsonNode api(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v1/" + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** An instant query: Prometheus's whole answer ({@code status}, {@code data.result} or {@code error}). */
    JsonNode query(String promql) throws IOException, InterruptedException {
        return api("query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Runs {@code promtool ARGS...}; returns its exit status and output. */
    static Map.Entry<Integer, String> promtool(String... args) throws IOException, InterruptedException {
        Path promtool = Executables.onPath("promtool");
        if (promtool == null) {
            return Map.entry(-1, "promtool is not on the PATH");
        }
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return Map.entry(p.waitFor(), output);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
