package fr.passerelle.gateway.console.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
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

import fr.passerelle.gateway.console.ConsoleServer;
import fr.passerelle.gateway.console.DeskScope;
import fr.passerelle.gateway.console.dashboard.ConsoleWebTests;
import fr.passerelle.gateway.persistence.AuditVerifier;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/**
 * The audit page over the real filter chains and templates, with the search and the verification stood in for:
 * who may open it and verify, what the search is asked, how records, pages and verdicts are shown.
 */
@WebMvcTest(AuditController.class)
@Import({ConsoleWebTests.Security.class, AuditControllerTest.Fixtures.class})
class AuditControllerTest {

    static final Instant NOW = Instant.parse("2025-06-02T09:30:00Z");
    static final String MESSAGE_ID = "0e4b5f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
    static final DeskScope ALL = new DeskScope(true, Set.of());

    @TestConfiguration(proxyBeanMethods = false)
    static class Fixtures {

        @Bean
        Clock clock() {
            return Clock.fixed(NOW, ZoneOffset.UTC);
        }
    }

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ConsoleServer console;

    @MockitoBean
    AuditSearch search;

    @MockitoBean
    AuditVerification verification;

    @MockitoBean
    AuditTrail trail;

    @BeforeEach
    void trail() {
        when(console.isConsole(any())).thenReturn(true);
        when(search.search(any(), any(), any(), any())).thenReturn(new AuditSearch.Page(List.of(
                new AuditSearch.Entry(130, NOW.minusSeconds(10), MESSAGE_ID, "OUTBOUND_QUEUED", "gateway", "spain",
                        "partner.spain.out"),
                new AuditSearch.Entry(129, NOW.minusSeconds(20), MESSAGE_ID, "MESSAGE_REFUSED", "douane", null,
                        "SENDER_MISMATCH: <script>alert(1)</script>")), null, 129L));
        when(verification.lastCheckpoint()).thenReturn(Optional.of(new AuditVerification.Checkpoint(120,
                NOW.minusSeconds(3600))));
    }

    /** Refuses officers both the page and the verification; sends anonymous visitors to log in. */
    @Test
    void onlyAuditorsSupervisorsAndAdministratorsGetIn() throws Exception {
        mvc.perform(get("/audit").with(ConsoleWebTests.officer("spain"))).andExpect(status().isForbidden());
        mvc.perform(post("/audit/verify").with(ConsoleWebTests.officer("spain")).with(csrf()))
                .andExpect(status().isForbidden());
        mvc.perform(get("/audit")).andExpect(status().isFound()).andExpect(redirectedUrlPattern("**/login"));
        for (RequestPostProcessor user : List.of(ConsoleWebTests.auditor(), ConsoleWebTests.supervisor(),
                ConsoleWebTests.admin())) {
            mvc.perform(get("/audit").with(user)).andExpect(status().isOk());
        }
        verify(verification, never()).verify();
    }

    /** Hands the criteria to the search as typed, trimmed, dates as days; shows the records escaped. */
    @Test
    void searchesAndShowsTheRecordsEscaped() throws Exception {
        String page = mvc.perform(get("/audit").with(ConsoleWebTests.auditor())
                .param("messageId", " " + MESSAGE_ID + " ").param("event", "OUTBOUND_QUEUED")
                .param("actor", "gateway").param("partner", "spain").param("from", "2025-06-01")
                .param("to", "2025-06-02")).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString();

        verify(search).search(new AuditSearch.Criteria(MESSAGE_ID, AuditEvent.OUTBOUND_QUEUED, "gateway", "spain",
                LocalDate.parse("2025-06-01"), LocalDate.parse("2025-06-02")), ALL, null, null);
        assertThat(page).contains("<th scope=\"row\">130</th>").contains("2025-06-02 09:29:50")
                .contains("SENDER_MISMATCH: &lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>")
                .contains("<option value=\"OUTBOUND_QUEUED\" title=\""
                        + AuditEvent.OUTBOUND_QUEUED.description().replace("'", "&#39;")
                        + "\" selected=\"selected\">OUTBOUND_QUEUED</option>")
                .contains("value=\"2025-06-01\"");
    }

    /** Links to the older page with the same criteria, keyed on the oldest record shown. */
    @Test
    void pagesOnTheSequenceNumberKeepingTheCriteria() throws Exception {
        String page = mvc.perform(get("/audit").with(ConsoleWebTests.auditor()).param("event", "OUTBOUND_QUEUED")
                .param("actor", "a b+c").param("before", "200")).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();

        verify(search).search(new AuditSearch.Criteria(null, AuditEvent.OUTBOUND_QUEUED, "a b+c", null, null, null),
                ALL, 200L, null);
        assertThat(page).contains("href=\"/audit?event=OUTBOUND_QUEUED&amp;actor=a%20b%2Bc&amp;before=129\"")
                .doesNotContain("Newer records");
    }

    /** Refuses an event that does not exist rather than searching for everything. */
    @Test
    void refusesAnUnknownEvent() throws Exception {
        mvc.perform(get("/audit").with(ConsoleWebTests.auditor()).param("event", "NO_SUCH_EVENT"))
                .andExpect(status().isBadRequest());
        verify(search, never()).search(any(), any(), any(), any());
    }

    /** Verifies on a POST with the CSRF token only, then shows the verdict: intact, with the last checkpoint. */
    @Test
    void verifiesOnRequestAndShowsAnIntactChain() throws Exception {
        mvc.perform(post("/audit/verify").with(ConsoleWebTests.auditor())).andExpect(status().isForbidden());
        verify(verification, never()).verify();

        when(verification.verify()).thenReturn(new AuditVerifier.Result(130, null, null));
        var verified = mvc.perform(post("/audit/verify").with(ConsoleWebTests.auditor()).with(csrf()))
                .andExpect(status().isFound()).andExpect(redirectedUrl("/audit"))
                .andExpect(flash().attribute("verified", new AuditController.Verified(true, 130, null, null, NOW,
                        "auditor")))
                .andReturn().getFlashMap().get("verified");
        verify(trail).record(null, AuditEvent.AUDIT_VERIFIED, "auditor", null, "intact, 130 records");

        String page = mvc.perform(get("/audit").with(ConsoleWebTests.auditor()).flashAttr("verified", verified))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("All <span>130</span> records and their signed checkpoints verify.")
                .contains("Verified by <span>auditor</span>")
                .contains("Last signed checkpoint: record\n      <strong>120</strong>")
                .contains("2025-06-02 08:30:00 UTC");
    }

    /** Shows a broken chain: the first broken record, why, and how many before it hold. */
    @Test
    void showsTheFirstBrokenRecord() throws Exception {
        when(verification.verify()).thenReturn(new AuditVerifier.Result(56, 57L,
                "its content does not match its hash (a field was changed)"));
        var verified = mvc.perform(post("/audit/verify").with(ConsoleWebTests.supervisor()).with(csrf()))
                .andExpect(status().isFound()).andReturn().getFlashMap().get("verified");

        String page = mvc.perform(get("/audit").with(ConsoleWebTests.supervisor()).flashAttr("verified", verified))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("<span class=\"badge bad\">broken</span>")
                .contains("The chain breaks at record <strong>57</strong>")
                .contains("its content does not match its hash (a field was changed)")
                .contains("The <span>56</span> records before it are intact.");
    }

    /** Says so when the trail cannot be read, without a stack trace on the page. */
    @Test
    void saysSoWhenTheTrailCannotBeRead() throws Exception {
        when(verification.verify()).thenThrow(new SQLException("connection refused"));
        mvc.perform(post("/audit/verify").with(ConsoleWebTests.admin()).with(csrf()))
                .andExpect(status().isFound()).andExpect(flash().attribute("verificationFailed", true));
        when(verification.lastCheckpoint()).thenReturn(Optional.empty());
        String page = mvc.perform(get("/audit").with(ConsoleWebTests.admin()).flashAttr("verificationFailed", true))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(page).contains("The verification could not read the audit trail")
                .contains("No signed checkpoint yet.").doesNotContain("connection refused");
        verify(search).search(eq(new AuditSearch.Criteria(null, null, null, null, null, null)), eq(ALL), isNull(),
                isNull());
    }
}
