package fr.passerelle.routes.validate;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Validator;

import org.w3c.dom.Document;
import org.xml.sax.SAXException;
import org.xml.sax.SAXNotRecognizedException;
import org.xml.sax.SAXNotSupportedException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.envelope.Envelope;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;

/**
 * Turns untrusted bytes into a validated {@link Envelope}: size limit first, then a parser that refuses any
 * DOCTYPE (so no entity expansion and no external entity can ever be resolved), then the envelope XSD, then
 * JAXB binding of the already-parsed tree.
 */
public final class EnvelopeReader {

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
        Document document = parse(xml);
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

    private static Document parse(byte[] xml) {
        try {
            DocumentBuilder builder = hardenedFactory().newDocumentBuilder();
            builder.setErrorHandler(new DefaultHandler() {
                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            builder.setEntityResolver((publicId, systemId) -> {
                throw new SAXException("external entities are not accepted");
            });
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (SAXException e) {
            throw new GatewayException(ReasonCode.MALFORMED_XML, "not well-formed XML: " + e.getMessage());
        } catch (IOException | ParserConfigurationException e) {
            throw new GatewayException(ReasonCode.MALFORMED_XML, "cannot parse: " + e.getMessage());
        }
    }

    private static void validate(Document document) {
        try {
            Validator validator = Schemas.envelopeSchema().newValidator();
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.validate(new DOMSource(document));
        } catch (SAXNotRecognizedException | SAXNotSupportedException e) {
            throw new IllegalStateException("the XML validator cannot be hardened", e);
        } catch (SAXException e) {
            throw new GatewayException(ReasonCode.SCHEMA_INVALID, e.getMessage());
        } catch (IOException e) {
            throw new GatewayException(ReasonCode.SCHEMA_INVALID, "cannot validate: " + e.getMessage());
        }
    }

    private static DocumentBuilderFactory hardenedFactory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        return factory;
    }
}
