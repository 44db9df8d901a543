package fr.passerelle.gateway.console.messages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.redirectedUrlPattern;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.WebMvcTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportSelector;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import fr.passerelle.gateway.console.ConsoleAccount;
import fr.passerelle.gateway.console.ConsoleServer;
import fr.passerelle.gateway.persistence.Databases;
import fr.passerelle.gateway.store.JdbcMessageStore.StoredMessage;
import fr.passerelle.gateway.store.MessageViews;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.store.MessageStore.Direction;
import fr.passerelle.routes.validate.EnvelopeReader;

/**
 * The message pages behind the console's security, with the list and look-ups on a real (H2) database and the
 * content display mocked: who sees which message, by list, filter and URL; what the detail page shows; and that
 * hostile content is shown as text.
 */
@WebMvcTest(MessagesController.class)
@Import({MessagesControllerTest.Beans.class, MessagesControllerTest.ConsoleSecurityImport.class})
class MessagesControllerTest {

    private static final String SPAIN_ID = "11111111-1111-4111-8111-111111111111";
    private static final String MOROCCO_ID = "22222222-2222-4222-8222-222222222222";
    private static final String HELD_ID = "33333333-3333-4333-8333-333333333333";
    private static final String QUARANTINED_ID = "44444444-4444-4444-8444-444444444444";
    private static final String UNKNOWN_ID = "55555555-5555-4555-8555-555555555555";
    private static final Instant AT = Instant.parse("2026-03-02T10:15:30Z");
    private static final String ATTACHMENT_BASE64 = "RklDVElPTkFMIHNhbXBsZSBub3Rlcw==";

    private static final String SPAIN_ENVELOPE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Envelope xmlns="urn:passerelle:envelope:1">
              <messageId>%s</messageId>
              <caseReference>OFAST-2026-00042</caseReference>
              <createdAt>2026-03-02T09:00:00+01:00</createdAt>
              <sender>ofast</sender>
              <recipients><recipient>spain</recipient><recipient>morocco</recipient></recipients>
              <messageType>INTEL_REPORT</messageType>
              <priority>URGENT</priority>
              <classification>CONFIDENTIAL</classification>
              <handlingCodes><handlingCode>H2</handlingCode><handlingCode>H3</handlingCode></handlingCodes>
              <evaluation><sourceReliability>B</sourceReliability><informationAssessment>2</informationAssessment></evaluation>
              <body>
                <person id="P1"><familyName>FICTIF</familyName><givenName>Exemple</givenName><role>SUSPECT</role></person>
                <vessel id="V1"><name>MARE EXEMPLUM</name><imoNumber>9000001</imoNumber></vessel>
                <freeText>FICTIONAL. &lt;script&gt;alert("pwned")&lt;/script&gt; Not to be passed on.</freeText>
                <attachment id="AT1" filename="notes.txt" mediaType="text/plain"><content>%s</content></attachment>
              </body>
            </Envelope>
            """.formatted(SPAIN_ID, ATTACHMENT_BASE64);

    private static final String MOROCCO_JSON = """
            {"messageId": "%s", "classification": "RESTRICTED", "handlingCodes": ["H1"],
             "evaluation": {"sourceReliability": "A", "informationAssessment": "1"},
             "body": {"freeText": "<img src=x onerror=alert(1)>"}}
            """.formatted(MOROCCO_ID);

    /** The console's security configuration, which is package-private in its own package. */
    static class ConsoleSecurityImport implements ImportSelector {
        @Override
        public String[] selectImports(AnnotationMetadata metadata) {
            return new String[] {"fr.passerelle.gateway.console.ConsoleSecurity"};
        }
    }

    @TestConfiguration
    static class Beans {
        @Bean
        JdbcTemplate jdbc() {
            return new JdbcTemplate(Databases.H2.fresh());
        }

        @Bean
        MessageSearch messageSearch(JdbcTemplate jdbc) {
            return new MessageSearch(jdbc);
        }

        @Bean
        EnvelopeReader envelopeReader() {
            return new EnvelopeReader(1 << 20);
        }
    }

    @MockitoBean
    ConsoleServer console;

    @MockitoBean
    MessageViews views;

    @MockitoBean
    Parties parties;

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcTemplate jdbc;

    private final byte[] spainSealed = "sealed for spain".getBytes(StandardCharsets.UTF_8);
    private final byte[] spainReceipt = "spain's receipt".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void traffic() {
        when(console.isConsole(any())).thenReturn(true);
        when(parties.partners()).thenReturn(Map.of("spain", mock(Partner.class), "morocco", mock(Partner.class)));
        jdbc.update("delete from message_store");
        jdbc.update("delete from audit_record");

        long spain = store(SPAIN_ID, Direction.OUTBOUND, "spain", spainSealed, spainReceipt, AT.plusSeconds(2));
        long spainsMorocco = store(SPAIN_ID, Direction.OUTBOUND, "morocco", new byte[] {7}, null, null);
        long morocco = store(MOROCCO_ID, Direction.INBOUND, "morocco", new byte[] {8}, new byte[] {9}, null);
        byte[] envelope = SPAIN_ENVELOPE.getBytes(StandardCharsets.UTF_8);
        shows(SPAIN_ID, stored(spain, SPAIN_ID, Direction.OUTBOUND, "spain", spainSealed, envelope),
                stored(spainsMorocco, SPAIN_ID, Direction.OUTBOUND, "morocco", new byte[] {7}, envelope));
        shows(MOROCCO_ID, stored(morocco, MOROCCO_ID, Direction.INBOUND, "morocco", new byte[] {8},
                MOROCCO_JSON.getBytes(StandardCharsets.UTF_8)));

        audit(1, SPAIN_ID, "OUTBOUND_RECEIVED", "ofast", null, "from queue national.ofast.out, 900 bytes");
        audit(2, SPAIN_ID, "OUTBOUND_SEALED", "gateway", "spain", "cms profile, 16 bytes");
        audit(3, SPAIN_ID, "OUTBOUND_SEALED", "gateway", "morocco", "morocco-only-detail");
        audit(4, SPAIN_ID, "OUTBOUND_QUEUED", "gateway", "spain", "partner.spain.out");
        audit(5, SPAIN_ID, "OUTBOUND_DELIVERED", "gateway", "spain", "https-push");
        audit(6, SPAIN_ID, "RECEIPT_VERIFIED", "spain", "spain", "receipt 15 bytes");
        audit(7, MOROCCO_ID, "INBOUND_ROUTED", "gateway", "morocco", "by message type");
        audit(8, HELD_ID, "OUTBOUND_RECEIVED", "ofast", null, "from queue national.ofast.out");
        audit(9, HELD_ID, "REVIEW_REQUESTED", "gateway", null, "handling code H2 requires review for morocco");
        audit(10, QUARANTINED_ID, "MESSAGE_QUARANTINED", "gateway", "spain", "DELIVERY_FAILED: gave up");
    }

    /** The views answer as the real ones do: the copies of the partners the desk accepts, and no other. */
    @SuppressWarnings("unchecked")
    private void shows(String messageId, StoredMessage... copies) {
        when(views.view(anyString(), eq(messageId), any(Predicate.class))).thenAnswer(call -> {
            Predicate<String> desk = call.getArgument(2);
            return Arrays.stream(copies).filter(copy -> desk.test(copy.partner())).toList();
        });
    }

    private long store(String messageId, Direction direction, String partner, byte[] sealed, byte[] receipt,
            Instant delivered) {
        jdbc.update("insert into message_store (message_id, direction, partner, message_type, stored_at, sealed,"
                + " plaintext_sealed, receipt, delivered_at, priority, classification, case_reference)"
                + " values (?, ?, ?, 'INTEL_REPORT', ?, ?, ?, ?, ?, 'URGENT', 'CONFIDENTIAL', 'OFAST-2026-00042')",
                messageId, direction.name(), partner, Timestamp.from(AT), sealed, new byte[] {0}, receipt,
                delivered == null ? null : Timestamp.from(delivered));
        return jdbc.queryForObject("select id from message_store where message_id = ? and partner = ?", Long.class,
                messageId, partner);
    }

    private static StoredMessage stored(long id, String messageId, Direction direction, String partner,
            byte[] sealed, byte[] plaintext) {
        return new StoredMessage(id, messageId, direction, partner, "INTEL_REPORT", AT, sealed, plaintext, null);
    }

    private void audit(long seq, String messageId, String event, String actor, String partner, String details) {
        jdbc.update("insert into audit_record (seq, recorded_at, message_id, event, actor, partner, details)"
                + " values (?, ?, ?, ?, ?, ?, ?)", seq, Timestamp.from(AT.plusSeconds(seq)), messageId, event, actor,
                partner, details);
    }

    private static RequestPostProcessor officerSpain() {
        return user(new ConsoleAccount("officer-spain", "{noop}x", List.of("OFFICER"), Set.of("spain"), false));
    }

    private static RequestPostProcessor supervisor() {
        return user(new ConsoleAccount("supervisor", "{noop}x", List.of("SUPERVISOR"), Set.of(), false));
    }

    /** The page at this address, taken as it is, as a browser follows a link. */
    private String page(String url, RequestPostProcessor who) throws Exception {
        return mvc.perform(get(URI.create(url)).with(who)).andExpect(status().isOk()).andReturn().getResponse()
                .getContentAsString(StandardCharsets.UTF_8);
    }

    /** Without a session, the list and a message send the visitor to the login form. */
    @Test
    void anAnonymousVisitorIsSentToTheLoginForm() throws Exception {
        mvc.perform(get("/messages")).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrlPattern("**/login"));
        mvc.perform(get("/messages/" + SPAIN_ID)).andExpect(status().is3xxRedirection())
                .andExpect(redirectedUrlPattern("**/login"));
        verify(views, never()).view(anyString(), anyString(), any());
    }

    /**
     * An officer of Spain opens Spain's message; Morocco's, asked for by URL, answers 404 exactly as a message that
     * does not exist, and nothing of it is decrypted or audited as read.
     */
    @Test
    void anOfficerOpensTheirDesksMessageAndAnotherDesksIsNotFound() throws Exception {
        assertThat(page("/messages/" + SPAIN_ID, officerSpain())).contains("Sent to spain");
        verify(views).view(eq("officer-spain"), eq(SPAIN_ID), any());

        var other = mvc.perform(get("/messages/" + MOROCCO_ID).with(officerSpain())).andExpect(status().isNotFound())
                .andReturn().getResponse();
        var unknown = mvc.perform(get("/messages/" + UNKNOWN_ID).with(officerSpain()))
                .andExpect(status().isNotFound()).andReturn().getResponse();
        assertThat(other.getContentAsString()).isEqualTo(unknown.getContentAsString());
        assertThat(other.getErrorMessage()).isEqualTo(unknown.getErrorMessage());
        verify(views, never()).view(anyString(), eq(MOROCCO_ID), any());
        verify(views, never()).view(anyString(), eq(UNKNOWN_ID), any());
        // Both answers look the same to the officer; the audit trail tells them apart.
        verify(views).refused("officer-spain", MOROCCO_ID, "outside the desks of officer-spain");
        verify(views).refused("officer-spain", UNKNOWN_ID, "no message is known under this messageId");
    }

    /** An officer's list holds their desk's traffic only; asking for Morocco's gives an empty list, not an error. */
    @Test
    void anOfficersListIsTheirDesksWhateverTheFilter() throws Exception {
        String all = page("/messages", officerSpain());
        assertThat(all).contains(SPAIN_ID).doesNotContain(MOROCCO_ID).doesNotContain(">morocco<");

        String morocco = page("/messages?partner=morocco", officerSpain());
        assertThat(morocco).contains("No message matches").doesNotContain(MOROCCO_ID).doesNotContain(SPAIN_ID);
        verify(views, never()).view(anyString(), anyString(), any());
    }

    /** A supervisor sees every desk: both messages in the list, and Morocco's message opens. */
    @Test
    void aSupervisorSeesEveryDesk() throws Exception {
        assertThat(page("/messages", supervisor())).contains(SPAIN_ID).contains(MOROCCO_ID);
        assertThat(page("/messages?partner=morocco&direction=INBOUND&status=RECEIVED", supervisor()))
                .contains(MOROCCO_ID).doesNotContain(SPAIN_ID);

        String detail = page("/messages/" + MOROCCO_ID, supervisor());
        assertThat(detail).contains("Received from morocco").contains("INBOUND_ROUTED");
        String both = page("/messages/" + SPAIN_ID, supervisor());
        assertThat(both).contains("Sent to spain").contains("Sent to morocco").contains("morocco-only-detail");
    }

    /**
     * The detail page: classification, handling codes and evaluation with their meanings at the top; the body in
     * sections; the attachment by name and size, never its content; the sealing details of the officer's own copy;
     * the timeline in order, without the records of another desk's copy.
     */
    @Test
    void theDetailPageShowsTheMarkingTheContentTheSealAndTheTimeline() throws Exception {
        String detail = page("/messages/" + SPAIN_ID, officerSpain());

        assertThat(detail).contains("CONFIDENTIAL").contains("H2").contains("not to be passed on without the provider")
                .contains("H3").contains("B2").contains("proved reliable in most instances");
        assertThat(detail.indexOf("CONFIDENTIAL")).isLessThan(detail.indexOf("Persons"));
        assertThat(detail).contains("OFAST-2026-00042").contains("Persons").contains("FICTIF").contains("Vessels")
                .contains("MARE EXEMPLUM").contains("notes.txt").contains("22 bytes")
                .doesNotContain(ATTACHMENT_BASE64);
        assertThat(detail).contains(Receipts.sha256Hex(spainSealed)).contains(Receipts.sha256Hex(spainReceipt))
                .contains("2026-03-02 10:15:30 UTC").contains("2026-03-02 10:15:32 UTC")
                .doesNotContain("Sent to morocco");
        List<String> events = new ArrayList<>();
        Matcher event = Pattern.compile("<span class=\"event\">([A-Z_]+)</span>").matcher(detail);
        while (event.find()) {
            events.add(event.group(1));
        }
        assertThat(events).containsExactly("OUTBOUND_RECEIVED", "OUTBOUND_SEALED", "OUTBOUND_QUEUED",
                "OUTBOUND_DELIVERED", "RECEIPT_VERIFIED");
        assertThat(detail).doesNotContain("morocco-only-detail");
    }

    /** Markup in a message is shown as text: in the envelope's free text, and in a partner-format copy. */
    @Test
    void hostileContentIsShownAsText() throws Exception {
        String spain = page("/messages/" + SPAIN_ID, officerSpain());
        assertThat(spain).contains("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;")
                .doesNotContain("<script>alert");

        String morocco = page("/messages/" + MOROCCO_ID, supervisor());
        assertThat(morocco).contains("&lt;img src=x onerror=alert(1)&gt;").doesNotContain("<img src=x")
                .contains("partner&#39;s format").contains("A1").contains("H1");
    }

    /**
     * A message held for review is only in the audit trail, with no partner named: a supervisor sees its timeline,
     * an officer gets 404. A quarantined message whose record names Spain is visible to Spain's officer.
     */
    @Test
    void aMessageOutsideTheStoreShowsItsTimelineToWhoMaySeeIt() throws Exception {
        String held = page("/messages/" + HELD_ID, supervisor());
        assertThat(held).contains("not in the message store").contains("REVIEW_REQUESTED")
                .contains("handling code H2 requires review for morocco");
        mvc.perform(get("/messages/" + HELD_ID).with(officerSpain())).andExpect(status().isNotFound());

        assertThat(page("/messages/" + QUARANTINED_ID, officerSpain())).contains("MESSAGE_QUARANTINED")
                .contains("DELIVERY_FAILED: gave up");
        verify(views, never()).view(anyString(), eq(HELD_ID), any());
        verify(views, never()).view(anyString(), eq(QUARANTINED_ID), any());
        verify(views).refused("officer-spain", HELD_ID, "outside the desks of officer-spain");
        verify(views, never()).refused(anyString(), eq(QUARANTINED_ID), anyString());
    }

    /** Records of earlier look-ups do not make an unknown messageId a message, even for a supervisor. */
    @Test
    void lookUpsAloneShowNothing() throws Exception {
        audit(11, UNKNOWN_ID, "MESSAGE_READ_REFUSED", "officer-spain", null, "no message is known");
        audit(12, UNKNOWN_ID, "MESSAGE_READ", "supervisor", null, "nothing stored");

        mvc.perform(get("/messages/" + UNKNOWN_ID).with(supervisor())).andExpect(status().isNotFound());
        verify(views).refused("supervisor", UNKNOWN_ID, "no message is known under this messageId");
    }

    /** The list pages by key: the "Older" link carries the last row's key and the filters, and follows on. */
    @Test
    void theOlderLinkCarriesTheLastRowsKeyAndTheFilters() throws Exception {
        for (int i = 0; i < 30; i++) {
            jdbc.update("insert into message_store (message_id, direction, partner, message_type, stored_at, sealed,"
                    + " plaintext_sealed, case_reference) values (?, 'INBOUND', 'spain', 'ALERT', ?, ?, ?, 'OFAST/7')",
                    "page-" + i, Timestamp.from(AT.plusSeconds(i)), new byte[] {1}, new byte[] {0});
        }
        String first = page("/messages?caseReference=OFAST/7", officerSpain());
        assertThat(first).contains("page-29").contains("page-5").doesNotContain("page-4<");
        Matcher older = Pattern.compile("href=\"([^\"]*beforeId=[^\"]*)\"").matcher(first);
        assertThat(older.find()).isTrue();
        String link = older.group(1).replace("&amp;", "&");
        long fifth = jdbc.queryForObject("select id from message_store where message_id = 'page-5'", Long.class);
        assertThat(link).contains("caseReference=OFAST%2F7").contains("before=2026-03-02T10%3A15%3A35Z")
                .endsWith("beforeId=" + fifth);

        String second = page(link, officerSpain());
        assertThat(second).contains("page-4<").contains("page-0<").doesNotContain("page-5<").contains("Newest")
                .doesNotContain("beforeId=");
    }
}
