package fr.passerelle.routes.channel;

import java.io.IOException;
import java.util.Objects;

import javax.xml.transform.dom.DOMSource;

import org.w3c.dom.Document;
import org.xml.sax.SAXException;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.inbound.Receipts;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.Opened;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.XmlDocuments;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.receipt.Receipt;
import fr.passerelle.schema.receipt.ReceiptStatus;
import jakarta.xml.bind.JAXBException;

/**
 * Checks the signed receipt a partner gives back for one of our messages: it is the only proof that the partner
 * took responsibility for exactly the bytes we sent. Every failure is {@link ReasonCode#RECEIPT_INVALID}, with
 * the detail naming what did not hold.
 */
public final class ReceiptCheck {

    private final CmsProfile cms;
    private final String ourId;

    /**
     * @param cms verifies the receipt's CMS signature
     * @param ourId our party id, which the receipt must name as the sender
     */
    public ReceiptCheck(CmsProfile cms, String ourId) {
        this.cms = Objects.requireNonNull(cms, "cms");
        this.ourId = Objects.requireNonNull(ourId, "ourId");
    }

    /**
     * Returns {@code receipt} once it is a SignedData by one of {@code partner}'s signing certificates over a
     * {@code urn:passerelle:receipt:1} document that accepts message {@code messageId}, names the SHA-256 of
     * {@code sealed}, the partner as receiver and us as sender.
     *
     * @throws GatewayException with {@link ReasonCode#RECEIPT_INVALID} otherwise
     */
    public byte[] verify(byte[] receipt, Partner partner, String messageId, byte[] sealed) {
        if (receipt == null || receipt.length == 0) {
            throw invalid("no receipt");
        }
        Opened opened;
        try {
            opened = cms.verify(receipt, partner.trust());
        } catch (GatewayException e) {
            throw invalid(e.reason().name() + ": " + e.detail());
        }
        Receipt parsed = read(opened.content());
        expect("messageId", messageId, parsed.getMessageId());
        expect("sha256", Receipts.sha256Hex(sealed), parsed.getSha256());
        expect("receiver", partner.id(), parsed.getReceiver());
        expect("sender", ourId, parsed.getSender());
        if (parsed.getStatus() != ReceiptStatus.ACCEPTED) {
            throw invalid("the receipt's status is " + parsed.getStatus()
                    + (parsed.getReasonCode() == null ? "" : " " + parsed.getReasonCode()) + ", not ACCEPTED");
        }
        return receipt;
    }

    /** Parses with DOCTYPEs refused, validates against the receipt schema, then binds the validated tree. */
    private static Receipt read(byte[] xml) {
        Document document;
        try {
            document = XmlDocuments.parse(xml);
        } catch (GatewayException e) {
            throw invalid(e.reason().name() + ": " + e.detail());
        }
        try {
            Schemas.newValidator(Schemas.receiptSchema()).validate(new DOMSource(document));
            if (Schemas.jaxbContext().createUnmarshaller().unmarshal(document) instanceof Receipt receipt) {
                return receipt;
            }
        } catch (SAXException | IOException | JAXBException e) {
            throw invalid("the signed content is not a urn:passerelle:receipt:1 receipt: " + e.getMessage());
        }
        throw invalid("the signed content is not a urn:passerelle:receipt:1 receipt");
    }

    private static void expect(String field, String expected, String actual) {
        if (!expected.equals(actual)) {
            throw invalid("the receipt's " + field + " is " + actual + ", expected " + expected);
        }
    }

    private static GatewayException invalid(String detail) {
        return new GatewayException(ReasonCode.RECEIPT_INVALID, detail);
    }
}
