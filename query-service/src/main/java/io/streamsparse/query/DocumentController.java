package io.streamsparse.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.streamsparse.api.http.AdmissionGate;
import io.streamsparse.encoder.DocumentValidator;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * HTTP ingest for clients without a Kafka client: {@code POST /v1/documents} writes one document or a batch to the
 * {@code documents} topic, {@code DELETE /v1/documents/{id}} writes a tombstone (the pipeline's delete). The answer
 * (202: durable in Kafka, searchable once encoded and indexed) gives each record's partition and offset. Bounded:
 * body size (413), documents per batch and the validator's limits (400), concurrent requests (503 with
 * {@code Retry-After}); a broker that does not acknowledge in time gives 503 naming what was written.
 */
@RestController
public class DocumentController {

    /** Where each record was written, in request order. */
    public record IngestResponse(String topic, List<DocumentWriter.Written> documents) {
    }

    private final DocumentWriter writer;
    private final DocumentValidator validator;
    private final IngestProperties properties;
    private final AdmissionGate admission;
    private final Counter upserts;
    private final Counter deletes;

    public DocumentController(DocumentWriter writer, DocumentValidator validator, IngestProperties properties,
            MeterRegistry registry) {
        this.writer = writer;
        this.validator = validator;
        this.properties = properties;
        this.admission = new AdmissionGate(properties.maxConcurrent(), properties.admissionWait());
        this.upserts = written(registry, "upsert");
        this.deletes = written(registry, "delete");
        FunctionCounter.builder("streamsparse.ingest.rejected", admission, AdmissionGate::rejected)
                .description("Ingest requests refused with 503 because max-concurrent were running")
                .register(registry);
    }

    private static Counter written(MeterRegistry registry, String operation) {
        return Counter.builder("streamsparse.ingest.records").tag("operation", operation)
                .description("Records acknowledged by Kafka for HTTP ingest").register(registry);
    }

    @PostMapping(path = "/v1/documents", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Write one document or a batch to the documents topic", description = "The body is one "
            + "document {\"id\",\"text\"[,\"title\"][,\"fields\":{\"k\":\"v\"}]} or an array of them, validated by "
            + "the encoder's rules; one invalid document refuses the whole batch. Idempotent by id.")
    public IngestResponse post(@RequestBody(required = false) @io.swagger.v3.oas.annotations.parameters.RequestBody(
            content = @Content(schema = @Schema(type = "object", description = "a document or an array of documents")))
            byte[] body) {
        if (body == null || body.length == 0) {
            throw new IllegalArgumentException("the body must be a document or an array of documents, was empty");
        }
        List<DocumentBatch.Record> records = DocumentBatch.parse(body, validator, properties.maxDocuments());
        List<DocumentWriter.Written> written = admission.call(() -> writer.write(records));
        upserts.increment(written.size());
        return new IngestResponse(properties.documentsTopic(), written);
    }

    @DeleteMapping("/v1/documents/{*id}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Delete a document: a tombstone on the documents topic, keyed by the id")
    public IngestResponse delete(@Parameter(description = "the document id, percent-encoded (a '/' in it as is)")
            @PathVariable String id) {
        // {*id} captures the rest of the path, slashes included, with its leading '/'
        List<DocumentBatch.Record> records = List.of(DocumentBatch.delete(id.substring(1)));
        List<DocumentWriter.Written> written = admission.call(() -> writer.write(records));
        deletes.increment();
        return new IngestResponse(properties.documentsTopic(), written);
    }

    @ExceptionHandler(DocumentWriter.WriteFailedException.class)
    ResponseEntity<ProblemDetail> writeFailed(DocumentWriter.WriteFailedException e) {
        HttpStatus status = e.tooLarge() ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.SERVICE_UNAVAILABLE;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, e.getMessage());
        problem.setProperty("written", e.written());
        ResponseEntity.BodyBuilder response = ResponseEntity.status(status);
        if (!e.tooLarge()) {
            response.header(HttpHeaders.RETRY_AFTER, Integer.toString(AdmissionGate.OverloadedException.RETRY_AFTER_SECONDS));
        }
        return response.body(problem);
    }
}
