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
import tools.jackson.databind.json.JsonMapper;

/**
 * The query service with bearer tokens switched on and one allowed cross-origin page: requests without or with a
 * wrong token get 401 problem details, the right token is let in, probes and the metrics scrape stay open, and CORS
 * admits exactly the configured origin. ({@code QueryServiceLimitsTest} runs with the defaults: no token needed.)
 */
class ApiAccessTest {

    static final String TOKEN = "query-api-token-0123456789";
    static final String ALLOWED_ORIGIN = "https://search.example.org";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final JsonMapper JSON = JsonMapper.builder().build();
    static ConfigurableApplicationContext service;
    static URI base;

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
                "--streamsparse.api.tokens=other-valid-token-abcdefgh," + TOKEN,
                "--streamsparse.api.cors-allowed-origins=" + ALLOWED_ORIGIN);
        base = URI.create("http://127.0.0.1:" + service.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stop() {
        if (service != null) {
            service.close();
        }
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(base.resolve(path));
    }

    @Test
    void theApiNeedsTheToken() throws Exception {
        for (String path : new String[] {"/v1/search?q=volcano", "/v3/api-docs", "/index.html"}) {
            HttpResponse<String> none = send(get(path));
            assertUnauthorized(none, "needs an 'Authorization: Bearer <token>' header");
            assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"streamsparse\"");
            HttpResponse<String> wrong = send(get(path).header("Authorization", "Bearer " + TOKEN + "-not"));
            assertUnauthorized(wrong, "the bearer token is not valid");
            assertThat(wrong.headers().firstValue("WWW-Authenticate").orElse("")).contains("error=\"invalid_token\"");
            assertUnauthorized(send(get(path).header("Authorization", "Basic " + TOKEN)), "'Bearer <token>'");
        }
        assertThat(send(get("/v3/api-docs").header("Authorization", "Bearer " + TOKEN)).statusCode()).isEqualTo(200);
        // let in: the answer is the service's own (no index shard is reachable here), not a 401
        HttpResponse<String> search = send(get("/v1/search?q=volcano").header("Authorization", "Bearer " + TOKEN));
        assertThat(search.statusCode()).as(search.body()).isEqualTo(503);
        assertThat(send(get("/v1/search?k=0").header("Authorization", "Bearer " + TOKEN)).statusCode())
                .isEqualTo(400);
    }

    @Test
    void probesAndTheMetricsScrapeStayOpen() throws Exception {
        for (String path : new String[] {"/actuator/health", "/actuator/health/liveness",
                "/actuator/health/readiness", "/actuator/prometheus"}) {
            assertThat(send(get(path)).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void onlyTheConfiguredOriginMayCallFromABrowser() throws Exception {
        HttpResponse<String> allowed = send(preflight(ALLOWED_ORIGIN));
        assertThat(allowed.statusCode()).isEqualTo(200);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED_ORIGIN);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("authorization");
        HttpResponse<String> refused = send(preflight("https://evil.example.com"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        HttpResponse<String> crossOrigin = send(get("/v3/api-docs").header("Origin", "https://evil.example.com")
                .header("Authorization", "Bearer " + TOKEN));
        assertThat(crossOrigin.statusCode()).isEqualTo(403);
        HttpResponse<String> fromAllowed = send(get("/v3/api-docs").header("Origin", ALLOWED_ORIGIN)
                .header("Authorization", "Bearer " + TOKEN));
        assertThat(fromAllowed.statusCode()).isEqualTo(200);
        assertThat(fromAllowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(ALLOWED_ORIGIN);
    }

    static HttpRequest.Builder preflight(String origin) {
        return HttpRequest.newBuilder(base.resolve("/v1/search?q=x")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin).header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization");
    }

    static void assertUnauthorized(HttpResponse<String> r, String detail) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(JSON.readTree(r.body()).path("detail").asString()).contains(detail);
    }
}
