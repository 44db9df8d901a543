package fr.passerelle.gateway.console;

import org.springframework.boot.actuate.autoconfigure.security.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;

/**
 * Who may reach what. Three filter chains, by where the request came in: the health and metrics endpoints (their
 * own port, on the loopback); the partner endpoint (the mutual-TLS port: the TLS client certificate is the
 * authentication, nothing else is served there); and the console (its own port: form login, CSRF, roles, strict
 * headers).
 */
@Configuration(proxyBeanMethods = false)
public class ConsoleSecurity {

    /** The console's content security policy: own resources only, no inline script, no framing. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self'; "
            + "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    @Bean
    @Order(0)
    SecurityFilterChain managementEndpointsSecurity(HttpSecurity http) throws Exception {
        return http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
                .csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .build();
    }

    @Bean
    @Order(1)
    SecurityFilterChain partnerEndpointSecurity(HttpSecurity http, ConsoleServer console) throws Exception {
        return http.securityMatcher(request -> !console.isConsole(request))
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers(HttpMethod.POST, "/partner/v1/messages").permitAll()
                        // A partner's probe: answered without reading or keeping anything.
                        .requestMatchers(HttpMethod.HEAD, "/partner/v1/messages").permitAll()
                        .requestMatchers("/error").permitAll()
                        .anyRequest().denyAll())
                // A machine-to-machine endpoint authenticated by the TLS client certificate: no cookie, no form.
                .csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain consolePagesSecurity(HttpSecurity http, ConsoleServer console) throws Exception {
        return http.securityMatcher(console::isConsole)
                .authorizeHttpRequests(requests -> requests
                        .requestMatchers("/login", "/css/**", "/js/**", "/error").permitAll()
                        .requestMatchers("/review/**").hasRole("SUPERVISOR")
                        .requestMatchers(HttpMethod.POST, "/quarantine/**").hasRole("ADMIN")
                        .requestMatchers("/quarantine/**").hasAnyRole("ADMIN", "SUPERVISOR", "AUDITOR")
                        .requestMatchers("/audit/**").hasAnyRole("AUDITOR", "SUPERVISOR", "ADMIN")
                        .requestMatchers(HttpMethod.POST, "/partners/**").hasRole("ADMIN")
                        .anyRequest().authenticated())
                .formLogin(form -> form.loginPage("/login").defaultSuccessUrl("/", false)
                        .failureUrl("/login?error").permitAll())
                .logout(logout -> logout.logoutUrl("/logout").logoutSuccessUrl("/login?logout"))
                .sessionManagement(sessions -> sessions.sessionFixation(fixation -> fixation.newSession())
                        .maximumSessions(3))
                .headers(headers -> headers
                        .contentSecurityPolicy(csp -> csp.policyDirectives(CONTENT_SECURITY_POLICY))
                        .frameOptions(frame -> frame.deny())
                        .referrerPolicy(referrer -> referrer.policy(
                                ReferrerPolicyHeaderWriter.ReferrerPolicy.SAME_ORIGIN)))
                .build();
    }
}
