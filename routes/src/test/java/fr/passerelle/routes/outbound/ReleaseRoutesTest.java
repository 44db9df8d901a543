package fr.passerelle.routes.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import fr.passerelle.routes.ErrorHandling;
import fr.passerelle.routes.MemoryCaseRegistry;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.RecordingAudit;
import fr.passerelle.routes.RecordingStore;
import fr.passerelle.routes.TestParties;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;
import fr.passerelle.routes.format.Formats;
import fr.passerelle.routes.format.PartnerFormat;
import fr.passerelle.routes.policy.BodyPart;
import fr.passerelle.routes.policy.PartnerPolicy;
import fr.passerelle.routes.policy.PartnerRules;
import fr.passerelle.routes.review.InMemoryReviewDecisions;
import fr.passerelle.routes.review.ReviewDecision;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.SecurityProfiles;
import fr.passerelle.routes.validate.EnvelopeReader;
import fr.passerelle.schema.envelope.Classification;
import fr.passerelle.schema.envelope.HandlingCode;
import fr.passerelle.schema.envelope.MessageType;

/**
 * The outbound flow with releasability policies: Morocco reviews H2, Benelux may not receive persons, Europol
 * gets the Europol-style XML, Spain only hears from ofast, the Caribbean gets RESTRICTED at most, AMON requires a
 * legal basis and no ALERT, Benelux never H3.
 */
class ReleaseRoutesTest extends CamelTestSupport {

    private final RecordingAudit audit = new RecordingAudit();
    private final RecordingStore store = new RecordingStore();
    private final InMemoryReviewDecisions decisions = new InMemoryReviewDecisions();
    private final CmsProfile cms = new CmsProfile();

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        PartnerPolicy permissive = PartnerPolicy.permissive();
        Map<String, PartnerPolicy> policies = Map.of(
                "morocco", new PartnerPolicy(Classification.CONFIDENTIAL, Set.of(), Set.of(HandlingCode.H2),
                        Set.of(), false, Set.of(), Set.of(), false),
                "benelux", new PartnerPolicy(Classification.CONFIDENTIAL, Set.of(), Set.of(), Set.of(HandlingCode.H3),
                        false, Set.of(BodyPart.VEHICLES, BodyPart.LOCATIONS, BodyPart.FREE_TEXT), Set.of(), false),
                "spain", new PartnerPolicy(Classification.CONFIDENTIAL, Set.of(), Set.of(), Set.of(), false,
                        Set.of(), Set.of("ofast"), false),
                "caribbean", new PartnerPolicy(Classification.RESTRICTED, Set.of(), Set.of(), Set.of(), false,
                        Set.of(), Set.of(), false),
                "amon", new PartnerPolicy(Classification.CONFIDENTIAL, Set.of(MessageType.ASSET_TRACING_REQUEST),
                        Set.of(), Set.of(), true, Set.of(), Set.of(), false),
                "europol", permissive);
        PartnerRules rules = new PartnerRules(policies, Map.of("europol", PartnerFormat.EUROPOL_STYLE));
        return new RoutesBuilder[] {
            new ErrorHandling(audit, "mock:quarantine", "mock:notice"),
            new OutboundRoutes(TestParties.sample(), new EnvelopeReader(64 * 1024),
                    new SecurityProfiles(List.of(cms)), audit, store, Clock.systemUTC(), rules, decisions,
                    new MemoryCaseRegistry())
        };
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected void doPostSetup() throws Exception {
        AdviceWith.adviceWith(context, "outbound-process", route -> {
            route.weaveById("outbound-deliver").replace().to("mock:partner");
            route.weaveById("outbound-review-queue").replace().to("mock:review");
            route.weaveById("outbound-held-notice").replace().to("mock:held-notice");
        });
        for (String service : TestParties.SERVICES) {
            AdviceWith.adviceWith(context, "outbound-" + service + "-receive",
                    route -> route.replaceFromWith("direct:national-" + service + "-out"));
            AdviceWith.adviceWith(context, "outbound-" + service + "-urgent",
                    route -> route.replaceFromWith("direct:national-" + service + "-urgent"));
        }
        context.start();
    }

    private Exchange send(byte[] body, String service) {
        return template.send("direct:outbound", exchange -> {
            exchange.setProperty(Headers.ARRIVAL_ID, "arrival-" + TestPki.messageIdOf(body));
            exchange.setProperty(Headers.BROKER_USER, service);
            exchange.setProperty(Headers.SERVICE, service);
            exchange.setProperty(OutboundRoutes.SUBMITTER, "officer-morocco");
            exchange.getIn().setBody(body);
        });
    }

    private byte[] opened(Exchange delivered, String partner) {
        return cms.open(delivered.getIn().getBody(byte[].class), TestPki.identity(partner).decryption(),
                TestPki.partner("fr").trust()).content();
    }

    /** H2 for Morocco: held in review with its reasons and submitter, the sender told, nothing sent. */
    @Test
    void anH2MessageForMoroccoWaitsForReview() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-h2-to-morocco.xml");
        MockEndpoint review = getMockEndpoint("mock:review");
        review.expectedMessageCount(1);
        getMockEndpoint("mock:partner").expectedMessageCount(0);

        send(envelope, "ofast");

        MockEndpoint.assertIsSatisfied(context);
        Exchange held = review.getReceivedExchanges().get(0);
        assertThat(held.getIn().getBody(byte[].class)).as("the message as the service sent it").isEqualTo(envelope);
        assertThat(held.getIn().getHeader(OutboundRoutes.REVIEW_REASONS, String.class)).contains("H2", "morocco");
        assertThat(held.getIn().getHeader(OutboundRoutes.SUBMITTER)).isEqualTo("officer-morocco");
        assertThat(held.getIn().getHeader(OutboundRoutes.HELD_ARRIVAL_ID)).isEqualTo("arrival-"
                + TestPki.messageIdOf(envelope));
        Exchange notice = getMockEndpoint("mock:held-notice").getReceivedExchanges().get(0);
        assertThat(notice.getIn().getHeader(Headers.NOTICE)).isEqualTo("HELD");
        assertThat(audit.events()).contains(AuditEvent.REVIEW_REQUESTED).doesNotContain(AuditEvent.OUTBOUND_SEALED);
    }

    /** Once approved, the held message handed back to the flow is sealed for Morocco. */
    @Test
    void anApprovedMessageLeaves() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-h2-to-morocco.xml");
        String id = TestPki.messageIdOf(envelope);
        decisions.record(new ReviewDecision(id, true, "supervisor", Instant.now(), "ok"));
        MockEndpoint partner = getMockEndpoint("mock:partner");
        partner.expectedMessageCount(1);

        template.send(OutboundRoutes.REVIEWED, exchange -> {
            exchange.getIn().setBody(envelope);
            exchange.getIn().setHeader(Headers.SENDER, "ofast");
            exchange.getIn().setHeader(OutboundRoutes.HELD_BROKER_USER, "ofast");
            exchange.getIn().setHeader(OutboundRoutes.HELD_ARRIVAL_ID, "arrival-1");
        });

        MockEndpoint.assertIsSatisfied(context);
        assertThat(opened(partner.getReceivedExchanges().get(0), "morocco")).isEqualTo(envelope);
    }

    /** A rejected message sent again is refused with the supervisor's reason. */
    @Test
    void aRejectedMessageIsQuarantinedWithTheComment() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-h2-to-morocco.xml");
        decisions.record(new ReviewDecision(TestPki.messageIdOf(envelope), false, "supervisor", Instant.now(),
                "source must be protected"));

        assertQuarantined(envelope, "ofast", ReasonCode.REVIEW_REJECTED);
        assertThat(lastQuarantined().getIn().getHeader(Headers.REASON, String.class))
                .contains("source must be protected");
    }

    /** Persons for Benelux, which may not receive them: sent without them; the audit names ids, not names. */
    @Test
    void personsAreRemovedForAPartnerWithoutThatPermission() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-with-persons-to-benelux.xml");
        MockEndpoint partner = getMockEndpoint("mock:partner");
        partner.expectedMessageCount(1);

        send(envelope, "ofast");

        MockEndpoint.assertIsSatisfied(context);
        String received = new String(opened(partner.getReceivedExchanges().get(0), "benelux"), StandardCharsets.UTF_8);
        assertThat(received).doesNotContain("<person").doesNotContain("EXEMPLE").contains("<vehicle");
        AuditTrail.Entry redacted = audit.entries().stream()
                .filter(entry -> entry.event() == AuditEvent.CONTENT_REDACTED).findFirst().orElseThrow();
        assertThat(redacted.partner()).isEqualTo("benelux");
        assertThat(redacted.details()).contains("persons", "P1", "P2").doesNotContain("EXEMPLE");
        assertThat(store.stored()).singleElement().satisfies(copy ->
                assertThat(new String(copy.plaintext(), StandardCharsets.UTF_8)).doesNotContain("<person"));
    }

    /**
     * The Benelux message above delivered twice, as after a crash before the broker commit; expects the copy
     * sealed the first time sent both times, and its redaction audited once, with the first seal.
     */
    @Test
    void aRedeliveryAuditsTheRedactionOfTheCopySentOnly() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("intel-report-with-persons-to-benelux.xml");
        MockEndpoint partner = getMockEndpoint("mock:partner");
        partner.expectedMessageCount(2);

        send(envelope, "ofast");
        send(envelope, "ofast");

        MockEndpoint.assertIsSatisfied(context);
        assertThat(partner.getReceivedExchanges().get(1).getIn().getBody(byte[].class))
                .isEqualTo(partner.getReceivedExchanges().get(0).getIn().getBody(byte[].class));
        assertThat(audit.events()).containsSubsequence(AuditEvent.CONTENT_REDACTED, AuditEvent.OUTBOUND_SEALED,
                AuditEvent.OUTBOUND_ALREADY_SEALED).containsOnlyOnce(AuditEvent.CONTENT_REDACTED,
                AuditEvent.OUTBOUND_SEALED);
        assertThat(store.stored()).hasSize(1);
    }

    /** Europol receives the Europol-style rendering, valid against its schema. */
    @Test
    void europolReceivesTheEuropolStyleXml() throws Exception {
        byte[] envelope = TestPki.sampleWithNewId("request-for-information-to-europol.xml");
        MockEndpoint partner = getMockEndpoint("mock:partner");
        partner.expectedMessageCount(1);

        send(envelope, "ofast");

        MockEndpoint.assertIsSatisfied(context);
        byte[] received = opened(partner.getReceivedExchanges().get(0), "europol");
        Formats.europolStyleSchema().newValidator().validate(new javax.xml.transform.stream.StreamSource(
                new java.io.ByteArrayInputStream(received)));
        assertThat(new String(received, StandardCharsets.UTF_8)).contains("urn:passerelle:europol-style:1")
                .contains(TestPki.messageIdOf(envelope));
        assertThat(audit.events()).contains(AuditEvent.OUTBOUND_TRANSFORMED);
    }

    /** Each refusal of the policy lands in quarantine with its own reason, and its sender is told. */
    @Test
    void eachRefusalHasItsOwnReason() throws Exception {
        assertQuarantined(TestPki.sampleWithNewId("intel-report-to-spain.xml"), "douane",
                ReasonCode.SENDER_NOT_AUTHORISED, "<sender>ofast</sender>", "<sender>douane</sender>");
        assertQuarantined(TestPki.sampleWithNewId("seizure-notification-to-caribbean.xml"), "douane",
                ReasonCode.CLASSIFICATION_TOO_HIGH, "<classification>RESTRICTED</classification>",
                "<classification>CONFIDENTIAL</classification>");
        assertQuarantined(TestPki.sampleWithNewId("alert-to-benelux.xml"), null,
                ReasonCode.HANDLING_CODE_FORBIDS_RELEASE, "<handlingCodes>", "<handlingCodes><handlingCode>H3</handlingCode>");
        assertQuarantined(TestPki.sampleWithNewId("asset-tracing-request-to-amon.xml"), null,
                ReasonCode.LEGAL_BASIS_REQUIRED, "<legalBasis>[^<]*</legalBasis>", "");
        assertQuarantined(TestPki.sampleWithNewId("asset-tracing-request-to-amon.xml"), null,
                ReasonCode.MESSAGE_TYPE_NOT_RELEASABLE, "<messageType>ASSET_TRACING_REQUEST</messageType>",
                "<messageType>ALERT</messageType>");
    }

    /** Sends the sample with one change (a regular expression replaced), as its own sender unless told otherwise. */
    private void assertQuarantined(byte[] sample, String service, ReasonCode reason, String pattern,
            String replacement) throws Exception {
        String original = new String(sample, StandardCharsets.UTF_8);
        String text = original.replaceFirst(pattern, replacement);
        assertThat(text).as("the sample changed").isNotEqualTo(original);
        String sender = text.substring(text.indexOf("<sender>") + 8, text.indexOf("</sender>"));
        assertQuarantined(text.getBytes(StandardCharsets.UTF_8), service == null ? sender : service, reason);
    }

    private void assertQuarantined(byte[] body, String service, ReasonCode reason) throws Exception {
        MockEndpoint quarantine = getMockEndpoint("mock:quarantine");
        int before = quarantine.getReceivedCounter();
        int sent = getMockEndpoint("mock:partner").getReceivedCounter();

        send(body, service);

        assertThat(quarantine.getReceivedCounter()).as(reason.name()).isEqualTo(before + 1);
        assertThat(lastQuarantined().getIn().getHeader(Headers.REASON_CODE)).isEqualTo(reason.name());
        assertThat(getMockEndpoint("mock:partner").getReceivedCounter()).isEqualTo(sent);
        Exchange notice = getMockEndpoint("mock:notice").getReceivedExchanges()
                .get(getMockEndpoint("mock:notice").getReceivedCounter() - 1);
        assertThat(notice.getIn().getHeader(Headers.REASON_CODE)).isEqualTo(reason.name());
    }

    private Exchange lastQuarantined() {
        MockEndpoint quarantine = getMockEndpoint("mock:quarantine");
        return quarantine.getReceivedExchanges().get(quarantine.getReceivedCounter() - 1);
    }
}
