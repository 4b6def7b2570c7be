package io.streamsparse.index;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Maps engine and request errors to RFC 9457 problem details with the reason in {@code detail}. */
@RestControllerAdvice
public class ApiErrors {

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        if (causedBy(e, BodySizeLimit.BodyTooLargeException.class)) {
            return ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE,
                    "request body exceeds the configured limit (streamsparse.index.max-body-bytes)");
        }
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "request body is not a valid search request: " + e.getMostSpecificCause().getMessage());
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    @ExceptionHandler(Shards.UnknownShardException.class)
    ProblemDetail unknownShard(Shards.UnknownShardException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }
}
