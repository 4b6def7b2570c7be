package io.streamsparse.api.http;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The services' mapping of request errors to RFC 9457 problem details, the reason in {@code detail}: a value the
 * engine or a record rejects (400), a body that cannot be bound (400, saying what and where; {@link StrictJson}), a
 * body over the size limit (413; {@link BodySizeLimit}), a saturated instance (503 with {@code Retry-After};
 * {@link AdmissionGate}). Services import it with {@code @Import(HttpProblems.class)}; it runs before Spring's own
 * problem-details handler, whose {@code detail} for an unreadable body is only "Failed to read request".
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class HttpProblems {

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BodySizeLimit.BodyTooLargeException tooLarge) {
                return ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE, tooLarge.getMessage());
            }
        }
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, StrictJson.describe(e));
    }

    @ExceptionHandler(AdmissionGate.OverloadedException.class)
    ResponseEntity<ProblemDetail> overloaded(AdmissionGate.OverloadedException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, Integer.toString(AdmissionGate.OverloadedException.RETRY_AFTER_SECONDS))
                .body(ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage()));
    }
}
