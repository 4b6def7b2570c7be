package io.streamsparse.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The query service's edge: bad requests get 400 problem details naming the problem, and with no index shard
 * reachable a valid query gets 503 rather than an error page. Queries are encoded inference-free with a real
 * bert-base-uncased tokenizer so that this test needs no model.
 */
class QueryServiceLimitsTest {

    static ConfigurableApplicationContext service;
    static URI base;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        service = QueryServiceApplication.builder().run("--server.port=0",
                "--streamsparse.query.index-urls=http://127.0.0.1:" + deadPort,
                "--streamsparse.query.shard-count=2",
                "--streamsparse.query.encoder=inference-free",
                "--streamsparse.query.tokenizer-path=classpath:all-minilm-l6-v2-q-tokenizer.json",
                "--streamsparse.query.max-query-chars=50");
        base = URI.create("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    static HttpResponse<String> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(base.resolve(pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void badRequestsAreRefusedWithTheReason() throws Exception {
        assertProblem(get("/v1/search"), 400, "'q' is required");
        assertProblem(get("/v1/search?q=%20%20"), 400, "'q' is required");
        assertProblem(get("/v1/search?q=x&k=0"), 400, "k must be an integer in [1, 100], was '0'");
        assertProblem(get("/v1/search?q=x&k=5000"), 400, "k must be an integer in [1, 100], was '5000'");
        assertProblem(get("/v1/search?q=x&k=ten"), 400, "k must be an integer in [1, 100], was 'ten'");
        assertProblem(get("/v1/search?q=x&mode=fast"), 400, "mode must be 'approximate' or 'exact'");
        assertProblem(get("/v1/search?q=x&explain=maybe"), 400, "explain must be 'true' or 'false', was 'maybe'");
        assertProblem(get("/v1/search?q=x&fusion=bm25"), 400, "fusion must be 'linear', 'rrf' or 'none', was 'bm25'");
        assertProblem(get("/v1/search?q=x&q=y"), 400, "parameter 'q' is given 2 times");
        assertProblem(get("/v1/search?q=x&kk=3"), 400, "unknown parameter 'kk'");
        assertProblem(get("/v1/search?q=" + "a".repeat(51)), 400, "51 chars; the limit is 50");
    }

    @Test
    void hostileRequestsGetProblemDetailsNotServerPages() throws Exception {
        assertProblem(get("/v1/search?q=" + "a".repeat(100_000)), 400, "");
        assertProblem(HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/search?q=x"))
                .header("X-Padding", "p".repeat(64 * 1024)).build(), HttpResponse.BodyHandlers.ofString()), 400, "");
        assertThat(raw("/v1/search?q=%E0%A4%A")).startsWith("HTTP/1.1 400").contains("application/problem+json")
                .contains("could not be decoded");
        assertThat(raw("/v1/search?q=%zz&k=3")).startsWith("HTTP/1.1 400").contains("application/problem+json")
                .contains("could not be decoded");
        assertThat(raw("/v1/se%zzarch?q=x")).startsWith("HTTP/1.1 400").contains("application/problem+json");
    }

    /** A request as written, for URLs that java.net.URI refuses to build. */
    private static String raw(String target) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(base.getHost(), base.getPort())) {
            socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void noAnsweringShardMeans503NamingEachShard() throws Exception {
        HttpResponse<String> r = get("/v1/search?q=database%20backup");
        assertProblem(r, 503, "no shard answered");
        assertThat(r.body()).contains("shard=0").contains("shard=1").contains("no-replica");
    }

    @Test
    void openApiDescribesTheSearch() throws Exception {
        HttpResponse<String> docs = get("/v3/api-docs");
        assertThat(docs.statusCode()).isEqualTo(200);
        assertThat(docs.body()).contains("\"openapi\"").contains("/v1/search").contains("\"name\":\"q\"")
                .contains("failedShards").contains("\"name\":\"fusion\"").contains("\"rrf\"");
    }

    @Test
    void searchPageIsServed() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form id=\"search\"").contains("<select name=\"fusion\"");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(response.body()).contains(detail);
    }
}
