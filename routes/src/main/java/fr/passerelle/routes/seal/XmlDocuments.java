package fr.passerelle.routes.seal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;

import org.apache.xml.security.c14n.CanonicalizationException;
import org.apache.xml.security.c14n.Canonicalizer;
import org.apache.xml.security.c14n.InvalidCanonicalizerException;
import org.w3c.dom.Document;
import org.xml.sax.EntityResolver;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
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

    /** The parser features of both parsers: secure processing, no DOCTYPE, no external entity or DTD. */
    private static final Map<String, Boolean> HARDENING = Map.of(
            XMLConstants.FEATURE_SECURE_PROCESSING, true,
            "http://apache.org/xml/features/disallow-doctype-decl", true,
            "http://xml.org/sax/features/external-general-entities", false,
            "http://xml.org/sax/features/external-parameter-entities", false,
            "http://apache.org/xml/features/nonvalidating/load-external-dtd", false);

    /** The entity resolver of both parsers: every external entity refused, should one ever be asked for. */
    private static final EntityResolver NO_ENTITIES = (publicId, systemId) -> {
        throw new SAXException("external entities are not accepted");
    };

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
            builder.setEntityResolver(NO_ENTITIES);
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

    /**
     * A namespace-aware SAX parser refusing any DOCTYPE, like the DOM parser of {@link #parse}, for reading a document
     * in one pass without building its tree; not thread-safe, reusable one document after another.
     */
    public static XMLReader newReader() {
        try {
            SAXParserFactory factory = SAXParserFactory.newDefaultInstance();
            factory.setNamespaceAware(true);
            for (Map.Entry<String, Boolean> feature : HARDENING.entrySet()) {
                factory.setFeature(feature.getKey(), feature.getValue());
            }
            factory.setXIncludeAware(false);
            XMLReader reader = factory.newSAXParser().getXMLReader();
            reader.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            reader.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            reader.setEntityResolver(NO_ENTITIES);
            return reader;
        } catch (ParserConfigurationException | SAXException e) {
            throw new IllegalStateException("the XML parser cannot be hardened", e);
        }
    }

    private static DocumentBuilderFactory hardenedFactory() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        for (Map.Entry<String, Boolean> feature : HARDENING.entrySet()) {
            factory.setFeature(feature.getKey(), feature.getValue());
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setXIncludeAware(false);
        factory.setExpandEntityReferences(false);
        return factory;
    }
}
