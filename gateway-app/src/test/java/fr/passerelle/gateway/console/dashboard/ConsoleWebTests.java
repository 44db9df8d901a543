package fr.passerelle.gateway.console.dashboard;

import java.util.List;
import java.util.Set;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.gateway.console.ConsoleAccount;

/** What the console pages' {@code @WebMvcTest}s share: the real filter chains, and the four kinds of user. */
public final class ConsoleWebTests {

    private ConsoleWebTests() {
    }

    /**
     * Loads the console's security configuration (package-private in its own package) and binds the deployment's
     * configuration, the built-in sample, as the gateway does. A test configuration, so that the application's
     * component scan in Boot tests leaves it out.
     */
    @TestConfiguration(proxyBeanMethods = false)
    @EnableConfigurationProperties(PasserelleProperties.class)
    @ComponentScan(basePackages = "fr.passerelle.gateway.console", useDefaultFilters = false,
            includeFilters = @ComponentScan.Filter(type = FilterType.REGEX,
                    pattern = "fr\\.passerelle\\.gateway\\.console\\.ConsoleSecurity"))
    public static class Security {

        /** No one logs in through the form here: requests carry their user. */
        @Bean
        UserDetailsService noFormUsers() {
            return new InMemoryUserDetailsManager();
        }
    }

    public static RequestPostProcessor officer(String desk) {
        return as("officer-" + desk, "OFFICER", Set.of(desk));
    }

    public static RequestPostProcessor supervisor() {
        return as("supervisor", "SUPERVISOR", Set.of());
    }

    public static RequestPostProcessor auditor() {
        return as("auditor", "AUDITOR", Set.of());
    }

    public static RequestPostProcessor admin() {
        return as("admin", "ADMIN", Set.of());
    }

    private static RequestPostProcessor as(String username, String role, Set<String> desks) {
        return SecurityMockMvcRequestPostProcessors.user(new ConsoleAccount(username, "{noop}unused", List.of(role),
                desks, false));
    }
}
