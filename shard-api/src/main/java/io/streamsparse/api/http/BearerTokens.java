package io.streamsparse.api.http;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * The bearer tokens a service accepts ({@code streamsparse.api.tokens}): reads the token a request presents
 * ({@link AuthenticationConverter}) and checks it ({@link AuthenticationProvider}).
 *
 * <p>Only SHA-256 digests of the tokens are kept, and a presented token is checked by comparing its digest with
 * every configured digest in constant time ({@link MessageDigest#isEqual} over equal lengths, no early exit), so
 * neither the time of a refusal nor a heap dump gives a token away.
 */
public final class BearerTokens implements AuthenticationProvider, AuthenticationConverter {

    /** Shorter tokens are refused at start: a guessable token protects nothing. */
    public static final int MIN_TOKEN_CHARS = 16;

    private static final String SCHEME = "Bearer ";

    private final List<byte[]> digests = new ArrayList<>();

    public BearerTokens(List<String> tokens) {
        for (String token : tokens) {
            String t = token.strip();
            if (t.length() < MIN_TOKEN_CHARS) {
                throw new IllegalArgumentException("streamsparse.api.tokens: a token has " + t.length()
                        + " characters; the minimum is " + MIN_TOKEN_CHARS);
            }
            digests.add(sha256(t));
        }
    }

    /** Whether any token is configured, i.e. whether the API needs one. */
    public boolean required() {
        return !digests.isEmpty();
    }

    /** The token a request presents, or null when it has no {@code Authorization} header. */
    @Override
    public Authentication convert(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null) {
            return null;
        }
        if (!header.regionMatches(true, 0, SCHEME, 0, SCHEME.length()) || header.substring(SCHEME.length()).isBlank()) {
            throw new BadCredentialsException("the Authorization header must be 'Bearer <token>'");
        }
        return new PresentedToken(header.substring(SCHEME.length()).strip());
    }

    @Override
    public Authentication authenticate(Authentication presented) {
        byte[] digest = sha256((String) presented.getCredentials());
        boolean match = false;
        for (byte[] accepted : digests) {
            match |= MessageDigest.isEqual(accepted, digest);
        }
        if (!match) {
            throw new BadCredentialsException("the bearer token is not valid");
        }
        return UsernamePasswordAuthenticationToken.authenticated("api-client", null, List.of());
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return PresentedToken.class.isAssignableFrom(authentication);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** A token as presented, not yet checked. */
    static final class PresentedToken extends AbstractAuthenticationToken {

        private final String token;

        PresentedToken(String token) {
            super(List.of());
            this.token = token;
        }

        @Override
        public Object getCredentials() {
            return token;
        }

        @Override
        public Object getPrincipal() {
            return "api-client";
        }
    }
}
