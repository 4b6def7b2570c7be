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
        assertProblem(get("/v1/search?q=x&k=0"), 400, "k must be in [1, 100], was 0");
        assertProblem(get("/v1/search?q=x&k=5000"), 400, "k must be in [1, 100], was 5000");
        assertProblem(get("/v1/search?q=x&k=ten"), 400, "");
        assertProblem(get("/v1/search?q=" + "a".repeat(51)), 400, "51 chars; the limit is 50");
    }

    @Test
    void noReachableShardMeans503() throws Exception {
        assertProblem(get("/v1/search?q=database%20backup"), 503, "no index shard is ready");
    }

    @Test
    void searchPageIsServed() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form id=\"search\"");
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(response.body()).contains(detail);
    }
}
