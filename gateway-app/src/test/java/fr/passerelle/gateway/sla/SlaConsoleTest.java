package fr.passerelle.gateway.sla;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import fr.passerelle.gateway.console.ConsoleServer;
import fr.passerelle.gateway.console.dashboard.ConsoleWebTests;

/**
 * The SLA page and the banner over the real filter chains and templates, with open breaches for Spain and Morocco:
 * an officer of Spain's desk is told of Spain's alone, a supervisor of both, and nobody of a breach that is not
 * there.
 */
@WebMvcTest(SlaController.class)
@Import({ConsoleWebTests.Security.class, SlaConsoleTest.Fixtures.class})
class SlaConsoleTest {

    static final Instant NOW = Instant.parse("2026-11-27T10:30:00Z");

    @TestConfiguration(proxyBeanMethods = false)
    static class Fixtures {

        @Bean
        Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }

        @Bean
        SlaProperties slaProperties() {
            return new SlaProperties(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofSeconds(15),
                    new SlaProperties.Webhook(null, Duration.ofSeconds(10), null, null));
        }
    }

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ConsoleServer console;

    @MockitoBean
    SlaBreaches breaches;

    private static Breach breach(String messageId, String partner, String priority, Duration limit) {
        Instant stored = NOW.minus(Duration.ofMinutes(40));
        return new Breach(messageId, partner, priority, stored, stored.plus(limit), stored.plus(limit).plusSeconds(5));
    }

    @BeforeEach
    void openBreaches() {
        when(console.isConsole(any())).thenReturn(true);
        when(breaches.openByPartner()).thenReturn(Map.of("spain", 1L, "morocco", 2L));
        when(breaches.openBreaches(anyInt())).thenReturn(List.of(
                breach("11111111-1111-4111-8111-111111111111", "spain", "IMMEDIATE", Duration.ofMinutes(5)),
                breach("22222222-2222-4222-8222-222222222222", "morocco", "URGENT", Duration.ofMinutes(30)),
                breach("33333333-3333-4333-8333-333333333333", "morocco", "IMMEDIATE", Duration.ofMinutes(5))));
    }

    private String page(RequestPostProcessor user) throws Exception {
        return mvc.perform(get("/sla").with(user)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    /** officer-spain: one breach in the banner and on the page, Morocco's never mentioned. */
    @Test
    void anOfficerIsToldOfTheirDesksBreachesOnly() throws Exception {
        String page = page(ConsoleWebTests.officer("spain"));

        assertThat(page).contains("<p class=\"sla-banner\" role=\"alert\">")
                .contains("<strong>1</strong> URGENT/IMMEDIATE\n      message not acknowledged in time")
                .contains("href=\"/messages/11111111-1111-4111-8111-111111111111\"")
                .contains("<td>PT40M</td>")
                .doesNotContain("morocco").doesNotContain("22222222").doesNotContain("33333333")
                .doesNotContain("style=").doesNotContain("<script");
    }

    /** A supervisor: all three, oldest first, with their deadlines. */
    @Test
    void aSupervisorIsToldOfEveryBreach() throws Exception {
        String page = page(ConsoleWebTests.supervisor());

        assertThat(page).contains("<strong>3</strong> URGENT/IMMEDIATE\n      messages not acknowledged in time")
                .containsSubsequence("11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222",
                        "33333333-3333-4333-8333-333333333333")
                .contains("2026-11-27 09:55:00 UTC").contains("2026-11-27 10:20:00 UTC");
    }

    /** No open breach in the user's desks: no banner at all. */
    @Test
    void noBreachNoBanner() throws Exception {
        String page = page(ConsoleWebTests.officer("benelux"));

        assertThat(page).doesNotContain("sla-banner").contains("No message is past its SLA.");
    }

    /** The page is for signed-in users. */
    @Test
    void anAnonymousVisitorIsSentToTheLoginForm() throws Exception {
        mvc.perform(get("/sla")).andExpect(status().isFound()).andExpect(redirectedUrlPattern("**/login"));
    }
}
