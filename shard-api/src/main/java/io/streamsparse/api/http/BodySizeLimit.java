package io.streamsparse.api.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses request bodies above a size with 413: by the declared length when there is one, and by counting when the
 * body is chunked (no {@code Content-Length}), so no request can make a service buffer more. A chunked body found
 * too large while a controller reads it surfaces as {@link BodyTooLargeException}, which {@link HttpProblems} maps
 * to 413.
 */
public final class BodySizeLimit extends OncePerRequestFilter {

    private final long maxBytes;
    private final String setting;

    /** {@code setting} names the configuration key of the limit, for the message. */
    public BodySizeLimit(long maxBytes, String setting) {
        this.maxBytes = maxBytes;
        this.setting = setting;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBytes) {
            HttpProblems.write(response, HttpStatus.PAYLOAD_TOO_LARGE, message(maxBytes, setting));
            return;
        }
        chain.doFilter(new Limited(request), response);
    }

    static String message(long maxBytes, String setting) {
        return "request body exceeds " + maxBytes + " bytes (" + setting + ")";
    }

    /** Thrown while reading a chunked body past the limit. */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long maxBytes, String setting) {
            super(message(maxBytes, setting));
        }
    }

    private final class Limited extends HttpServletRequestWrapper {

        Limited(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0) {
                        count(1);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = in.read(buf, off, len);
                    if (n > 0) {
                        count(n);
                    }
                    return n;
                }

                private void count(int n) throws BodyTooLargeException {
                    read += n;
                    if (read > maxBytes) {
                        throw new BodyTooLargeException(maxBytes, setting);
                    }
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
