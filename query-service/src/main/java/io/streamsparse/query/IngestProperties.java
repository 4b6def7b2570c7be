package io.streamsparse.query;

import io.streamsparse.encoder.DocumentValidator;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Configuration of HTTP ingest ({@code POST /v1/documents}, {@code DELETE /v1/documents/{id}}).
 *
 * @param documentsTopic     the topic documents are written to (the encoder's input)
 * @param maxBodyBytes       larger request bodies are refused with 413, declared or chunked
 * @param maxDocuments       documents in one POST; more are refused with 400
 * @param maxDocumentChars   longest text; must equal the encoder's {@code streamsparse.encoder.max-document-chars}
 *                           so that nothing accepted here is dead-lettered there
 * @param maxConcurrent      ingest requests handled at once; more wait up to {@code admissionWait}, then get 503
 *                           with {@code Retry-After}
 * @param admissionWait      how long a request beyond the bound waits for a running one to finish
 * @param timeout            how long a request waits for the broker's acknowledgements (acks=all) before it answers
 *                           503; also the producer's {@code delivery.timeout.ms}
 */
@ConfigurationProperties("streamsparse.query.ingest")
public record IngestProperties(
        @DefaultValue("documents") String documentsTopic,
        @DefaultValue("2097152") int maxBodyBytes,
        @DefaultValue("500") int maxDocuments,
        @DefaultValue("" + DocumentValidator.DEFAULT_MAX_TEXT_CHARS) int maxDocumentChars,
        @DefaultValue("4") int maxConcurrent,
        @DefaultValue("100ms") Duration admissionWait,
        @DefaultValue("10s") Duration timeout) {

    public IngestProperties {
        if (maxBodyBytes < 1 || maxDocuments < 1 || maxDocumentChars < 1 || maxConcurrent < 1) {
            throw new IllegalArgumentException("ingest limits must be positive: maxBodyBytes=" + maxBodyBytes
                    + " maxDocuments=" + maxDocuments + " maxDocumentChars=" + maxDocumentChars + " maxConcurrent="
                    + maxConcurrent);
        }
        if (timeout.toMillis() < 1 || admissionWait.isNegative()) {
            throw new IllegalArgumentException("ingest timeout must be positive and admission-wait >= 0: timeout="
                    + timeout + " admissionWait=" + admissionWait);
        }
    }
}
