package io.streamsparse.query;

import io.streamsparse.api.http.BodySizeLimit;
import io.streamsparse.encoder.DocumentValidator;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** HTTP ingest's parts: the validator (the encoder's rules), the body limit and the Kafka producer. */
@Configuration(proxyBeanMethods = false)
class IngestConfiguration {

    @Bean
    DocumentValidator documentValidator(IngestProperties p) {
        return new DocumentValidator(p.maxDocumentChars(), DocumentValidator.DEFAULT_MAX_RECORD_BYTES);
    }

    /** Bodies over {@code max-body-bytes} get 413 before they are read, also when chunked. */
    @Bean
    FilterRegistrationBean<BodySizeLimit> ingestBodyLimit(IngestProperties p) {
        FilterRegistrationBean<BodySizeLimit> registration = new FilterRegistrationBean<>(
                new BodySizeLimit(p.maxBodyBytes(), "streamsparse.query.ingest.max-body-bytes"));
        registration.addUrlPatterns("/v1/documents", "/v1/documents/*");
        return registration;
    }

    /**
     * The connection settings of {@code spring.kafka.*} (servers, TLS, SASL), with what no configuration may weaken:
     * acks from all in-sync replicas and an idempotent producer (retries neither duplicate nor reorder), and every
     * wait bounded by the request's timeout so that a broker outage answers 503 rather than hanging.
     */
    @Bean(destroyMethod = "close")
    DocumentWriter documentWriter(KafkaProperties kafka, IngestProperties p) {
        Map<String, Object> config = kafka.buildProducerProperties();
        int timeoutMs = (int) Math.min(Integer.MAX_VALUE, p.timeout().toMillis());
        int requestTimeoutMs = Math.max(1, Math.min(timeoutMs, 5_000));
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "query-service-ingest");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        // delivery.timeout.ms must cover linger + request timeout
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(timeoutMs, requestTimeoutMs + 5));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        return new DocumentWriter(() -> new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer()),
                p.documentsTopic(), p.timeout());
    }
}
