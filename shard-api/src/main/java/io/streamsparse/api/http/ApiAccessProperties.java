package io.streamsparse.api.http;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may call a service's HTTP API ({@link ApiSecurity}). Everything is off by default, which suits the local demo
 * (every service listens on 127.0.0.1 only); production sets tokens from a secret ({@code docs/RELIABILITY.md},
 * "Exposure").
 *
 * @param tokens             bearer tokens accepted on the API ({@code Authorization: Bearer <token>}); empty = no
 *                           authentication. Several may be valid at once, so a token can be rotated without
 *                           downtime. Each must have at least {@value BearerTokens#MIN_TOKEN_CHARS} characters.
 *                           Environment: {@code STREAMSPARSE_API_TOKENS=t1,t2}
 * @param clientToken        the token this service sends on its own calls to other services' APIs (the query
 *                           service's shard calls to the index services); empty = none.
 *                           Environment: {@code STREAMSPARSE_API_CLIENT_TOKEN}
 * @param corsAllowedOrigins origins ({@code https://search.example.org}) whose browser pages may call the API;
 *                           empty = no cross-origin request is allowed (same-origin pages, and clients that are not
 *                           browsers, are unaffected)
 */
@ConfigurationProperties("streamsparse.api")
public record ApiAccessProperties(
        @DefaultValue List<String> tokens,
        @DefaultValue("") String clientToken,
        @DefaultValue List<String> corsAllowedOrigins) {

    public ApiAccessProperties {
        tokens = tokens == null ? List.of() : List.copyOf(tokens);
        corsAllowedOrigins = corsAllowedOrigins == null ? List.of() : List.copyOf(corsAllowedOrigins);
        clientToken = clientToken == null ? "" : clientToken.strip();
    }
}
