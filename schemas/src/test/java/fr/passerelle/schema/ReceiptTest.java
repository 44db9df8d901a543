package fr.passerelle.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import fr.passerelle.schema.receipt.ObjectFactory;
import fr.passerelle.schema.receipt.Receipt;
import fr.passerelle.schema.receipt.ReceiptStatus;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.Unmarshaller;
import java.io.StringReader;
import java.io.StringWriter;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.transform.stream.StreamSource;
import org.junit.jupiter.api.Test;
import org.xml.sax.SAXException;

class ReceiptTest {

    private static final String SHA256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static final String VALID = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Receipt xmlns="urn:passerelle:receipt:1">
              <messageId>992ff21b-371f-4039-94db-124e3e6f7d03</messageId>
              <sha256>%s</sha256>
              <receivedAt>2026-02-21T18:41:02Z</receivedAt>
              <receiver>passerelle</receiver>
              <sender>spain</sender>
              <status>ACCEPTED</status>
            </Receipt>
            """;

    @Test
    void validReceiptIsAccepted() throws Exception {
        Samples.validateReceipt(VALID.formatted(SHA256));
    }

    @Test
    void badSha256IsRefused() {
        assertThatThrownBy(() -> Samples.validateReceipt(VALID.formatted(SHA256.toUpperCase())))
                .isInstanceOf(SAXException.class);
        assertThatThrownBy(() -> Samples.validateReceipt(VALID.formatted(SHA256.substring(1))))
                .isInstanceOf(SAXException.class);
    }

    @Test
    void rejectedReceiptRoundTrips() throws Exception {
        Receipt receipt = new ObjectFactory().createReceipt();
        receipt.setMessageId("723b28e9-b340-46c1-be11-da3b671bf037");
        receipt.setSha256(SHA256);
        receipt.setReceivedAt(DatatypeFactory.newInstance().newXMLGregorianCalendar("2026-02-03T08:16:00Z"));
        receipt.setReceiver("spain");
        receipt.setSender("ofast");
        receipt.setStatus(ReceiptStatus.REJECTED);
        receipt.setReasonCode("SIGNATURE_INVALID");
        receipt.setReason("Signature does not verify against the sender certificate.");

        Marshaller marshaller = Schemas.jaxbContext().createMarshaller();
        marshaller.setSchema(Schemas.receiptSchema());
        StringWriter out = new StringWriter();
        marshaller.marshal(receipt, out);
        Samples.validateReceipt(out.toString());

        Unmarshaller unmarshaller = Schemas.jaxbContext().createUnmarshaller();
        unmarshaller.setSchema(Schemas.receiptSchema());
        Receipt copy = (Receipt) unmarshaller.unmarshal(new StreamSource(new StringReader(out.toString())));
        assertThat(copy.getStatus()).isEqualTo(ReceiptStatus.REJECTED);
        assertThat(copy.getReasonCode()).isEqualTo("SIGNATURE_INVALID");
        assertThat(copy.getSha256()).isEqualTo(SHA256);
    }
}
