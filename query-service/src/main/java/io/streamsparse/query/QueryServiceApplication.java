package io.streamsparse.query;

import io.streamsparse.api.http.ApiAccessProperties;
import io.streamsparse.api.http.ApiSecurity;
import io.streamsparse.api.http.HttpProblems;
import io.streamsparse.api.http.ProblemErrorReportValve;
import io.streamsparse.api.http.StrictJson;
import io.streamsparse.api.shard.ShardApi;
import io.streamsparse.encoder.EncoderConfig;
import io.streamsparse.encoder.Encoders;
import io.streamsparse.encoder.InferenceFreeQueryEncoder;
import io.streamsparse.encoder.SparseEncoder;
import io.streamsparse.encoder.TokenVocabulary;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.support.RestClientAdapter;
import org.springframework.web.service.invoker.HttpServiceProxyFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

@SpringBootApplication
@ConfigurationPropertiesScan
@Import({HttpProblems.class, ApiSecurity.class})
public class QueryServiceApplication {

    public static void main(String[] args) {
        builder().run(args);
    }

    /** Reads {@code query-service.yml} (not application.yml) so that the three services can share one classpath. */
    public static SpringApplicationBuilder builder() {
        return new SpringApplicationBuilder(QueryServiceApplication.class).properties("spring.config.name=query-service");
    }

    /** Tomcat's own error answers (oversized request line or headers) as problem details, not HTML. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorPages() {
        return ProblemErrorReportValve.install();
    }

    /** Request bodies bind strictly: no coercion, no unknown fields. */
    @Bean
    JsonMapperBuilderCustomizer strictJson() {
        return StrictJson::configure;
    }

    /**
     * Typed clients of the index services' {@link ShardApi}, one per base URL. Each call is bounded by
     * {@code attempt-timeout}; answers are read leniently (a newer index service may add fields). Each call carries
     * {@code streamsparse.api.client-token} when set (index services that require a token).
     */
    @Bean
    Function<URI, ShardApi> shardClients(QueryProperties p, ApiAccessProperties access) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(p.attemptTimeout())
                .version(HttpClient.Version.HTTP_1_1).build();
        JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(http);
        factory.setReadTimeout(p.attemptTimeout());
        JsonMapper lenient = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        RestClient base = RestClient.builder().requestFactory(factory)
                .messageConverters(List.of(new JacksonJsonHttpMessageConverter(lenient)))
                .defaultHeaders(h -> {
                    if (!access.clientToken().isEmpty()) {
                        h.setBearerAuth(access.clientToken());
                    }
                }).build();
        Map<URI, ShardApi> clients = new ConcurrentHashMap<>();
        return uri -> clients.computeIfAbsent(uri, u -> HttpServiceProxyFactory
                .builderFor(RestClientAdapter.create(base.mutate().baseUrl(u).build())).build()
                .createClient(ShardApi.class));
    }

    /** How many shards exist: configured, or the vectors topic's partition count. */
    @Bean(destroyMethod = "close")
    ShardCount shardCount(QueryProperties p, KafkaAdmin kafkaAdmin) {
        return p.shardCount() > 0 ? ShardCount.fixed(p.shardCount())
                : ShardCount.ofTopic(Admin.create(kafkaAdmin.getConfigurationProperties()), p.vectorsTopic());
    }

    @Bean(destroyMethod = "close")
    ShardDirectory shardDirectory(QueryProperties p, Function<URI, ShardApi> shardClients,
            ShardCount shardCount) {
        return new ShardDirectory(p.indexUrls(), shardClients, shardCount, p.discoveryInterval());
    }

    /**
     * Threads that wait on shard calls. Unbounded in count, but admission control bounds the searches in flight,
     * so at most {@code max-concurrent-searches × shards × 2} (with hedging) exist.
     */
    @Bean(destroyMethod = "shutdownNow")
    ExecutorService shardCallers() {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "shard-call-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Bean(destroyMethod = "shutdownNow")
    ScheduledThreadPoolExecutor shardTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "shard-deadlines");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    @Bean
    ShardFanout shardFanout(ShardDirectory directory, Function<URI, ShardApi> shardClients, QueryProperties p,
            ExecutorService shardCallers, ScheduledThreadPoolExecutor shardTimer, MeterRegistry registry) {
        return new ShardFanout(directory, shardClients, p, shardCallers, shardTimer, new PartialResults(registry));
    }

    /** Token texts of term ids for explanations: the query model's tokenizer vocabulary. */
    @Bean(destroyMethod = "close")
    TokenVocabulary tokenVocabulary(QueryProperties p) {
        return TokenVocabulary.load(EncoderConfig.queryDefaults().withModel(p.modelPath(), p.tokenizerPath())
                .withMaxLength(p.maxQueryLength()));
    }

    /** Queries go through the ONNX model, or inference-free: tokens weighted by the live corpus' IDF. */
    @Bean(destroyMethod = "close")
    SparseEncoder queryEncoder(QueryProperties p, ShardDirectory directory) {
        EncoderConfig config = EncoderConfig.queryDefaults().withModel(p.modelPath(), p.tokenizerPath())
                .withMaxLength(p.maxQueryLength()).withPruning(p.maxQueryTerms(), EncoderConfig.DEFAULT_MIN_WEIGHT)
                .withThreads(1, 1).withWarmup(true);
        SparseEncoder encoder = Encoders.queryEncoder(p.encoder(), config, directory.learnedFrequencies());
        if (encoder instanceof InferenceFreeQueryEncoder inferenceFree) {
            directory.trackFrequencies(inferenceFree.vocabularySize());
        }
        return encoder;
    }

    /**
     * The lexical (BM25) side of hybrid retrieval: query tokens weighted by IDF from the live statistics of the
     * shards' lexical indexes; the same tokenizer and limits as the query encoder.
     */
    @Bean(destroyMethod = "close")
    InferenceFreeQueryEncoder lexicalQueryEncoder(QueryProperties p, ShardDirectory directory) {
        EncoderConfig config = EncoderConfig.queryDefaults().withModel(p.modelPath(), p.tokenizerPath())
                .withMaxLength(p.maxQueryLength()).withPruning(p.maxQueryTerms(), EncoderConfig.DEFAULT_MIN_WEIGHT);
        InferenceFreeQueryEncoder encoder = InferenceFreeQueryEncoder.open(config, directory.lexicalFrequencies(),
                false);
        directory.trackLexicalFrequencies(encoder.vocabularySize());
        return encoder;
    }
}
