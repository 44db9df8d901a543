package fr.passerelle.routes.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;

import java.util.List;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

import fr.passerelle.routes.ErrorHandling;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.Headers;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.RecordingAudit;
import fr.passerelle.routes.RecordingStore;
import fr.passerelle.routes.TestParties;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.SecurityProfiles;
import fr.passerelle.routes.seal.Opened;
import fr.passerelle.routes.validate.EnvelopeReader;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.receipt.Receipt;
import fr.passerelle.schema.receipt.ReceiptStatus;

/** The inbound route with the national queues and the quarantine replaced by mock endpoints. */
class InboundRoutesTest extends CamelTestSupport {

    private final RecordingAudit audit = new RecordingAudit();
    private final RecordingStore store = new RecordingStore();
    private final CmsProfile cms = new CmsProfile();
    private final MemoryIdempotentRepository replays = new MemoryIdempotentRepository();

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        var parties = TestParties.sample();
        return new RoutesBuilder[] {
            new ErrorHandling(audit, "mock:quarantine", "mock:notice"),
            new InboundRoutes(parties, new EnvelopeReader(1024 * 1024), new SecurityProfiles(List.of(cms)),
                    new Receipts(cms, parties.identity().signing(), "fr"), replays, audit, store, Clock.systemUTC())
        };
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected void doPostSetup() throws Exception {
        AdviceWith.adviceWith(context, "inbound-receive",
                route -> route.weaveById("inbound-deliver").replace().to("mock:national"));
        context.start();
    }

    private Exchange post(String partner, byte[] sealed) {
        return template.send(InboundRoutes.ENTRY, exchange -> {
            exchange.setProperty(Headers.CLIENT_PARTNER, partner);
            exchange.getIn().setBody(sealed);
        });
    }

    private byte[] sealedBy(String signer, String sample) throws Exception {
        return cms.seal(Files.readAllBytes(TestPki.sample(sample)), TestPki.credential(signer, "sign"),
                TestPki.partner("fr").currentEncryption());
    }

    /** Spain posts its sample report; expects delivery to ofast and a receipt signed by fr over those bytes. */
    @Test
    void deliversToOfastAndAnswersWithASignedReceipt() throws Exception {
        MockEndpoint national = getMockEndpoint("mock:national");
        national.expectedMessageCount(1);
        byte[] sealed = sealedBy("spain", "intel-report-from-spain.xml");

        Exchange result = post("spain", sealed);

        assertThat(result.getException()).isNull();
        MockEndpoint.assertIsSatisfied(context);
        Exchange delivered = national.getReceivedExchanges().get(0);
        assertThat(delivered.getProperty("passerelleTargetService")).isEqualTo("ofast");
        assertThat(delivered.getIn().getBody(String.class))
                .isEqualTo(Files.readString(TestPki.sample("intel-report-from-spain.xml")));
        assertThat(delivered.getIn().getHeader(Headers.PARTNER)).isEqualTo("spain");

        Opened receipt = cms.verify(result.getMessage().getBody(byte[].class),
                TestPki.partner("fr").trust());
        Receipt parsed = (Receipt) Schemas.jaxbContext().createUnmarshaller()
                .unmarshal(new ByteArrayInputStream(receipt.content()));
        assertThat(parsed.getMessageId()).isEqualTo("992ff21b-371f-4039-94db-124e3e6f7d03");
        assertThat(parsed.getSha256()).isEqualTo(Receipts.sha256Hex(sealed));
        assertThat(parsed.getStatus()).isEqualTo(ReceiptStatus.ACCEPTED);
        assertThat(parsed.getReceiver()).isEqualTo("fr");
        assertThat(audit.events()).containsSubsequence(AuditEvent.INBOUND_RECEIVED, AuditEvent.INBOUND_OPENED,
                AuditEvent.INBOUND_DELIVERED, AuditEvent.RECEIPT_ISSUED);
        assertThat(store.stored()).singleElement().satisfies(stored -> {
            assertThat(stored.direction()).isEqualTo(fr.passerelle.routes.store.MessageStore.Direction.INBOUND);
            assertThat(stored.sealed()).isEqualTo(sealed);
            assertThat(stored.plaintext()).isEqualTo(Files.readAllBytes(TestPki.sample("intel-report-from-spain.xml")));
            assertThat(stored.receipt()).isEqualTo(result.getMessage().getBody(byte[].class));
        });
    }

    /**
     * The same sealed bytes posted twice, as a partner does when our receipt did not reach it: delivered once, and
     * the second post gets the very receipt of the first.
     */
    @Test
    void answersTheSameMessageAgainWithItsFirstReceiptAndDeliversItOnce() throws Exception {
        MockEndpoint national = getMockEndpoint("mock:national");
        national.expectedMessageCount(1);
        byte[] sealed = sealedBy("spain", "intel-report-from-spain.xml");

        Exchange first = post("spain", sealed);
        Exchange second = post("spain", sealed);

        assertThat(first.getException()).isNull();
        assertThat(second.getException()).isNull();
        assertThat(second.getMessage().getBody(byte[].class)).isEqualTo(first.getMessage().getBody(byte[].class));
        MockEndpoint.assertIsSatisfied(context);
        assertThat(audit.events()).contains(AuditEvent.INBOUND_REPEATED);
        assertThat(store.stored()).hasSize(1);
    }

    /** Replay with other bytes: a new seal of a message whose messageId was already accepted is refused. */
    @Test
    void refusesAnotherMessageUnderAMessageIdAlreadyAccepted() throws Exception {
        MockEndpoint national = getMockEndpoint("mock:national");
        national.expectedMessageCount(1);

        assertThat(post("spain", sealedBy("spain", "intel-report-from-spain.xml")).getException()).isNull();
        assertRefused(post("spain", sealedBy("spain", "intel-report-from-spain.xml")), ReasonCode.DUPLICATE_MESSAGE);

        MockEndpoint.assertIsSatisfied(context);
    }

    /** A messageId recorded by the replay guard whose stored copy is gone (retention) is still refused. */
    @Test
    void refusesAMessageIdTheReplayGuardRemembers() throws Exception {
        getMockEndpoint("mock:national").expectedMessageCount(0);
        replays.add("spain/992ff21b-371f-4039-94db-124e3e6f7d03");

        assertRefused(post("spain", sealedBy("spain", "intel-report-from-spain.xml")), ReasonCode.DUPLICATE_MESSAGE);

        MockEndpoint.assertIsSatisfied(context);
    }

    /** Impersonation: Morocco's signature on a message arriving over Spain's TLS identity. */
    @Test
    void refusesASignatureFromAnotherPartner() throws Exception {
        getMockEndpoint("mock:national").expectedMessageCount(0);

        assertRefused(post("spain", sealedBy("morocco", "intel-report-from-spain.xml")), ReasonCode.CERT_UNKNOWN_CA);
        MockEndpoint.assertIsSatisfied(context);
    }

    /** Spoofing inside the envelope: Spain signs a message claiming to come from ofast. */
    @Test
    void refusesAnEnvelopeWhoseSenderIsNotThePartner() throws Exception {
        getMockEndpoint("mock:national").expectedMessageCount(0);

        assertRefused(post("spain", sealedBy("spain", "intel-report-to-spain.xml")), ReasonCode.SENDER_NOT_PARTNER);
        MockEndpoint.assertIsSatisfied(context);
    }

    /** A failed delivery does not burn the messageId: the partner may resend once the gateway recovers. */
    @Test
    void aRefusedMessageCanBeSentAgainOnceCorrected() throws Exception {
        byte[] bad = sealedBy("morocco", "intel-report-from-spain.xml");
        assertRefused(post("spain", bad), ReasonCode.CERT_UNKNOWN_CA);

        assertThat(post("spain", sealedBy("spain", "intel-report-from-spain.xml")).getException()).isNull();
    }

    /** Routing: an envelope addressed to douane goes to douane, not to the default service. */
    @Test
    void routesToTheRecipientService() throws Exception {
        MockEndpoint national = getMockEndpoint("mock:national");
        national.expectedMessageCount(1);
        String toDouane = Files.readString(TestPki.sample("intel-report-from-spain.xml"))
                .replace("<recipient>ofast</recipient>", "<recipient>douane</recipient>");
        byte[] sealed = cms.seal(toDouane.getBytes(StandardCharsets.UTF_8), TestPki.credential("spain", "sign"),
                TestPki.partner("fr").currentEncryption());

        assertThat(post("spain", sealed).getException()).isNull();

        MockEndpoint.assertIsSatisfied(context);
        assertThat(national.getReceivedExchanges().get(0).getProperty("passerelleTargetService")).isEqualTo("douane");
    }

    private void assertRefused(Exchange result, ReasonCode reason) {
        assertThat(result.getException()).isInstanceOf(GatewayException.class);
        assertThat(((GatewayException) result.getException()).reason()).isEqualTo(reason);
        assertThat(audit.events()).contains(AuditEvent.MESSAGE_REFUSED);
        MockEndpoint quarantine = getMockEndpoint("mock:quarantine");
        Exchange last = quarantine.getReceivedExchanges().get(quarantine.getReceivedExchanges().size() - 1);
        assertThat(last.getIn().getHeader(Headers.REASON_CODE)).isEqualTo(reason.name());
        assertThat(last.getIn().getHeader(Headers.PARTNER)).isEqualTo("spain");
    }
}
