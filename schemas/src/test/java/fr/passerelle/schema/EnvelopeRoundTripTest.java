package fr.passerelle.schema;

import static org.assertj.core.api.Assertions.assertThat;

import fr.passerelle.schema.envelope.Envelope;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import jakarta.xml.bind.Unmarshaller;
import java.io.StringReader;
import java.io.StringWriter;
import javax.xml.transform.stream.StreamSource;
import org.junit.jupiter.api.Test;

class EnvelopeRoundTripTest {

    @Test
    void roundTripKeepsRoutingFields() throws Exception {
        Envelope original = unmarshal(Samples.read("asset-tracing-request-to-amon.xml"));

        String xml = marshal(original);
        Samples.validateEnvelope(xml);
        Envelope copy = unmarshal(xml);

        assertThat(copy.getMessageId()).isEqualTo("15b65d33-0b89-4eed-8df0-863a9a386a26");
        assertThat(copy.getMessageId()).isEqualTo(original.getMessageId());
        assertThat(copy.getSender()).isEqualTo("tracfin");
        assertThat(copy.getRecipients().getRecipient()).containsExactly("amon");
        assertThat(copy.getCreatedAt()).isEqualTo(original.getCreatedAt());
        assertThat(copy.getBody().getAttachment().get(0).getContent())
                .isEqualTo(original.getBody().getAttachment().get(0).getContent());
        assertThat(xml).contains("xmlns=\"" + Schemas.ENVELOPE_NS + "\"");
    }

    @Test
    void jaxbContextIsShared() {
        assertThat(Schemas.jaxbContext()).isSameAs(Schemas.jaxbContext());
        assertThat(Schemas.envelopeSchema()).isSameAs(Schemas.envelopeSchema());
    }

    private static Envelope unmarshal(String xml) throws JAXBException {
        Unmarshaller unmarshaller = Schemas.jaxbContext().createUnmarshaller();
        unmarshaller.setSchema(Schemas.envelopeSchema());
        return (Envelope) unmarshaller.unmarshal(new StreamSource(new StringReader(xml)));
    }

    private static String marshal(Envelope envelope) throws JAXBException {
        Marshaller marshaller = Schemas.jaxbContext().createMarshaller();
        marshaller.setSchema(Schemas.envelopeSchema());
        StringWriter out = new StringWriter();
        marshaller.marshal(envelope, out);
        return out.toString();
    }
}
