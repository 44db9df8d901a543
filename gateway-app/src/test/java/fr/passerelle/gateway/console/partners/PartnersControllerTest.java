package fr.passerelle.gateway.console.partners;

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
import fr.passerelle.gateway.console.dashboard.ConsoleWebTests;
import fr.passerelle.routes.TestCertificates;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.channel.ChannelHealth;

/**
 * The partners page over the real filter chains and templates, the sample deployment with Morocco reached over
 * AMQP, a real channel health that saw Morocco fail, real certificates under watch, and stand-ins for the broker
 * and the database: an officer sees their desk only; a pull-queue partner shows its queue, a pushed-to partner
 * its channel's state.
 */
@WebMvcTest(value = PartnersController.class, properties = {
        "passerelle.partners.morocco.channel.type=amqp",
        "passerelle.partners.morocco.channel.url=amqps://127.0.0.1:5671",
        "passerelle.partners.morocco.channel.queue=passerelle.from-fr"})
@Import({ConsoleWebTests.Security.class, CertificateExpiries.class, PartnersControllerTest.Fixtures.class})
class PartnersControllerTest {

    static final Instant NOW = Instant.parse("2025-06-02T09:30:00Z");

    @TestConfiguration(proxyBeanMethods = false)
    static class Fixtures {

        @Bean
        Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }

        @Bean
        ChannelHealth channelHealth(Clock clock) {
            ChannelHealth health = new ChannelHealth(3, clock);
            health.register("morocco", "amqps://127.0.0.1:5671 queue passerelle.from-fr");
            health.failed("morocco", "connection refused");
            health.failed("morocco", "connection refused");
            health.probed("morocco", "connection refused");
            return health;
        }

        @Bean
        CertificateExpiryWatch certificateExpiryWatch(Clock clock) throws Exception {
            return new CertificateExpiryWatch(List.of(
                    new CertificateExpiryWatch.Watched("spain", "ca", TestPki.credential("spain", "sign")
                            .certificate(), false),
                    new CertificateExpiryWatch.Watched("spain", "enc", TestCertificates.signing("spain",
                            NOW.minus(Duration.ofDays(300)), NOW.plus(Duration.ofDays(12))).certificate(), false),
                    new CertificateExpiryWatch.Watched("morocco", "enc", TestCertificates.signing("morocco",
                            NOW.minus(Duration.ofDays(300)), NOW.minus(Duration.ofDays(3))).certificate(), false)),
                    30, clock);
        }
    }

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ConsoleServer console;

    @MockitoBean
    EmbeddedBroker broker;

    @MockitoBean
    PartnerActivity activity;

    @BeforeEach
    void partners() {
        when(console.isConsole(any())).thenReturn(true);
        when(broker.messageCount(anyString())).thenAnswer(call -> call.getArgument(0).equals("partner.morocco.out")
                ? 777L : 12L);
        when(activity.of(any(), any())).thenReturn(Map.of(
                "spain", new PartnerActivity.Activity(NOW.minus(Duration.ofMinutes(5)), null,
                        NOW.minus(Duration.ofMinutes(4))),
                "morocco", new PartnerActivity.Activity(null, NOW.minus(Duration.ofHours(2)), null)));
    }

    private String page(RequestPostProcessor user) throws Exception {
        return mvc.perform(get("/partners").with(user)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();
    }

    /** Sends an anonymous visitor to the login form; lets every role in. */
    @Test
    void everyLoggedInUserMayOpenIt() throws Exception {
        mvc.perform(get("/partners")).andExpect(status().isFound()).andExpect(redirectedUrlPattern("**/login"));
        for (RequestPostProcessor user : List.of(ConsoleWebTests.officer("amon"), ConsoleWebTests.auditor(),
                ConsoleWebTests.supervisor(), ConsoleWebTests.admin())) {
            page(user);
        }
    }

    /** Shows a queue depth as unknown, not an error page, while an external broker fails over. */
    @Test
    void aBrokerThatCannotBeAskedLeavesTheDepthUnknown() throws Exception {
        when(broker.messageCount(anyString())).thenThrow(new IllegalStateException("failing over"));

        String page = page(ConsoleWebTests.officer("spain"));

        assertThat(page).contains("<span class=\"prominent\">unknown</span> messages");
    }

    /** Shows officer-spain Spain alone: nothing of Morocco's channel, queue, activity or certificates. */
    @Test
    void anOfficerSeesTheirDeskOnly() throws Exception {
        String page = page(ConsoleWebTests.officer("spain"));

        assertThat(page).contains("<h2 id=\"partner-spain-heading\">spain</h2>")
                .doesNotContain("morocco").doesNotContain("777").doesNotContain("connection refused")
                .doesNotContain("europol");
        verify(activity).of(List.of("spain"), List.of("spain"));
        verify(broker, never()).messageCount("partner.morocco.out");
    }

    /** Shows a pull-queue partner as such, with its queue depth, last queued and taken times and certificates. */
    @Test
    void aPullQueuePartnerShowsItsQueue() throws Exception {
        String page = section(page(ConsoleWebTests.officer("spain")), "spain");

        assertThat(page).contains("<strong>pull-queue</strong>")
                .contains("<span class=\"badge\">pull-queue</span>")
                .contains("<code>partner.spain.out</code>").contains("<span class=\"prominent\">12</span>")
                .contains("<dt>Last queued for it</dt>").contains("2025-06-02 09:25:00 UTC")
                .containsPattern("<dt>Last taken from its queue</dt>\\s*<dd><time datetime=\"2025-06-02T09:26:00Z\"")
                .contains("<dt>Last message received</dt>\n      <dd>none</dd>")
                .contains("CA (trust anchor)").contains("CN=spain SAMPLE test signer")
                .contains("<span class=\"badge warn\">expires within 30 days</span>");
    }

    /**
     * Shows a pushed-to partner's channel state: DOWN after two failed deliveries and a failed probe, the last error,
     * no success yet, the probe's time.
     */
    @Test
    void aPushedToPartnerShowsItsChannelState() throws Exception {
        String page = section(page(ConsoleWebTests.supervisor()), "morocco");

        assertThat(page).contains("<strong>amqp</strong>").contains("amqps://127.0.0.1:5671 queue passerelle.from-fr")
                .contains("<span class=\"badge bad\">DOWN</span>").contains("<span>3</span> failed")
                .contains("probe: connection refused").contains("none since the gateway started")
                .containsPattern("<dt>Last probe</dt>\\s*<dd><time datetime=\"2025-06-02T09:30:00Z\"")
                .contains("<dt>Last delivery</dt>\n      <dd>none</dd>").doesNotContain("Last taken")
                .contains("2025-06-02 07:30:00 UTC")
                .contains("<span class=\"prominent\">777</span>")
                .contains("<span class=\"badge bad\">expired</span>");
        verify(activity).of(List.of("amon", "benelux", "caribbean", "europol", "morocco", "spain"),
                List.of("amon", "benelux", "caribbean", "europol", "spain"));
    }

    /** One partner's section of the page. */
    private static String section(String page, String partner) {
        int start = page.indexOf("<section class=\"partner\" id=\"partner-" + partner + "\"");
        assertThat(start).as(partner).isNotNegative();
        return page.substring(start, page.indexOf("</section>", start));
    }
}
