package fr.passerelle.routes.inbound;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.GregorianCalendar;
import java.util.HexFormat;
import java.util.TimeZone;

import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;

import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.Credential;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.receipt.Receipt;
import fr.passerelle.schema.receipt.ReceiptStatus;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;

/**
 * Signed receipts: a {@code urn:passerelle:receipt:1} document (messageId, SHA-256 of the sealed bytes received,
 * time) inside a CMS SignedData by our signing key, so the sender can prove delivery with our certificate alone.
 */
public final class Receipts {

    private final CmsProfile cms;
    private final Credential signer;
    private final String receiver;

    public Receipts(CmsProfile cms, Credential signer, String receiver) {
        this.cms = cms;
        this.signer = signer;
        this.receiver = receiver;
    }

    /** A DER SignedData over the XML receipt of an accepted message. */
    public byte[] accepted(String messageId, String sender, byte[] sealed, Instant receivedAt) {
        Receipt receipt = new Receipt();
        receipt.setMessageId(messageId);
        receipt.setSha256(sha256Hex(sealed));
        receipt.setReceivedAt(xmlTime(receivedAt));
        receipt.setReceiver(receiver);
        receipt.setSender(sender);
        receipt.setStatus(ReceiptStatus.ACCEPTED);
        return cms.sign(marshal(receipt), signer);
    }

    /** Lowercase hexadecimal SHA-256 of the bytes. */
    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    private static byte[] marshal(Receipt receipt) {
        try {
            Marshaller marshaller = Schemas.jaxbContext().createMarshaller();
            marshaller.setSchema(Schemas.receiptSchema());
            marshaller.setProperty(Marshaller.JAXB_ENCODING, "UTF-8");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            marshaller.marshal(receipt, out);
            return out.toByteArray();
        } catch (JAXBException e) {
            throw new IllegalStateException("cannot write a receipt: " + e.getMessage(), e);
        }
    }

    private static javax.xml.datatype.XMLGregorianCalendar xmlTime(Instant instant) {
        GregorianCalendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        calendar.setTimeInMillis(instant.toEpochMilli());
        try {
            return DatatypeFactory.newInstance().newXMLGregorianCalendar(calendar);
        } catch (DatatypeConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
