package io.streamsparse.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamsparse.encoderservice.EncoderServiceApplication;
import io.streamsparse.index.IndexServiceApplication;
import io.streamsparse.query.QueryServiceApplication;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP abuse matrix: hostile and broken requests against the real services of a running pipeline (a real
 * broker, the encoder with the bundled model, an index service owning both shards, the query service), configured as
 * in production: bearer tokens required (the query API and the index API each with its own token; the query service
 * sends the index token on its shard calls) and one allowed CORS origin. Every case must get its 4xx with an RFC 9457
 * problem detail saying what is wrong, never a 5xx, an HTML page or a reset; afterwards every valid document (10
 * written to Kafka, 2 through the ingest endpoint) is searchable at rank 1 and every service is ready. The test prints the table that docs/RELIABILITY.md carries.
 */
class HttpAbuseMatrixTest {

    static final String QUERY_TOKEN = "query-api-token-for-the-matrix";
    static final String INDEX_TOKEN = "index-api-token-for-the-matrix";
    static final String ALLOWED_ORIGIN = "https://search.example.org";
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    static KafkaBroker broker;
    static final List<ConfigurableApplicationContext> services = new ArrayList<>();
    static URI query;
    static URI index;
    static URI encoder;

    @BeforeAll
    static void startPipeline() throws Exception {
        broker = KafkaBroker.start();
        broker.createTopics(2);
        String kafka = "--spring.kafka.bootstrap-servers=" + broker.bootstrapServers();
        ConfigurableApplicationContext indexService = IndexServiceApplication.builder().run(kafka, "--server.port=0",
                "--streamsparse.index.partitions=0,1",
                "--streamsparse.index.snapshot-dir=" + Files.createTempDirectory("abuse-snapshots"),
                "--streamsparse.api.tokens=" + INDEX_TOKEN);
        services.add(indexService);
        index = base(indexService);
        ConfigurableApplicationContext encoderService = EncoderServiceApplication.builder().run(kafka,
                "--server.port=0", "--streamsparse.encoder.intra-op-threads=1");
        services.add(encoderService);
        encoder = base(encoderService);
        ConfigurableApplicationContext queryService = QueryServiceApplication.builder().run(kafka, "--server.port=0",
                "--streamsparse.query.index-urls=" + index, "--streamsparse.query.discovery-interval=200ms",
                "--streamsparse.api.tokens=" + QUERY_TOKEN, "--streamsparse.api.client-token=" + INDEX_TOKEN,
                "--streamsparse.api.cors-allowed-origins=" + ALLOWED_ORIGIN,
                // below Tomcat's max-swallow-size (64 KB), so that the client reads the 413 rather than a reset
                "--streamsparse.query.ingest.max-body-bytes=32768");
        services.add(queryService);
        query = base(queryService);

        try (KafkaProducer<String, String> producer = broker.documentProducer()) {
            for (Map.Entry<String, String[]> e : PipelineEndToEndTest.CORPUS.entrySet()) {
                producer.send(new ProducerRecord<>(KafkaBroker.DOCUMENTS, e.getKey(), JSON.writeValueAsString(
                        Map.of("id", e.getKey(), "title", e.getValue()[0], "text", e.getValue()[1]))));
            }
        }
        for (Map.Entry<String, String> e : HTTP_DOCUMENTS.entrySet()) {
            Answer written = ingest(JSON.writeValueAsString(Map.of("id", e.getKey(), "text", e.getValue()))).send();
            assertThat(written.status()).as(written.body()).isEqualTo(202);
        }
    }

    /** Documents written through the query service's ingest endpoint; searchable like the Kafka-written ones. */
    static final Map<String, String> HTTP_DOCUMENTS = Map.of(
            "lighthouse", "The lighthouse keeper trims the lamp wick, winds the clockwork that turns the lens and logs"
                    + " passing ships and foghorn signals.",
            "origami", "Origami cranes folded from square paper: valley folds, mountain folds and a squash fold for"
                    + " the wings.");

    private static URI base(ConfigurableApplicationContext context) {
        return URI.create("http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port"));
    }

    @AfterAll
    static void stopPipeline() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** What came back: status, content type and body. */
    record Answer(int status, String contentType, String body) {

        String detail() {
            if (!contentType.contains("application/problem+json")) {
                return null;
            }
            try {
                return JSON.readTree(body).path("detail").asString();
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    @FunctionalInterface
    interface Request {
        Answer send() throws Exception;
    }

    /** One abusive request: where it goes, what it is, the status it must get and a part of the reason. */
    record Case(String service, String name, Request request, int status, String detail) {
    }

    static Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = HTTP.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    static HttpRequest.Builder get(URI base, String pathAndQuery, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery));
        return token == null ? b : b.header("Authorization", "Bearer " + token);
    }

    static Request search(String rawQuery) {
        return () -> send(get(query, "/v1/search?" + rawQuery, QUERY_TOKEN));
    }

    static Request ingest(String json) {
        return () -> send(get(query, "/v1/documents", QUERY_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static Request shardSearch(String json) {
        return () -> send(get(index, "/v1/shards/0/search", INDEX_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** A body sent chunked, without Content-Length. */
    static Request chunkedShardSearch(byte[] body) {
        return () -> send(get(index, "/v1/shards/0/search", INDEX_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    }

    /** A request written byte for byte, for targets java.net.URI refuses to build (HTTP/1.0: no chunked answer). */
    static Request raw(URI base, String target, String token) {
        return () -> {
            try (Socket socket = new Socket(base.getHost(), base.getPort())) {
                socket.setSoTimeout(30_000);
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                        + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = socket.getInputStream();
                String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                int status = Integer.parseInt(response.substring(9, 12));
                int split = response.indexOf("\r\n\r\n");
                String head = response.substring(0, Math.max(0, split)).toLowerCase();
                int ct = head.indexOf("content-type:");
                String contentType = ct < 0 ? "" : head.substring(ct + 13, head.indexOf('\n', ct) < 0 ? head.length()
                        : head.indexOf('\n', ct)).trim();
                return new Answer(status, contentType, split < 0 ? "" : response.substring(split + 4));
            }
        };
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static List<Case> cases() {
        byte[] oneMegabyte = ("{\"terms\":[" + "1,".repeat(500_000) + "2]}").getBytes(StandardCharsets.US_ASCII);
        String deepFilter = "(".repeat(2_000) + "a:b" + ")".repeat(2_000);
        List<Case> c = new ArrayList<>();
        // the query service: GET /v1/search
        c.add(new Case("query", "no token", () -> send(get(query, "/v1/search?q=volcano", null)), 401,
                "needs an 'Authorization: Bearer <token>' header"));
        c.add(new Case("query", "wrong token", () -> send(get(query, "/v1/search?q=volcano", INDEX_TOKEN)), 401,
                "the bearer token is not valid"));
        c.add(new Case("query", "not a bearer scheme", () -> send(get(query, "/v1/search?q=volcano", null)
                .header("Authorization", "Basic dXNlcjpwYXNz")), 401, "'Bearer <token>'"));
        c.add(new Case("query", "CORS preflight from a foreign origin", () -> send(HttpRequest.newBuilder(
                URI.create(query + "/v1/search?q=x")).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example.com").header("Access-Control-Request-Method", "GET")),
                403, null));
        c.add(new Case("query", "q missing", search("k=3"), 400, "'q' is required"));
        c.add(new Case("query", "q blank", search("q=%20%20%20"), 400, "'q' is required"));
        c.add(new Case("query", "q over max-query-chars", search("q=" + "a".repeat(1_001)), 400,
                "1001 chars; the limit is 1000"));
        c.add(new Case("query", "100,000-char query (URL over the header limit)", search("q=" + "a".repeat(100_000)),
                400, "too large"));
        c.add(new Case("query", "64 KiB header", () -> send(get(query, "/v1/search?q=x", QUERY_TOKEN)
                .header("X-Padding", "p".repeat(64 * 1024))), 400, "too large"));
        c.add(new Case("query", "malformed percent-encoding", raw(query, "/v1/search?q=%E0%A4%A", QUERY_TOKEN), 400,
                "could not be decoded"));
        c.add(new Case("query", "invalid percent escape", raw(query, "/v1/search?q=%zz&k=3", QUERY_TOKEN), 400,
                "could not be decoded"));
        c.add(new Case("query", "invalid percent escape in the path", raw(query, "/v1/se%zzarch?q=x", QUERY_TOKEN),
                400, ""));
        c.add(new Case("query", "encoded slash in the path", raw(query, "/v1%2Fsearch?q=x", QUERY_TOKEN), 400,
                "malformed"));
        c.add(new Case("query", "control character in the path", raw(query, "/v1/search%00?q=x", QUERY_TOKEN), 400,
                ""));
        c.add(new Case("query", "repeated parameter", search("q=x&q=y"), 400, "'q' is given 2 times"));
        c.add(new Case("query", "unknown parameter", search("q=x&kk=3"), 400, "unknown parameter 'kk'"));
        c.add(new Case("query", "k = 0", search("q=x&k=0"), 400, "k must be an integer in [1, 100]"));
        c.add(new Case("query", "k = 10^9", search("q=x&k=1000000000"), 400, "k must be an integer in [1, 100]"));
        c.add(new Case("query", "k not a number", search("q=x&k=ten"), 400, "k must be an integer in [1, 100]"));
        c.add(new Case("query", "k = NaN", search("q=x&k=NaN"), 400, "k must be an integer in [1, 100]"));
        c.add(new Case("query", "unknown mode", search("q=x&mode=fast"), 400, "mode must be 'approximate' or 'exact'"));
        c.add(new Case("query", "filter nested 2,000 deep", search("q=volcano&filter=" + enc(deepFilter)), 400,
                "deeper than the limit of 32 levels"));
        c.add(new Case("query", "filter of 10,003 chars", search("q=volcano&filter=" + "a".repeat(10_003)), 400,
                "the limit is 8192"));
        c.add(new Case("query", "filter 2,000 open parentheses", search("q=volcano&filter="
                + enc("(".repeat(2_000) + "a:b")), 400, "deeper than the limit of 32 levels"));
        c.add(new Case("query", "malformed filter", search("q=volcano&filter=" + enc("a:b AND (")), 400, ""));
        c.add(new Case("query", "POST to a GET endpoint", () -> send(get(query, "/v1/search?q=x", QUERY_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))), 405, "not supported"));
        // the query service's ingest endpoint: POST /v1/documents, DELETE /v1/documents/{id}
        String doc = "{\"id\":\"x\",\"text\":\"volcano\"}";
        byte[] overLimit = ("{\"id\":\"big\",\"text\":\"" + "w ".repeat(20_000) + "\"}")
                .getBytes(StandardCharsets.US_ASCII);
        c.add(new Case("ingest", "no token", () -> send(get(query, "/v1/documents", null)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(doc))), 401,
                "needs an 'Authorization: Bearer <token>' header"));
        c.add(new Case("ingest", "40 KB body with Content-Length (limit 32 KiB here)", () -> send(get(query, "/v1/documents",
                QUERY_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(overLimit))), 413, "exceeds"));
        c.add(new Case("ingest", "40 KB body chunked (no Content-Length)", () -> send(get(query, "/v1/documents",
                QUERY_TOKEN).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers
                .ofInputStream(() -> new ByteArrayInputStream(overLimit)))), 413, "exceeds"));
        c.add(new Case("ingest", "empty body", ingest(""), 400, ""));
        c.add(new Case("ingest", "malformed JSON", ingest("{\"id\":\"a\","), 400, ""));
        c.add(new Case("ingest", "JSON null", ingest("null"), 400, ""));
        c.add(new Case("ingest", "empty array", ingest("[]"), 400, "empty array"));
        c.add(new Case("ingest", "text a number", ingest("{\"id\":\"a\",\"text\":5}"), 400, "'text' must be a string"));
        c.add(new Case("ingest", "text missing", ingest("{\"id\":\"a\"}"), 400, "'text'"));
        c.add(new Case("ingest", "id missing", ingest("{\"text\":\"volcano\"}"), 400, "id"));
        c.add(new Case("ingest", "NBSP and zero-width-only text", ingest("{\"id\":\"a\",\"text\":\"\\u00a0\\u200b\"}"),
                400, "blank"));
        c.add(new Case("ingest", "10,000-deep JSON", ingest("{\"id\":\"a\",\"text\":\"x\",\"fields\":"
                + "[".repeat(10_000) + "]".repeat(10_000) + "}"), 400, ""));
        // the 100,000-char text limit itself is checked by DocumentRulesAgreementTest; here the body limit comes first
        c.add(new Case("ingest", "100,001-char text", ingest("{\"id\":\"a\",\"text\":\"" + "w".repeat(100_001) + "\"}"),
                413, "exceeds 32768 bytes"));
        c.add(new Case("ingest", "513-char id", ingest("{\"id\":\"" + "k".repeat(513) + "\",\"text\":\"x\"}"), 400,
                "512"));
        c.add(new Case("ingest", "501 documents in one batch", ingest("[" + String.join(",",
                java.util.Collections.nCopies(501, doc)) + "]"), 400, "the limit is 500"));
        c.add(new Case("ingest", "one bad document in a batch", ingest("[{\"id\":\"batch-ok\",\"text\":\"fine\"},"
                + "{\"id\":\"batch-bad\"}]"), 400, "documents[1]"));
        c.add(new Case("ingest", "wrong content type", () -> send(get(query, "/v1/documents", QUERY_TOKEN)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(doc))), 415, ""));
        c.add(new Case("ingest", "DELETE with a 513-char id", () -> send(get(query, "/v1/documents/"
                + "k".repeat(513), QUERY_TOKEN).DELETE()), 400, "512"));
        c.add(new Case("ingest", "GET on /v1/documents", () -> send(get(query, "/v1/documents", QUERY_TOKEN)), 405,
                ""));
        // an index service: POST /v1/shards/{shard}/search and its other endpoints
        c.add(new Case("index", "no token", () -> send(get(index, "/v1/shards", null)), 401,
                "needs an 'Authorization: Bearer <token>' header"));
        c.add(new Case("index", "the query API's token", () -> send(get(index, "/v1/shards", QUERY_TOKEN)), 401,
                "the bearer token is not valid"));
        c.add(new Case("index", "1 MB body with Content-Length", () -> send(get(index, "/v1/shards/0/search",
                INDEX_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(oneMegabyte))), 413, "request body exceeds 262144 bytes"));
        c.add(new Case("index", "1 MB body chunked (no Content-Length)", chunkedShardSearch(oneMegabyte), 413,
                "request body exceeds 262144 bytes"));
        c.add(new Case("index", "empty body", shardSearch(""), 400, "request body"));
        c.add(new Case("index", "body null", shardSearch("null"), 400, "request body"));
        c.add(new Case("index", "malformed JSON", shardSearch("{\"terms\":[1],"), 400, "not valid JSON"));
        c.add(new Case("index", "not JSON", shardSearch("terms=1&weights=1"), 400, "not valid JSON"));
        c.add(new Case("index", "trailing data after the object", shardSearch("{\"terms\":[1],\"weights\":[1]} {}"),
                400, ""));
        c.add(new Case("index", "10,000-deep JSON", shardSearch("{\"terms\":" + "[".repeat(10_000)), 400,
                "at terms[0]:"));
        c.add(new Case("index", "10,000-deep JSON in an unknown field", shardSearch("{\"x\":" + "[".repeat(10_000)
                + "]".repeat(10_000) + "}"), 400, ""));
        c.add(new Case("index", "k a string", shardSearch("{\"terms\":[1],\"weights\":[1],\"k\":\"abc\"}"), 400,
                "at k:"));
        c.add(new Case("index", "k = 1e20", shardSearch("{\"terms\":[1],\"weights\":[1],\"k\":1e20}"), 400, "at k:"));
        c.add(new Case("index", "k = 100,000", shardSearch("{\"terms\":[1],\"weights\":[1],\"k\":100000}"), 400,
                "k must be in [1, 1000]"));
        c.add(new Case("index", "term id 100.7", shardSearch("{\"terms\":[100.7],\"weights\":[1]}"), 400,
                "at terms[0]:"));
        c.add(new Case("index", "term id \"100\"", shardSearch("{\"terms\":[\"100\"],\"weights\":[1]}"), 400,
                "at terms[0]:"));
        c.add(new Case("index", "negative term id", shardSearch("{\"terms\":[-1],\"weights\":[1]}"), 400, ""));
        c.add(new Case("index", "duplicate term id", shardSearch("{\"terms\":[1,1],\"weights\":[1,1]}"), 400,
                "duplicate term id 1"));
        c.add(new Case("index", "weight 3e38", shardSearch("{\"terms\":[1],\"weights\":[3e38]}"), 400,
                "weights[0] must be finite and in [0, 1000.0]"));
        c.add(new Case("index", "weight 1e999 (infinite)", shardSearch("{\"terms\":[1],\"weights\":[1e999]}"), 400,
                "weights[0]"));
        c.add(new Case("index", "weight NaN", shardSearch("{\"terms\":[1],\"weights\":[NaN]}"), 400, ""));
        c.add(new Case("index", "weight null", shardSearch("{\"terms\":[1],\"weights\":[null]}"), 400, ""));
        c.add(new Case("index", "unknown field", shardSearch("{\"terms\":[1],\"weights\":[1],\"kk\":3}"), 400, "kk"));
        c.add(new Case("index", "filter nested 2,000 deep", shardSearch("{\"terms\":[1],\"weights\":[1],\"filter\":\""
                + deepFilter + "\"}"), 400, "deeper than the limit of 32 levels"));
        c.add(new Case("index", "filter of 10,003 chars", shardSearch("{\"terms\":[1],\"weights\":[1],\"filter\":\""
                + "a".repeat(10_003) + "\"}"), 400, "the limit is 8192"));
        c.add(new Case("index", "filter 2,000 open parentheses", shardSearch("{\"terms\":[1],\"weights\":[1],"
                + "\"filter\":\"" + "(".repeat(2_000) + "a:b\"}"), 400, "deeper than the limit of 32 levels"));
        c.add(new Case("index", "wrong content type", () -> send(get(index, "/v1/shards/0/search", INDEX_TOKEN)
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{}"))), 415, ""));
        c.add(new Case("index", "shard not served here", () -> send(get(index, "/v1/shards/9/search", INDEX_TOKEN)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"terms\":[1],\"weights\":[1]}"))), 404,
                "shard 9 is not served here"));
        c.add(new Case("index", "shard not a number", () -> send(get(index, "/v1/shards/abc/digest", INDEX_TOKEN)),
                400, "'shard' must be of type int, was 'abc'"));
        c.add(new Case("index", "size not a number", () -> send(get(index,
                "/v1/shards/0/document-frequencies?size=1e9", INDEX_TOKEN)), 400, "'size' must be of type int"));
        c.add(new Case("index", "document-frequencies size 2,097,152", () -> send(get(index,
                "/v1/shards/0/document-frequencies?size=2097152", INDEX_TOKEN)), 400, "size must be in [1, 262144]"));
        c.add(new Case("index", "64 KiB header", () -> send(get(index, "/v1/shards", INDEX_TOKEN)
                .header("X-Padding", "p".repeat(64 * 1024))), 400, "too large"));
        c.add(new Case("index", "encoded slash in the path", raw(index, "/v1/shards%2F0/digest", INDEX_TOKEN), 400,
                "malformed"));
        c.add(new Case("index", "path traversal", raw(index, "/v1/shards/0/..;/..;/actuator/env", INDEX_TOKEN), 400,
                ""));
        return c;
    }

    @Test
    void everyAbusiveRequestGetsItsProblemDetailAndThePipelineKeepsServing() throws Exception {
        awaitEveryDocumentSearchable();
        StringBuilder table = new StringBuilder("| service | case | status | detail |\n| --- | --- | --- | --- |\n");
        List<String> failures = new ArrayList<>();
        List<Case> cases = cases();
        for (Case c : cases) {
            Answer a = c.request().send();
            String detail = a.detail();
            boolean ok = a.status() == c.status() && (c.status() == 403 || detail != null)
                    && (c.detail() == null || c.detail().isEmpty() || (detail != null && detail.contains(c.detail())));
            if (!ok) {
                failures.add(c.service() + " / " + c.name() + ": expected " + c.status() + " with '" + c.detail()
                        + "', got " + a.status() + " " + a.contentType() + " "
                        + a.body().substring(0, Math.min(300, a.body().length())));
            }
            String shown = detail == null ? "(no body)" : detail.length() > 100 ? detail.substring(0, 100) + "…"
                    : detail;
            table.append("| ").append(c.service()).append(" | ").append(c.name()).append(" | ").append(a.status())
                    .append(" | ").append(shown.replace("|", "\\|")).append(" |\n");
        }
        System.out.println("[http abuse matrix] " + cases.size() + " cases\n" + table);
        assertThat(failures).as("cases that did not get their problem detail").isEmpty();

        // afterwards: every service ready, every valid document still found at rank 1
        for (URI service : List.of(query, index, encoder)) {
            Answer ready = send(HttpRequest.newBuilder(URI.create(service + "/actuator/health/readiness")));
            assertThat(ready.status()).as("readiness of %s (no token needed)", service).isEqualTo(200);
        }
        awaitEveryDocumentSearchable();
        Answer refusedBatch = send(get(query, "/v1/search?k=10&mode=exact&q=fine", QUERY_TOKEN));
        assertThat(refusedBatch.body()).as("a batch with one bad document writes nothing").doesNotContain("batch-ok");
    }

    /** Each document of the corpus is the top hit for its own text (through the query service, with its token). */
    static void awaitEveryDocumentSearchable() {
        Map<String, String> topHit = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>(HTTP_DOCUMENTS);
        PipelineEndToEndTest.CORPUS.forEach((id, doc) -> texts.put(id, doc[1]));
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            for (Map.Entry<String, String> e : texts.entrySet()) {
                Answer a = send(get(query, "/v1/search?k=3&q=" + enc(e.getValue()), QUERY_TOKEN));
                assertThat(a.status()).as(a.body()).isEqualTo(200);
                JsonNode result = JSON.readTree(a.body());
                assertThat(result.path("partial").asBoolean()).as(a.body()).isFalse();
                topHit.put(e.getKey(), result.path("hits").path(0).path("id").asString());
            }
            assertThat(topHit).allSatisfy((id, hit) -> assertThat(hit).as("top hit for %s", id).isEqualTo(id));
        });
    }
}
