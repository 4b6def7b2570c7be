package io.streamsparse.api.http;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.databind.json.JsonMapper;

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

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * Writes a problem detail straight to the response, for the answers given before Spring MVC is reached (servlet
     * filters: body size, authentication, the request firewall).
     */
    public static void write(HttpServletResponse response, HttpStatus status, String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", status.getReasonPhrase());
        problem.put("status", status.value());
        problem.put("detail", detail);
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(JSON.writeValueAsString(problem));
    }

    /** A path or query parameter of the wrong type ({@code /v1/shards/abc/...}): name it and its value. */
    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail wrongType(MethodArgumentTypeMismatchException e) {
        String value = String.valueOf(e.getValue());
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "'" + e.getName() + "' must be "
                + (e.getRequiredType() == null ? "another type" : "of type " + e.getRequiredType().getSimpleName())
                + ", was '" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "'");
    }

    /** The firewall refused a parameter only when the controller read it (a control character in a value). */
    @ExceptionHandler(RequestRejectedException.class)
    ProblemDetail rejected(RequestRejectedException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "the request was refused: " + e.getMessage());
    }

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
