package fr.passerelle.gateway.console.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
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
import java.util.Set;

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

import fr.passerelle.gateway.broker.EmbeddedBroker;
import fr.passerelle.gateway.certificates.CertificateExpiryWatch;
import fr.passerelle.gateway.console.ConsoleServer;
import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.gateway.console.partners.CertificateExpiries;
import fr.passerelle.gateway.review.HeldMessage;
import fr.passerelle.gateway.review.ReviewService;
import fr.passerelle.routes.TestCertificates;
import fr.passerelle.routes.TestPki;

/**
 * The dashboard over the real filter chains and templates, the sample deployment's partners, real certificates
 * under watch, and stand-ins for the database, the broker and the review queue that hold figures for every desk:
 * an officer's page shows their desk's figures and nothing of another desk's, a supervisor's shows every desk's.
 */
@WebMvcTest(DashboardController.class)
@Import({ConsoleWebTests.Security.class, CertificateExpiries.class, DashboardControllerTest.Fixtures.class})
class DashboardControllerTest {

    static final Instant NOW = Instant.parse("2025-06-02T09:30:00Z");

    @TestConfiguration(proxyBeanMethods = false)
    static class Fixtures {

        @Bean
        Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }

        @Bean
        CertificateExpiryWatch certificateExpiryWatch(Clock clock) throws Exception {
            return new CertificateExpiryWatch(List.of(
                    new CertificateExpiryWatch.Watched("fr", "sign", TestCertificates.signing("fr",
                            NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(20))).certificate(), true),
                    new CertificateExpiryWatch.Watched("spain", "enc", TestCertificates.signing("spain",
                            NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(12))).certificate(), false),
                    new CertificateExpiryWatch.Watched("spain", "ca",
                            TestPki.credential("spain", "sign").certificate(), false),
                    new CertificateExpiryWatch.Watched("morocco", "enc", TestCertificates.signing("morocco",
                            NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(5))).certificate(), false)),
                    30, clock);
        }
    }

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ConsoleServer console;

    @MockitoBean
    TrafficCounts traffic;

    @MockitoBean
    QuarantineCount quarantine;

    @MockitoBean
    EmbeddedBroker broker;

    @MockitoBean
    ReviewService review;

    @BeforeEach
    void figuresForEveryDesk() {
        when(console.isConsole(any())).thenReturn(true);
        when(traffic.since(any(), any())).thenReturn(Map.of(
                "spain", new TrafficCounts.Traffic(31, 23),
                "morocco", new TrafficCounts.Traffic(987, 654)));
        when(broker.messageCount(anyString())).thenAnswer(call -> call.getArgument(0).equals("partner.morocco.out")
                ? 777L : 5L);
        when(review.pending()).thenReturn(List.of(
                new HeldMessage("11111111-1111-4111-8111-111111111111", "ofast", "jdupont", "morocco", "H2",
                        NOW.minusSeconds(60)),
                new HeldMessage("22222222-2222-4222-8222-222222222222", "ofast", "jdupont", "spain,morocco", "H2",
                        NOW.minusSeconds(50)),
                new HeldMessage("33333333-3333-4333-8333-333333333333", "douane", "mmartin", "europol", "H2",
                        NOW.minusSeconds(40))));
        when(quarantine.count(new DeskScope(true, Set.of()))).thenReturn(99L);
        when(quarantine.count(new DeskScope(false, Set.of("spain")))).thenReturn(2L);
    }

    private String page(RequestPostProcessor user) throws Exception {
        return mvc.perform(get("/").with(user)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    /** Sends an anonymous visitor to the login form. */
    @Test
    void anAnonymousVisitorIsSentToTheLoginForm() throws Exception {
        mvc.perform(get("/")).andExpect(status().isFound()).andExpect(redirectedUrlPattern("**/login"));
    }

    /** Shows officer-spain Spain's figures and never Morocco's: not its traffic, queue, review, nor certificate. */
    @Test
    void anOfficerSeesTheirDeskOnly() throws Exception {
        String page = page(ConsoleWebTests.officer("spain"));

        assertThat(page).contains("Your desks: <span>spain</span>")
                .contains("<td>31</td>").contains("<td>23</td>")
                .contains("partner.spain.out")
                .doesNotContain("morocco").doesNotContain("987").doesNotContain("654").doesNotContain("777")
                .doesNotContain("europol");
        assertThat(card(page, "review-card")).contains(">1<");
        assertThat(card(page, "quarantine-card")).contains(">2<").doesNotContain("/quarantine");
        assertThat(card(page, "certificates-card")).contains(">2<");
        assertThat(page).contains("CN=spain SAMPLE test signer").contains("CN=fr SAMPLE test signer");
        verify(traffic).since(new DeskScope(false, Set.of("spain")), NOW.minus(Duration.ofHours(24)));
        verify(broker, never()).messageCount("partner.morocco.out");
    }

    /** Shows the backlog and the quarantine as unknown, not an error page, while an external broker fails over. */
    @Test
    void aBrokerThatCannotBeAskedLeavesItsFiguresUnknown() throws Exception {
        when(broker.messageCount(anyString())).thenThrow(new IllegalStateException("failing over"));
        when(quarantine.count(new DeskScope(true, Set.of()))).thenReturn(null);

        String page = page(ConsoleWebTests.supervisor());

        assertThat(card(page, "quarantine-card")).contains(">unknown<");
        assertThat(page).contains("<td>unknown</td>").contains("<td>31</td>");
    }

    /** Shows a supervisor every desk, with the links to review and quarantine. */
    @Test
    void aSupervisorSeesEveryDesk() throws Exception {
        String page = page(ConsoleWebTests.supervisor());

        assertThat(page).contains("All desks.").contains("<td>987</td>").contains("<td>654</td>")
                .contains("<td>777</td>");
        for (String partner : List.of("europol", "spain", "morocco", "caribbean", "benelux", "amon")) {
            assertThat(page).contains("<th scope=\"row\">" + partner + "</th>");
        }
        assertThat(card(page, "review-card")).contains(">3<").contains("href=\"/review\"");
        assertThat(card(page, "quarantine-card")).contains(">99<").contains("href=\"/quarantine\"");
        assertThat(card(page, "certificates-card")).contains(">3<");
        assertThat(page).contains("CN=morocco SAMPLE test signer").doesNotContain("CN=spain SAMPLE sign");
    }

    /** Opens for every role: auditors and administrators too. */
    @Test
    void everyRoleMayOpenIt() throws Exception {
        assertThat(page(ConsoleWebTests.auditor())).contains("<h1>Dashboard</h1>");
        assertThat(page(ConsoleWebTests.admin())).contains("<h1>Dashboard</h1>");
    }

    /** Draws the chart as accessible SVG with the same figures in a table; SLA breaches are not invented. */
    @Test
    void theChartIsAccessibleAndSlaBreachesAreNotMeasured() throws Exception {
        String page = page(ConsoleWebTests.supervisor());

        assertThat(page).contains("<svg role=\"img\" aria-labelledby=\"traffic-chart-title\"")
                .contains("<title id=\"traffic-chart-title\">")
                .contains("<th scope=\"col\">Sent</th>").contains("<th scope=\"col\">Received</th>")
                .doesNotContain("style=").doesNotContain("<script");
        // Morocco's 987 is the longest bar, the full 420 units; Spain's 31 is in proportion.
        assertThat(page).contains("width=\"420\"").contains("width=\"" + Math.round(31 * 420.0 / 987) + "\"");
        assertThat(card(page, "sla-card")).contains("not measured");
    }

    /** The card with this id, from its opening tag to the end of its value and note. */
    private static String card(String page, String id) {
        int start = page.indexOf("id=\"" + id + "\"");
        assertThat(start).as(id).isNotNegative();
        return page.substring(start, page.indexOf("</div>", start));
    }
}
