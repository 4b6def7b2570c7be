package io.streamsparse.api.http;

import jakarta.servlet.RequestDispatcher;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Tomcat's own error answers (a request line or header over {@code server.max-http-request-header-size}, a
 * malformed request line, an encoded slash in the path) as RFC 9457 problem details instead of Tomcat's HTML page:
 * these requests never reach Spring, so its problem-detail handling cannot answer them. No exception text or server
 * version is shown. A service installs it with a bean returning {@link #install()}.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    /** Makes Tomcat answer its own errors with this valve. */
    public static WebServerFactoryCustomizer<TomcatServletWebServerFactory> install() {
        return factory -> factory.addContextCustomizers(context -> ((StandardHost) context.getParent())
                .setErrorReportValveClass(ProblemErrorReportValve.class.getName()));
    }

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String detail = status == 400
                ? "the request line or headers are malformed or too large (URL and headers together at most "
                        + "server.max-http-request-header-size)"
                : "the server could not handle the request";
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        if (status != 400 && message instanceof String m && !m.isBlank()) {
            detail = m;
        }
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write("{\"type\":\"about:blank\",\"status\":" + status + ",\"title\":\""
                        + (status == 400 ? "Bad Request" : "Error") + "\",\"detail\":\""
                        + detail.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}");
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response already committed: nothing more to say
        }
    }
}
