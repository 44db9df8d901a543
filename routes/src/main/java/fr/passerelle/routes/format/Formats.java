package fr.passerelle.routes.format;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import javax.xml.XMLConstants;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Source;
import javax.xml.transform.Templates;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerConfigurationException;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import org.w3c.dom.Document;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.seal.XmlDocuments;
import fr.passerelle.routes.validate.EnvelopeReader;
import fr.passerelle.schema.Schemas;

/**
 * Renders a canonical envelope in a partner's declared format, after redaction and before sealing.
 *
 * <p>The input is the envelope the gateway is about to seal: it is parsed again with the hardened parser (no
 * DOCTYPE, so no entity is ever expanded or fetched) and validated, so that a broken input is reported as the
 * envelope's fault ({@code MALFORMED_XML}, {@code SCHEMA_INVALID}). What comes out is ours: a europol-style
 * rendering is checked against europol-style-1.xsd, and one that does not validate is a defect of the
 * stylesheet, reported as an {@link IllegalStateException} rather than sent.
 *
 * <p>The stylesheet and the schemas are compiled once and shared; they are immutable, and each call takes its
 * own transformer and validator from them, so {@link #render} may be called from any number of threads.
 */
public final class Formats {

    /** Classpath location of the europol-style schema. */
    public static final String EUROPOL_STYLE_XSD = "/passerelle/xsd/europol-style-1.xsd";

    /** Classpath location of the JSON Schema of the JSON rendering. */
    public static final String ENVELOPE_JSON_SCHEMA = "/passerelle/json/envelope-1.schema.json";

    static final String EUROPOL_STYLE_XSL = "/passerelle/xslt/envelope-to-europol-style.xsl";

    private static final byte[] DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            .getBytes(StandardCharsets.UTF_8);

    // The envelope was read against the size limit before redaction; here it is only parsed and bound again.
    private static final EnvelopeReader READER = new EnvelopeReader(Integer.MAX_VALUE);

    private Formats() {
    }

    /**
     * The envelope in {@code format}: for {@link PartnerFormat#ENVELOPE} the very array given, untouched; else
     * its rendering, UTF-8.
     */
    public static byte[] render(PartnerFormat format, byte[] canonicalEnvelopeXml) {
        return switch (format) {
            case ENVELOPE -> canonicalEnvelopeXml;
            case EUROPOL_STYLE -> transform(Stylesheet.TEMPLATES, canonicalEnvelopeXml);
            case JSON -> EnvelopeJson.write(READER.read(canonicalEnvelopeXml));
        };
    }

    /** The media type of a rendering in {@code format}. */
    public static String mediaType(PartnerFormat format) {
        return switch (format) {
            case ENVELOPE, EUROPOL_STYLE -> "application/xml";
            case JSON -> "application/json";
        };
    }

    /** The compiled europol-style schema, shared. */
    public static Schema europolStyleSchema() {
        return EuropolStyleSchema.SCHEMA;
    }

    /** Runs {@code templates} over the envelope and returns the result once it validates as europol-style. */
    static byte[] transform(Templates templates, byte[] envelopeXml) {
        Document envelope = XmlDocuments.parse(envelopeXml);
        validateEnvelope(envelope);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Written here rather than by the serializer, which would not end it with a line break.
        out.writeBytes(DECLARATION);
        try {
            Transformer transformer = templates.newTransformer();
            transformer.setOutputProperty(OutputKeys.OMIT_XML_DECLARATION, "yes");
            transformer.setOutputProperty("{http://xml.apache.org/xslt}indent-amount", "2");
            transformer.transform(new DOMSource(envelope), new StreamResult(out));
        } catch (TransformerException e) {
            throw new IllegalStateException("the europol-style stylesheet failed: " + e.getMessageAndLocation());
        }
        out.write('\n');
        byte[] rendered = out.toByteArray();
        checkEuropolStyle(rendered);
        return rendered;
    }

    /** The stylesheet at {@code source}, compiled by the JDK's own XSLT processor with every external access off. */
    static Templates compile(Source source) {
        // The JDK's processor, whatever else the classpath brings: its secure processing is what is configured here.
        TransformerFactory factory = TransformerFactory.newDefaultInstance();
        try {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            return factory.newTemplates(source);
        } catch (TransformerConfigurationException e) {
            throw new IllegalStateException("cannot compile the stylesheet " + source.getSystemId(), e);
        }
    }

    private static void validateEnvelope(Document envelope) {
        try {
            Schemas.newValidator(Schemas.envelopeSchema()).validate(new DOMSource(envelope));
        } catch (SAXException e) {
            throw new GatewayException(ReasonCode.SCHEMA_INVALID, e.getMessage());
        } catch (IOException e) {
            throw new GatewayException(ReasonCode.SCHEMA_INVALID, "cannot validate: " + e.getMessage());
        }
    }

    private static void checkEuropolStyle(byte[] rendered) {
        try {
            // From the bytes, not a tree: what is checked is exactly what is returned, and errors carry a line.
            Schemas.newValidator(europolStyleSchema()).validate(new StreamSource(new ByteArrayInputStream(rendered)));
        } catch (SAXException e) {
            throw new IllegalStateException("the europol-style rendering does not validate: " + withoutValues(e));
        } catch (IOException e) {
            throw new IllegalStateException("the europol-style rendering cannot be read back", e);
        }
    }

    /**
     * The constraint that failed and where, without the validator's sentence: that sentence quotes the offending
     * value, which is message content.
     */
    private static String withoutValues(SAXException e) {
        String message = String.valueOf(e.getMessage());
        int colon = message.indexOf(':');
        String constraint = message.startsWith("cvc-") && colon > 0 ? message.substring(0, colon) : "invalid";
        if (e instanceof SAXParseException located) {
            return constraint + " at line " + located.getLineNumber() + ", column " + located.getColumnNumber();
        }
        return constraint;
    }

    private static Schema compileSchema(String resource) {
        URL url = resourceUrl(resource);
        try (InputStream in = url.openStream()) {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            // The schema is self-contained: an import or include reaching out would be tampering.
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newSchema(new StreamSource(in, url.toExternalForm()));
        } catch (SAXException | IOException e) {
            throw new IllegalStateException("cannot compile the schema " + resource, e);
        }
    }

    private static URL resourceUrl(String resource) {
        URL url = Formats.class.getResource(resource);
        if (url == null) {
            throw new IllegalStateException("not found on the classpath: " + resource);
        }
        return url;
    }

    // Holder classes: each is initialised on first use, exactly once, without locking.
    private static final class Stylesheet {
        static final Templates TEMPLATES = load();

        private static Templates load() {
            URL url = resourceUrl(EUROPOL_STYLE_XSL);
            try (InputStream in = url.openStream()) {
                return compile(new StreamSource(in, url.toExternalForm()));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the stylesheet " + EUROPOL_STYLE_XSL, e);
            }
        }
    }

    private static final class EuropolStyleSchema {
        static final Schema SCHEMA = compileSchema(EUROPOL_STYLE_XSD);
    }
}
