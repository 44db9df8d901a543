package fr.passerelle.routes.seal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.apache.xml.security.c14n.CanonicalizationException;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.c14n.InvalidCanonicalizerException;
import org.w3c.dom.Document;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;

/**
 * Parses and writes every XML document the gateway reads: envelopes and the documents of the {@code xml}
 * profile. The parser refuses any DOCTYPE, so that no entity is expanded and nothing outside the bytes is ever
 * read, whether the bytes come from a national service, a partner or out of a decryption.
 */
public final class XmlDocuments {

    private static final byte[] DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            .getBytes(StandardCharsets.UTF_8);

    /**
     * One parser per thread: a parser is not thread-safe, but reset between documents it can be reused, which spares
     * building a factory and a parser for every message. Reset after each use, failed or not, so that nothing of
     * a document carries over to the next nor stays in memory.
     */
    private static final ThreadLocal<DocumentBuilder> PARSERS = ThreadLocal.withInitial(() -> {
        try {
            return hardenedFactory().newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be hardened", e);
        }
    });

    private XmlDocuments() {
    }

    /** A namespace-aware DOM of {@code xml}; anything not well-formed, or with a DOCTYPE, is MALFORMED_XML. */
    public static Document parse(byte[] xml) {
        DocumentBuilder builder = PARSERS.get();
        try {
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
        } catch (IOException e) {
            throw new GatewayException(ReasonCode.MALFORMED_XML, "cannot parse: " + e.getMessage());
        } finally {
            builder.reset();
        }
    }

    /** An empty document, to build an EncryptedData in. */
    static Document newDocument() {
        try {
            return hardenedFactory().newDocumentBuilder().newDocument();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the XML parser cannot be hardened", e);
        }
    }

    /**
     * UTF-8 bytes of the document: an XML declaration, then its Canonical XML (without comments). Canonical XML
     * because it is deterministic, has no DOCTYPE by construction and keeps every namespace a signature covers.
     */
    public static byte[] serialize(Document document) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(DECLARATION);
            Canonicalizer.getInstance(Canonicalizer.ALGO_ID_C14N_OMIT_COMMENTS).canonicalizeSubtree(document, out);
            out.write('\n');
            return out.toByteArray();
        } catch (InvalidCanonicalizerException | CanonicalizationException | IOException e) {
            throw new IllegalStateException("cannot serialize an XML document", e);
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
