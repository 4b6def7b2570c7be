package io.streamsparse.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

class BearerTokensTest {

    static final String CURRENT = "current-token-0123456789";
    static final String NEXT = "next-token-abcdefghijklmnop";

    static Authentication presented(BearerTokens tokens, String authorization) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/v1/search");
        if (authorization != null) {
            request.addHeader("Authorization", authorization);
        }
        return tokens.convert(request);
    }

    @Test
    void everyConfiguredTokenIsAcceptedSoThatOneCanBeRotated() {
        BearerTokens tokens = new BearerTokens(List.of(CURRENT, " " + NEXT + " "));
        assertThat(tokens.required()).isTrue();
        for (String token : List.of(CURRENT, NEXT)) {
            Authentication result = tokens.authenticate(presented(tokens, "Bearer " + token));
            assertThat(result.isAuthenticated()).isTrue();
            assertThat(result.getCredentials()).as("the token is not kept").isNull();
        }
        assertThat(tokens.authenticate(presented(tokens, "bearer " + CURRENT)).isAuthenticated())
                .as("the scheme is case-insensitive").isTrue();
    }

    @Test
    void wrongAndMalformedTokensAreRefused() {
        BearerTokens tokens = new BearerTokens(List.of(CURRENT));
        assertThat(presented(tokens, null)).as("no header: anonymous, refused later by authorization").isNull();
        for (String wrong : List.of(CURRENT + "x", CURRENT.substring(1), CURRENT.toUpperCase(), NEXT)) {
            Authentication attempt = presented(tokens, "Bearer " + wrong);
            assertThatThrownBy(() -> tokens.authenticate(attempt)).isInstanceOf(BadCredentialsException.class)
                    .hasMessage("the bearer token is not valid");
        }
        for (String malformed : List.of("Basic dXNlcjpwYXNz", "Bearer ", "Bearer    ", CURRENT, "")) {
            assertThatThrownBy(() -> presented(tokens, malformed)).as(malformed)
                    .isInstanceOf(BadCredentialsException.class).hasMessageContaining("'Bearer <token>'");
        }
    }

    @Test
    void withoutTokensNothingIsRequiredAndShortTokensAreRefusedAtStart() {
        assertThat(new BearerTokens(List.of()).required()).isFalse();
        assertThatThrownBy(() -> new BearerTokens(List.of("short"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 characters; the minimum is 16");
    }
}
