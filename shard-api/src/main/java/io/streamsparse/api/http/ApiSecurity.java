package io.streamsparse.api.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.security.web.authentication.AuthenticationEntryPointFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Who may call the services' HTTP APIs (Spring Security; the services {@code @Import} it), from
 * {@link ApiAccessProperties}:
 * <ul>
 * <li><b>Bearer tokens</b>, when {@code streamsparse.api.tokens} lists any: every request then needs
 * {@code Authorization: Bearer <token>} ({@link BearerTokens}), except {@link #OPEN_PATHS} (the probes and
 * Prometheus' scrape, which carry no documents). A request without a token or with a wrong one gets 401, a problem
 * detail and {@code WWW-Authenticate: Bearer}. Without tokens (the default, for the loopback-only local run)
 * every request is let through.</li>
 * <li><b>CORS</b>: only the origins in {@code streamsparse.api.cors-allowed-origins} (none by default) may call
 * from a browser page of another origin; a preflight or request from any other origin gets 403.</li>
 * <li>Stateless: no session, no cookie, hence no CSRF token to check; requests the firewall refuses (an encoded
 * slash or a control character in the path, for example) get a 400 problem detail.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(ApiAccessProperties.class)
public class ApiSecurity {

    /** Reachable without a token: liveness/readiness probes and the metrics scrape (no documents, no paths). */
    public static final List<String> OPEN_PATHS = List.of("/actuator/health", "/actuator/health/**",
            "/actuator/info", "/actuator/prometheus");

    static final String REALM = "Bearer realm=\"streamsparse\"";

    /** Also a bean so that Spring Boot does not invent a user with a generated password. */
    @Bean
    BearerTokens bearerTokens(ApiAccessProperties access) {
        return new BearerTokens(access.tokens());
    }

    @Bean
    SecurityFilterChain apiSecurityFilterChain(HttpSecurity http, ApiAccessProperties access, BearerTokens tokens)
            throws Exception {
        AuthenticationEntryPoint unauthorized = ApiSecurity::unauthorized;
        http.csrf(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .cors(c -> c.configurationSource(corsPolicy(access.corsAllowedOrigins())))
                .exceptionHandling(e -> e.authenticationEntryPoint(unauthorized));
        if (tokens.required()) {
            AuthenticationFilter bearer = new AuthenticationFilter(new ProviderManager(tokens), tokens);
            bearer.setSuccessHandler((request, response, authentication) -> { });
            bearer.setFailureHandler(new AuthenticationEntryPointFailureHandler(unauthorized));
            http.addFilterBefore(bearer, AuthorizationFilter.class)
                    .authorizeHttpRequests(a -> a
                            // an error dispatch follows a request that was already let in
                            .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                            .requestMatchers(OPEN_PATHS.toArray(String[]::new)).permitAll()
                            .anyRequest().authenticated());
        } else {
            http.authorizeHttpRequests(a -> a.anyRequest().permitAll());
        }
        return http.build();
    }

    /** A request the firewall refuses gets a problem detail rather than a container error page. */
    @Bean
    RequestRejectedHandler problemForRejectedRequests() {
        return (request, response, rejected) -> HttpProblems.write(response, HttpStatus.BAD_REQUEST,
                "the request was refused: " + rejected.getMessage());
    }

    static CorsConfigurationSource corsPolicy(List<String> allowedOrigins) {
        CorsConfiguration policy = new CorsConfiguration();
        // an empty list allows no origin: every cross-origin request and preflight gets 403
        policy.setAllowedOrigins(allowedOrigins);
        policy.setAllowedMethods(List.of("GET", "POST", "DELETE"));
        policy.setAllowedHeaders(List.of("Authorization", "Content-Type"));
        policy.setMaxAge(Duration.ofHours(1));
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/**", policy);
        return source;
    }

    private static void unauthorized(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException failure) throws IOException {
        boolean presented = failure instanceof BadCredentialsException;
        response.setHeader("WWW-Authenticate", presented ? REALM + ", error=\"invalid_token\"" : REALM);
        HttpProblems.write(response, HttpStatus.UNAUTHORIZED, presented ? failure.getMessage()
                : "this API needs an 'Authorization: Bearer <token>' header (streamsparse.api.tokens)");
    }
}
