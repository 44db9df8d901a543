package fr.passerelle.gateway.console.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.flash;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrl;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import fr.passerelle.gateway.console.ConsoleAccount;
import fr.passerelle.gateway.console.ConsoleServer;

/**
 * The quarantine pages under the console's real security rules, with the quarantine mocked: officers are kept
 * out; auditors and supervisors read but cannot act; administrators discard and release with the CSRF token, in
 * their own name; an envelope is shown only on request, through the audited call, and sealed bytes never.
 */
@WebMvcTest(QuarantineController.class)
@Import(QuarantineControllerTest.Security.class)
class QuarantineControllerTest {

    private static final String SEALED_ID = "ID:6c1f0a52-f0f4-11ef-9a51-0242ac120002";
    private static final String ENVELOPE_ID = "ID:7d2a1b63-f0f4-11ef-9a51-0242ac120002";
    private static final String MESSAGE_ID = "0e4b5f1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String SHA = "ab".repeat(32);

    private static final Quarantine.Item SEALED = new Quarantine.Item(SEALED_ID, Instant.parse("2025-03-04T10:15:30Z"),
            MESSAGE_ID, "morocco", "police", null, "DELIVERY_FAILED",
            "The partner's channel did not take the message. Detail: 1 attempts", 7, 2048, SHA,
            Quarantine.Kind.CHANNEL);
    private static final Quarantine.Item ENVELOPE = new Quarantine.Item(ENVELOPE_ID,
            Instant.parse("2025-03-04T11:00:00Z"), "1f5c6a2b-3d4e-4f60-9bac-1d2e3f4a5b6c", null, "douane", "douane",
            "SENDER_MISMATCH", "The envelope's sender is not the account that sent it. Detail: <i>ofast</i>", 4, 900,
            SHA, Quarantine.Kind.OUTBOUND);
    private static final Quarantine.Item INBOUND = new Quarantine.Item(SEALED_ID, Instant.parse("2025-03-04T12:00:00Z"),
            null, "spain", null, null, "NOT_CMS", "The body is not a sealed message.", 4, 10, SHA,
            Quarantine.Kind.INBOUND);

    /** ConsoleSecurity is package-private to the console package: it is picked up by name. */
    @TestConfiguration
    @ComponentScan(basePackages = "fr.passerelle.gateway.console", useDefaultFilters = false,
            includeFilters = @ComponentScan.Filter(type = FilterType.REGEX,
                    pattern = "fr\\.passerelle\\.gateway\\.console\\.ConsoleSecurity"))
    static class Security {
    }

    @Autowired
    MockMvc mvc;

    @MockitoBean
    ConsoleServer console;

    @MockitoBean
    Quarantine quarantine;

    @BeforeEach
    void onTheConsolePort() {
        when(console.isConsole(any())).thenReturn(true);
        when(quarantine.list(anyInt())).thenReturn(List.of(SEALED, ENVELOPE));
        when(quarantine.find(SEALED_ID)).thenReturn(Optional.of(SEALED));
        when(quarantine.find(ENVELOPE_ID)).thenReturn(Optional.of(ENVELOPE));
    }

    private static ConsoleAccount account(String name, String role, String... desks) {
        return new ConsoleAccount(name, "{noop}unused", List.of(role), Set.of(desks), false);
    }

    private static final ConsoleAccount ADMIN = account("admin", "ADMIN");
    private static final ConsoleAccount AUDITOR = account("auditor", "AUDITOR");

    /** An officer, even of the partner concerned, gets neither the list nor a message. */
    @Test
    void officersAreKeptOut() throws Exception {
        ConsoleAccount officer = account("officer-morocco", "OFFICER", "morocco");
        mvc.perform(get("/quarantine").with(user(officer))).andExpect(status().isForbidden());
        mvc.perform(get("/quarantine/" + SEALED_ID).with(user(officer))).andExpect(status().isForbidden());
        verify(quarantine, never()).list(anyInt());
    }

    /** The auditor reads the list: time, messageId linking to the message, partner, reason code and sentence. */
    @Test
    void theAuditorReadsTheList() throws Exception {
        String page = mvc.perform(get("/quarantine").with(user(AUDITOR))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();

        assertThat(page).contains("2025-03-04 10:15:30 UTC").contains(MESSAGE_ID).contains("morocco")
                .contains("DELIVERY_FAILED").contains("SENDER_MISMATCH")
                .contains("href=\"/quarantine/" + SEALED_ID + "\"")
                .contains("Detail: &lt;i&gt;ofast&lt;/i&gt;").doesNotContain("<i>ofast</i>");
    }

    /** The auditor reads one message but is offered no action, and the actions answer 403 even with the token. */
    @Test
    void theAuditorAndTheSupervisorReadButCannotAct() throws Exception {
        String page = mvc.perform(get("/quarantine/" + SEALED_ID).with(user(AUDITOR))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("DELIVERY_FAILED").contains("2048 bytes").contains(SHA)
                .doesNotContain("id=\"release\"").doesNotContain("id=\"discard\"");

        for (ConsoleAccount reader : List.of(AUDITOR, account("supervisor", "SUPERVISOR"))) {
            mvc.perform(post("/quarantine/" + SEALED_ID + "/release").with(user(reader)).with(csrf()))
                    .andExpect(status().isForbidden());
            mvc.perform(post("/quarantine/" + SEALED_ID + "/discard").with(user(reader)).with(csrf())
                    .param("confirm", "yes")).andExpect(status().isForbidden());
        }
        verify(quarantine, never()).release(anyString(), anyString());
        verify(quarantine, never()).discard(anyString(), anyString());
    }

    /** The administrator is offered release for a channel refusal; for a partner's refused message, only discard. */
    @Test
    void theAdministratorIsOfferedWhatTheKindAllows() throws Exception {
        String sealed = mvc.perform(get("/quarantine/" + SEALED_ID).with(user(ADMIN))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(sealed).contains("id=\"release\"").contains("id=\"discard\"")
                .contains("action=\"/quarantine/" + SEALED_ID + "/release\"")
                .contains(Quarantine.Kind.CHANNEL.sentence().replace("'", "&#39;"))
                .contains("Sealed bytes, not shown: 2048 bytes");

        when(quarantine.find(SEALED_ID)).thenReturn(Optional.of(INBOUND));
        String inbound = mvc.perform(get("/quarantine/" + SEALED_ID).with(user(ADMIN))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(inbound).doesNotContain("id=\"release\"").contains("id=\"discard\"")
                .contains("the partner must send it")
                .contains("again");
    }

    /** Release is done in the administrator's name, and what happened is shown. */
    @Test
    void theAdministratorReleasesInTheirOwnName() throws Exception {
        when(quarantine.release(SEALED_ID, "admin")).thenReturn("Released to partner.morocco.out.");

        mvc.perform(post("/quarantine/" + SEALED_ID + "/release").with(user(ADMIN)).with(csrf())
                        .param("user", "someone-else"))
                .andExpect(redirectedUrl("/quarantine"))
                .andExpect(flash().attribute("notice", "Released to partner.morocco.out."));
        verify(quarantine).release(SEALED_ID, "admin");
    }

    /** A release the quarantine refuses shows its sentence. */
    @Test
    void aRefusedReleaseShowsWhy() throws Exception {
        when(quarantine.release(SEALED_ID, "admin")).thenThrow(
                new QuarantineException(QuarantineException.Reason.NOT_RELEASABLE, SEALED_ID));

        mvc.perform(post("/quarantine/" + SEALED_ID + "/release").with(user(ADMIN)).with(csrf()))
                .andExpect(redirectedUrl("/quarantine"))
                .andExpect(flash().attribute("error", QuarantineException.Reason.NOT_RELEASABLE.sentence()));
    }

    /** Discard needs the confirmation box; with it, it is done in the administrator's name. */
    @Test
    void discardNeedsConfirmation() throws Exception {
        mvc.perform(post("/quarantine/" + SEALED_ID + "/discard").with(user(ADMIN)).with(csrf()))
                .andExpect(redirectedUrl("/quarantine/" + SEALED_ID)).andExpect(flash().attributeExists("error"));
        verify(quarantine, never()).discard(anyString(), anyString());

        when(quarantine.discard(SEALED_ID, "admin")).thenReturn("Discarded message " + MESSAGE_ID + ".");
        mvc.perform(post("/quarantine/" + SEALED_ID + "/discard").with(user(ADMIN)).with(csrf())
                        .param("confirm", "yes"))
                .andExpect(redirectedUrl("/quarantine")).andExpect(flash().attributeExists("notice"));
        verify(quarantine).discard(SEALED_ID, "admin");
    }

    /** Without the CSRF token, an administrator's action is refused before it reaches the quarantine. */
    @Test
    void actionsNeedTheCsrfToken() throws Exception {
        mvc.perform(post("/quarantine/" + SEALED_ID + "/release").with(user(ADMIN)))
                .andExpect(status().isForbidden());
        mvc.perform(post("/quarantine/" + SEALED_ID + "/discard").with(user(ADMIN)).param("confirm", "yes"))
                .andExpect(status().isForbidden());
        verify(quarantine, never()).release(anyString(), anyString());
        verify(quarantine, never()).discard(anyString(), anyString());
    }

    /**
     * An outbound refusal's envelope is shown only when asked for, through the audited call in the reader's name,
     * and escaped; sealed bytes are never asked for.
     */
    @Test
    void anEnvelopeIsShownOnRequestThroughTheAuditedCall() throws Exception {
        String before = mvc.perform(get("/quarantine/" + ENVELOPE_ID).with(user(AUDITOR)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(before).contains("show=content").doesNotContain("<pre");
        verify(quarantine, never()).content(anyString(), anyString());

        when(quarantine.content(ENVELOPE_ID, "auditor")).thenReturn(Optional.of("<Envelope><b>x</b></Envelope>"));
        String shown = mvc.perform(get("/quarantine/" + ENVELOPE_ID).param("show", "content").with(user(AUDITOR)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(shown).contains("&lt;Envelope&gt;&lt;b&gt;x&lt;/b&gt;&lt;/Envelope&gt;")
                .doesNotContain("<Envelope>");
        verify(quarantine).content(ENVELOPE_ID, "auditor");

        String sealed = mvc.perform(get("/quarantine/" + SEALED_ID).param("show", "content").with(user(AUDITOR)))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsString();
        assertThat(sealed).contains("Sealed bytes, not shown");
        verify(quarantine, never()).content(SEALED_ID, "auditor");
    }

    /** An id that names nothing in quarantine answers 404. */
    @Test
    void anUnknownMessageIsNotFound() throws Exception {
        when(quarantine.find("ID:nothing")).thenReturn(Optional.empty());
        mvc.perform(get("/quarantine/ID:nothing").with(user(AUDITOR))).andExpect(status().isNotFound());
    }
}
