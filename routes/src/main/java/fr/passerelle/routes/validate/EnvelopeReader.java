package fr.passerelle.routes.validate;

import java.io.IOException;

import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Validator;

import org.w3c.dom.Document;
import org.xml.sax.SAXException;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.seal.XmlDocuments;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.envelope.Envelope;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;

/**
 * Turns untrusted bytes into a validated {@link Envelope}: size limit first, then a parser that refuses any
 * DOCTYPE ({@link XmlDocuments}: no entity expansion, no external entity can ever be resolved), then the
 * envelope XSD, then JAXB binding of the already-parsed tree.
 */
public final class EnvelopeReader {

    /**
     * One hardened validator per thread: a validator is not thread-safe but can validate one document after
     * another, and the compiled schema it comes from is shared.
     */
    private static final ThreadLocal<Validator> VALIDATORS =
            ThreadLocal.withInitial(() -> Schemas.newValidator(Schemas.envelopeSchema()));

    private final int maxBytes;

    public EnvelopeReader(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive");
        }
        this.maxBytes = maxBytes;
    }

    /** Reads and validates; throws a {@link GatewayException} naming what is wrong. */
    public Envelope read(byte[] xml) {
        if (xml == null || xml.length == 0) {
            throw new GatewayException(ReasonCode.MALFORMED_XML, "the message is empty");
        }
        if (xml.length > maxBytes) {
            throw new GatewayException(ReasonCode.MESSAGE_TOO_LARGE,
                    "the message has " + xml.length + " bytes; the limit is " + maxBytes);
        }
        Document document = XmlDocuments.parse(xml);
        validate(document);
        try {
            Object bound = Schemas.jaxbContext().createUnmarshaller().unmarshal(document);
            Object value = bound instanceof JAXBElement<?> element ? element.getValue() : bound;
            if (value instanceof Envelope envelope) {
                return envelope;
            }
            throw new GatewayException(ReasonCode.SCHEMA_INVALID, "the root element is not an Envelope");
        } catch (JAXBException e) {
            throw new GatewayException(ReasonCode.SCHEMA_INVALID, "the envelope cannot be bound: " + e.getMessage());
        }
    }

    private static void validate(Document document) {
        try {
            VALIDATORS.get().validate(new DOMSource(document));
        } catch (SAXException e) {
            throw new GatewayException(ReasonCode.SCHEMA_INVALID, e.getMessage());
        } catch (IOException e) {
            throw new GatewayException(ReasonCode.SCHEMA_INVALID, "cannot validate: " + e.getMessage());
        }
    }
}
