package fr.passerelle.routes.channel;

import static fr.passerelle.routes.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.Credential;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.receipt.Receipt;
import fr.passerelle.schema.receipt.ReceiptStatus;
import jakarta.xml.bind.Marshaller;

/** A partner's signed receipt: accepted only when it proves that partner took exactly the message we sent. */
class ReceiptCheckTest {

    private static final byte[] SEALED = "sealed bytes as sent to spain".getBytes(StandardCharsets.UTF_8);

    private final CmsProfile cms = new CmsProfile();
    private final Credential spainSigner = TestPki.identity("spain").signing();
    private final Receipts spainReceipts = new Receipts(cms, spainSigner, "spain");
    private final Partner spain = TestPki.partner("spain");
    private final ReceiptCheck check = new ReceiptCheck(cms, "fr");
    private final String messageId = UUID.randomUUID().toString();

    @Test
    void acceptsSpainsReceiptForTheBytesWeSent() {
        byte[] receipt = spainReceipts.accepted(messageId, "fr", SEALED, Instant.now());

        assertThat(check.verify(receipt, spain, messageId, SEALED)).isEqualTo(receipt);
    }

    /** Forgery: another partner signs a receipt in spain's name. */
    @Test
    void refusesAReceiptSignedByAnotherParty() {
        byte[] receipt = new Receipts(cms, TestPki.identity("morocco").signing(), "spain")
                .accepted(messageId, "fr", SEALED, Instant.now());

        assertRefused(() -> check.verify(receipt, spain, messageId, SEALED), ReasonCode.RECEIPT_INVALID)
                .hasMessageStartingWith("CERT_UNKNOWN_CA: ");
    }

    /** Spain's TLS key is not meant to sign: a stolen TLS key must not be able to forge receipts. */
    @Test
    void refusesAReceiptSignedWithSpainsTlsKey() {
        byte[] receipt = new Receipts(cms, TestPki.credential("spain", "tls"), "spain")
                .accepted(messageId, "fr", SEALED, Instant.now());

        assertRefused(() -> check.verify(receipt, spain, messageId, SEALED), ReasonCode.RECEIPT_INVALID)
                .hasMessageStartingWith("CERT_WRONG_USAGE: ");
    }

    /** Replay: a genuine receipt for another message. */
    @Test
    void refusesAReceiptForAnotherMessage() {
        byte[] receipt = spainReceipts.accepted(UUID.randomUUID().toString(), "fr", SEALED, Instant.now());

        assertRefused(() -> check.verify(receipt, spain, messageId, SEALED), ReasonCode.RECEIPT_INVALID)
                .hasMessageContaining("messageId");
    }

    /** The partner received other bytes than we sent (altered in transit, or a different message). */
    @Test
    void refusesAReceiptForOtherBytes() {
        byte[] receipt = spainReceipts.accepted(messageId, "fr", "other bytes".getBytes(StandardCharsets.UTF_8),
                Instant.now());

        assertRefused(() -> check.verify(receipt, spain, messageId, SEALED), ReasonCode.RECEIPT_INVALID)
                .hasMessageContaining("sha256").hasMessageContaining(Receipts.sha256Hex(SEALED));
    }

    /** Spain's key signing a receipt that says another party received the message. */
    @Test
    void refusesAReceiptNamingAnotherReceiver() {
        byte[] receipt = new Receipts(cms, spainSigner, "morocco").accepted(messageId, "fr", SEALED, Instant.now());

        assertRefused(() -> check.verify(receipt, spain, messageId, SEALED), ReasonCode.RECEIPT_INVALID)
                .hasMessageContaining("receiver is morocco");
    }

    /** A receipt for a message someone else sent under the same id. */
    @Test
    void refusesAReceiptNamingAnotherSender() {
        byte[] receipt = spainReceipts.accepted(messageId, "europol", SEALED, Instant.now());

        assertRefused(() -> check.verify(receipt, spain, messageId, SEALED), ReasonCode.RECEIPT_INVALID)
                .hasMessageContaining("sender is europol");
    }

    /** A signed rejection is not a proof of delivery. */
    @Test
    void refusesARejection() throws Exception {
        Receipt rejection = receipt();
        rejection.setStatus(ReceiptStatus.REJECTED);
        rejection.setReasonCode("SIGNATURE_INVALID");
        byte[] receipt = cms.sign(marshal(rejection), spainSigner);

        assertRefused(() -> check.verify(receipt, spain, messageId, SEALED), ReasonCode.RECEIPT_INVALID)
                .hasMessageContaining("REJECTED SIGNATURE_INVALID");
    }

    @Test
    void refusesAnAnswerThatIsNotCms() {
        byte[] garbage = "<html>Service Unavailable</html>".getBytes(StandardCharsets.UTF_8);

        assertRefused(() -> check.verify(garbage, spain, messageId, SEALED), ReasonCode.RECEIPT_INVALID)
                .hasMessageStartingWith("NOT_SIGNED: ");
    }

    @Test
    void refusesAnEmptyAnswer() {
        assertRefused(() -> check.verify(new byte[0], spain, messageId, SEALED), ReasonCode.RECEIPT_INVALID)
                .hasMessage("no receipt");
    }

    /** Spain's signature on something that is not a receipt proves nothing about our message. */
    @Test
    void refusesSignedXmlThatIsNotAReceipt() {
        byte[] signed = cms.sign("<note xmlns=\"urn:example\">received</note>".getBytes(StandardCharsets.UTF_8),
                spainSigner);

        assertRefused(() -> check.verify(signed, spain, messageId, SEALED), ReasonCode.RECEIPT_INVALID)
                .hasMessageContaining("not a urn:passerelle:receipt:1 receipt");
    }

    /** Entity expansion or external entities in a receipt: any DOCTYPE is refused before the schema is applied. */
    @Test
    void refusesASignedReceiptWithADoctype() throws Exception {
        String xml = new String(marshal(receipt()), StandardCharsets.UTF_8);
        String withDoctype = xml.replaceFirst("\\?>", "?><!DOCTYPE Receipt [<!ENTITY us \"fr\">]>")
                .replace("<sender>fr</sender>", "<sender>&us;</sender>");
        byte[] signed = cms.sign(withDoctype.getBytes(StandardCharsets.UTF_8), spainSigner);

        assertRefused(() -> check.verify(signed, spain, messageId, SEALED), ReasonCode.RECEIPT_INVALID)
                .hasMessageStartingWith("MALFORMED_XML: ").hasMessageContaining("DOCTYPE");
    }

    /** A valid receipt of our message, to alter. */
    private Receipt receipt() throws Exception {
        byte[] signed = spainReceipts.accepted(messageId, "fr", SEALED, Instant.now());
        return (Receipt) Schemas.jaxbContext().createUnmarshaller()
                .unmarshal(new ByteArrayInputStream(cms.verify(signed, spain.trust()).content()));
    }

    private static byte[] marshal(Receipt receipt) throws Exception {
        Marshaller marshaller = Schemas.jaxbContext().createMarshaller();
        marshaller.setSchema(Schemas.receiptSchema());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        marshaller.marshal(receipt, out);
        return out.toByteArray();
    }
}
