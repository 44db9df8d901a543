package fr.passerelle.routes.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.jms.JmsConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import fr.passerelle.routes.ErrorHandling;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.RecordingAudit;
import fr.passerelle.routes.RecordingStore;
import fr.passerelle.routes.TestParties;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.store.MessageStore;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.SecurityProfiles;
import fr.passerelle.routes.seal.Opened;
import fr.passerelle.routes.validate.EnvelopeReader;

/** The outbound process route with the partner queue and the quarantine replaced by mock endpoints. */
class OutboundRoutesTest extends CamelTestSupport {

    private final RecordingAudit audit = new RecordingAudit();
    private final RecordingStore store = new RecordingStore();
    private static final MessageStore.Summary ALERT = MessageStore.Summary.ofType("ALERT");
    private static final MessageStore.Summary INTEL_REPORT = MessageStore.Summary.ofType("INTEL_REPORT");

    private final CmsProfile cms = new CmsProfile();

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] {
            new ErrorHandling(audit, "mock:quarantine", "mock:notice"),
            new OutboundRoutes(TestParties.sample(), new EnvelopeReader(64 * 1024), new SecurityProfiles(List.of(cms)), audit, store, Clock.systemUTC())
        };
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    private void start() throws Exception {
        for (String service : TestParties.SERVICES) {
            AdviceWith.adviceWith(context, "outbound-" + service + "-receive",
                    route -> route.replaceFromWith("direct:national-" + service + "-out"));
            AdviceWith.adviceWith(context, "outbound-" + service + "-urgent",
                    route -> route.replaceFromWith("direct:national-" + service + "-urgent"));
        }
        AdviceWith.adviceWith(context, "outbound-process",
                route -> route.weaveById("outbound-deliver").replace().to("mock:partner"));
        context.start();
    }

    private Exchange send(byte[] body, String brokerUser, String service) {
        return send(body, brokerUser, service, "arrival-" + java.util.UUID.randomUUID());
    }

    private Exchange send(byte[] body, String brokerUser, String service, String arrival) {
        return template.send("direct:outbound", exchange -> {
            exchange.setProperty(Headers.ARRIVAL_ID, arrival);
            exchange.setProperty(Headers.BROKER_USER, brokerUser);
            exchange.setProperty(Headers.SERVICE, service);
            exchange.getIn().setBody(body);
        });
    }

    private static byte[] sample(String name) throws Exception {
        return Files.readAllBytes(TestPki.sample(name));
    }

    /** The sample intel report for Spain with every match of {@code regex} replaced. */
    private static byte[] intelReportWith(String regex, String replacement) throws Exception {
        return new String(sample("intel-report-to-spain.xml"), StandardCharsets.UTF_8).replaceAll(regex, replacement)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Sends the sample intel report as ofast; expects one sealed message for Spain that Spain can open. */
    @Test
    void sealsTheSampleForSpain() throws Exception {
        start();
        MockEndpoint partner = getMockEndpoint("mock:partner");
        partner.expectedMessageCount(1);
        MockEndpoint quarantine = getMockEndpoint("mock:quarantine");
        quarantine.expectedMessageCount(0);
        byte[] envelope = sample("intel-report-to-spain.xml");

        send(envelope, "ofast", "ofast");

        MockEndpoint.assertIsSatisfied(context);
        Exchange delivered = partner.getReceivedExchanges().get(0);
        assertThat(delivered.getIn().getHeader(Headers.PARTNER)).isEqualTo("spain");
        assertThat(delivered.getIn().getHeader("JMSPriority")).isEqualTo(4);
        byte[] sealed = delivered.getIn().getBody(byte[].class);
        Opened opened = cms.open(sealed, TestPki.identity("spain").decryption(),
                TestPki.partner("fr").trust());
        assertThat(opened.content()).isEqualTo(envelope);
        assertThat(audit.events()).containsSubsequence(AuditEvent.OUTBOUND_RECEIVED, AuditEvent.OUTBOUND_SEALED,
                AuditEvent.OUTBOUND_QUEUED);
        assertThat(store.stored()).singleElement().satisfies(stored -> {
            assertThat(stored.partner()).isEqualTo("spain");
            assertThat(stored.sealed()).isEqualTo(sealed);
            assertThat(stored.plaintext()).isEqualTo(envelope);
        });
    }

    /**
     * One message for Spain and Benelux; expects a copy sealed for each, queued to each partner's own queue, each
     * stored and audited, in the order of the recipients.
     */
    @Test
    void sealsAndQueuesACopyForEachRecipient() throws Exception {
        start();
        MockEndpoint partner = getMockEndpoint("mock:partner");
        partner.expectedMessageCount(2);
        byte[] envelope = intelReportWith("<recipient>spain</recipient>",
                "<recipient>spain</recipient><recipient>benelux</recipient>");

        send(envelope, "ofast", "ofast");

        MockEndpoint.assertIsSatisfied(context);
        List<String> partners = List.of("spain", "benelux");
        for (int i = 0; i < partners.size(); i++) {
            Exchange delivered = partner.getReceivedExchanges().get(i);
            String id = partners.get(i);
            assertThat(delivered.getIn().getHeader(Headers.PARTNER)).isEqualTo(id);
            assertThat(delivered.getIn().getHeader(JmsConstants.JMS_DESTINATION_NAME))
                    .isEqualTo("partner." + id + ".out");
            assertThat(cms.open(delivered.getIn().getBody(byte[].class), TestPki.identity(id).decryption(),
                    TestPki.partner("fr").trust()).content()).isEqualTo(envelope);
        }
        assertThat(audit.writes()).containsExactly(List.of(AuditEvent.OUTBOUND_RECEIVED, AuditEvent.OUTBOUND_SEALED,
                AuditEvent.OUTBOUND_SEALED, AuditEvent.OUTBOUND_QUEUED, AuditEvent.OUTBOUND_QUEUED));
        assertThat(store.stored()).extracting(RecordingStore.Stored::partner).containsExactly("spain", "benelux");
    }

    /** The records of one message's step reach the trail in one write, at the end of the step. */
    @Test
    void writesTheStepsRecordsTogether() throws Exception {
        start();
        getMockEndpoint("mock:partner").expectedMessageCount(1);

        send(sample("intel-report-to-spain.xml"), "ofast", "ofast");

        MockEndpoint.assertIsSatisfied(context);
        assertThat(audit.writes()).containsExactly(List.of(AuditEvent.OUTBOUND_RECEIVED, AuditEvent.OUTBOUND_SEALED,
                AuditEvent.OUTBOUND_QUEUED));
    }

    /**
     * The partner queue fails (the broker is gone): the step rolls back, and what it did until then, reading the
     * message and storing its sealed copy, is in the trail all the same.
     */
    @Test
    void aStepThatRollsBackStillWritesWhatItDid() throws Exception {
        start();
        getMockEndpoint("mock:partner").whenAnyExchangeReceived(exchange -> {
            throw new IllegalStateException("the broker is gone");
        });

        Exchange result = send(sample("intel-report-to-spain.xml"), "ofast", "ofast");

        assertThat(result.getException()).isInstanceOf(IllegalStateException.class);
        assertThat(audit.writes()).containsExactly(List.of(AuditEvent.OUTBOUND_RECEIVED, AuditEvent.OUTBOUND_SEALED));
        assertThat(store.stored()).hasSize(1);
    }

    /** A refused message: what the step recorded and the quarantine itself, in one write, in that order. */
    @Test
    void writesTheQuarantineWithWhatTheStepRecorded() throws Exception {
        start();
        byte[] envelope = sample("intel-report-to-spain.xml");
        send(envelope, "ofast", "ofast", "arrival-1");
        audit.writes().clear();

        send(envelope, "ofast", "ofast", "arrival-2");

        assertThat(audit.writes()).containsExactly(List.of(AuditEvent.OUTBOUND_RECEIVED,
                AuditEvent.MESSAGE_QUARANTINED));
    }

    /**
     * The same national message delivered twice, as after a crash before the broker commit: the copy sealed the
     * first time is queued again, not the new seal, and the store keeps one copy.
     */
    @Test
    void aRedeliveredMessageSendsTheCopySealedFirst() throws Exception {
        start();
        MockEndpoint partner = getMockEndpoint("mock:partner");
        partner.expectedMessageCount(2);
        byte[] envelope = sample("intel-report-to-spain.xml");

        send(envelope, "ofast", "ofast", "arrival-1");
        send(envelope, "ofast", "ofast", "arrival-1");

        MockEndpoint.assertIsSatisfied(context);
        byte[] first = partner.getReceivedExchanges().get(0).getIn().getBody(byte[].class);
        assertThat(partner.getReceivedExchanges().get(1).getIn().getBody(byte[].class)).isEqualTo(first);
        assertThat(store.stored()).hasSize(1);
        assertThat(audit.events()).containsOnlyOnce(AuditEvent.OUTBOUND_SEALED).contains(AuditEvent.OUTBOUND_ALREADY_SEALED);
    }

    /** A service sends a second message under a messageId it already used; expects DUPLICATE_MESSAGE, nothing sent. */
    @Test
    void quarantinesASecondMessageUnderTheSameMessageId() throws Exception {
        byte[] envelope = sample("intel-report-to-spain.xml");
        store.store(MessageStore.Direction.OUTBOUND, "723b28e9-b340-46c1-be11-da3b671bf037", "spain", INTEL_REPORT,
                new byte[] {1}, envelope, null,
                "an-earlier-arrival");

        assertQuarantined(envelope, "ofast", "ofast", ReasonCode.DUPLICATE_MESSAGE);
        assertThat(store.stored()).hasSize(1);
    }

    /** Sends as douane an envelope whose sender is ofast; expects quarantine with SENDER_MISMATCH. */
    @Test
    void quarantinesAnEnvelopeSentUnderAnotherName() throws Exception {
        assertQuarantined(sample("intel-report-to-spain.xml"), "douane", "ofast", ReasonCode.SENDER_MISMATCH);
    }

    /** Sends a document with an external entity; expects quarantine with MALFORMED_XML and nothing read. */
    @Test
    void quarantinesADocumentWithADoctype() throws Exception {
        byte[] xxe = ("<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<Envelope xmlns=\"urn:passerelle:envelope:1\">&x;</Envelope>").getBytes(StandardCharsets.UTF_8);
        assertQuarantined(xxe, "ofast", "ofast", ReasonCode.MALFORMED_XML);
    }

    /** Sends an envelope missing required fields; expects SCHEMA_INVALID. */
    @Test
    void quarantinesAnInvalidEnvelope() throws Exception {
        byte[] invalid = intelReportWith("<messageType>[A-Z_]+</messageType>", "<messageType>GOSSIP</messageType>");
        assertQuarantined(invalid, "ofast", "ofast", ReasonCode.SCHEMA_INVALID);
    }

    /** Sends an envelope for a partner that is not configured; expects UNKNOWN_PARTNER and nothing sent. */
    @Test
    void quarantinesAnEnvelopeForAnUnknownPartner() throws Exception {
        byte[] unknown = intelReportWith("<recipient>spain</recipient>", "<recipient>atlantis</recipient>");
        assertQuarantined(unknown, "ofast", "ofast", ReasonCode.UNKNOWN_PARTNER);
    }

    /** An IMMEDIATE envelope is queued with the highest JMS priority, so that it overtakes a backlog. */
    @Test
    void anImmediateMessageGetsTheHighestPriority() throws Exception {
        start();
        MockEndpoint partner = getMockEndpoint("mock:partner");
        partner.expectedMessageCount(1);
        byte[] immediate = intelReportWith("<priority>[A-Z]+</priority>", "<priority>IMMEDIATE</priority>");

        send(immediate, "ofast", "ofast");

        MockEndpoint.assertIsSatisfied(context);
        assertThat(partner.getReceivedExchanges().get(0).getIn().getHeader("JMSPriority")).isEqualTo(9);
    }

    /** A message past its expiresAt is never sent: quarantined with EXPIRED. */
    @Test
    void quarantinesAnExpiredMessage() throws Exception {
        String text = new String(sample("intel-report-to-spain.xml"), StandardCharsets.UTF_8);
        String expired = text.contains("<expiresAt>")
                ? text.replaceAll("<expiresAt>[^<]+</expiresAt>", "<expiresAt>2020-01-01T00:00:00Z</expiresAt>")
                : text.replace("<body>", "<expiresAt>2020-01-01T00:00:00Z</expiresAt>\n  <body>");
        assertQuarantined(expired.getBytes(StandardCharsets.UTF_8), "ofast", "ofast", ReasonCode.EXPIRED);
    }

    /** Sends more than the size limit; expects MESSAGE_TOO_LARGE before any parsing. */
    @Test
    void quarantinesAnOversizedMessage() throws Exception {
        assertQuarantined(new byte[64 * 1024 + 1], "ofast", "ofast", ReasonCode.MESSAGE_TOO_LARGE);
    }

    /**
     * A service writes its own values under the headers a release from quarantine relies on; expects the quarantined
     * copy to carry what the broker said instead: the account, the arrival id and the service of the queue; and the
     * message's JMS priority, which the quarantine's own copy does not keep.
     */
    @Test
    void theQuarantinedCopyKeepsWhatTheBrokerSaidNotWhatTheServiceWrote() throws Exception {
        start();
        MockEndpoint quarantine = getMockEndpoint("mock:quarantine");
        quarantine.expectedMessageCount(1);
        byte[] envelope = sample("intel-report-to-spain.xml");

        template.send("direct:outbound", exchange -> {
            exchange.setProperty(Headers.ARRIVAL_ID, "arrival-7");
            exchange.setProperty(Headers.BROKER_USER, "douane");
            exchange.setProperty(Headers.SERVICE, "douane");
            exchange.getIn().setHeader(OutboundRoutes.HELD_BROKER_USER, "ofast");
            exchange.getIn().setHeader(OutboundRoutes.HELD_ARRIVAL_ID, "arrival-of-another-message");
            exchange.getIn().setHeader(Headers.SENDER, "ofast");
            exchange.getIn().setHeader("JMSPriority", 9);
            exchange.getIn().setBody(envelope);
        });

        MockEndpoint.assertIsSatisfied(context);
        Exchange quarantined = quarantine.getReceivedExchanges().get(0);
        assertThat(quarantined.getIn().getHeader(Headers.REASON_CODE)).isEqualTo(ReasonCode.SENDER_MISMATCH.name());
        assertThat(quarantined.getIn().getHeader(OutboundRoutes.HELD_BROKER_USER)).isEqualTo("douane");
        assertThat(quarantined.getIn().getHeader(OutboundRoutes.HELD_ARRIVAL_ID)).isEqualTo("arrival-7");
        assertThat(quarantined.getIn().getHeader(Headers.SENDER)).isEqualTo("douane");
        assertThat(quarantined.getIn().getHeader(ErrorHandling.PRIORITY)).isEqualTo(9);
    }

    private void assertQuarantined(byte[] body, String brokerUser, String service, ReasonCode reason)
            throws Exception {
        start();
        getMockEndpoint("mock:partner").expectedMessageCount(0);
        MockEndpoint quarantine = getMockEndpoint("mock:quarantine");
        quarantine.expectedMessageCount(1);

        Exchange result = send(body, brokerUser, service);

        MockEndpoint.assertIsSatisfied(context);
        assertThat(result.getException()).isNull();
        Exchange quarantined = quarantine.getReceivedExchanges().get(0);
        assertThat(quarantined.getIn().getHeader(Headers.REASON_CODE)).isEqualTo(reason.name());
        assertThat(quarantined.getIn().getHeader(Headers.REASON, String.class)).startsWith(reason.sentence());
        assertThat(quarantined.getIn().getBody(byte[].class)).as("the original message").isEqualTo(body);
        assertThat(quarantined.getIn().getHeader(OutboundRoutes.HELD_BROKER_USER)).isEqualTo(brokerUser);
        assertThat(quarantined.getIn().getHeader(OutboundRoutes.HELD_ARRIVAL_ID, String.class)).startsWith("arrival-");
        assertThat(quarantined.getIn().getHeader(Headers.SENDER)).isEqualTo(service);
        assertThat(audit.events()).contains(AuditEvent.MESSAGE_QUARANTINED);
        Exchange notice = getMockEndpoint("mock:notice").getReceivedExchanges().get(0);
        assertThat(notice.getIn().getHeader(Headers.NOTICE)).isEqualTo("REFUSED");
        assertThat(notice.getIn().getHeader(Headers.REASON_CODE)).isEqualTo(reason.name());
        assertThat(notice.getIn().getBody(String.class)).contains(reason.name()).contains("quarantine");
    }
}
