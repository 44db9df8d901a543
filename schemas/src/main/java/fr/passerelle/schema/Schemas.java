package fr.passerelle.schema;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import javax.xml.validation.ValidatorHandler;
import org.xml.sax.SAXException;

/**
 * Single entry point to the Passerelle XML schemas and JAXB context.
 *
 * <p>Compiling an XSD and building a {@link JAXBContext} are expensive, while the resulting
 * {@link Schema} and {@link JAXBContext} are immutable and thread-safe: each is therefore built
 * once, on first use, and shared. {@link Validator}, {@code Marshaller} and {@code Unmarshaller}
 * are not thread-safe; create one per use from the shared objects.
 *
 * <p>The gateway processes documents coming from outside the national perimeter, so every XML
 * component created here refuses to fetch external DTDs, entities or schemas: a hostile
 * document must not be able to read local files or reach the network (XXE, SSRF). The JDK's own
 * implementation passes the {@link SchemaFactory} restrictions on to the validators of a schema,
 * but JAXP does not promise it for every implementation: {@link #newValidator(Schema)} sets them
 * again, so the guarantee does not depend on which XML library ends up on the classpath.
 */
public final class Schemas {

    public static final String ENVELOPE_NS = "urn:passerelle:envelope:1";
    public static final String RECEIPT_NS = "urn:passerelle:receipt:1";

    public static final String ENVELOPE_XSD = "/passerelle/xsd/envelope-1.xsd";
    public static final String RECEIPT_XSD = "/passerelle/xsd/receipt-1.xsd";

    private Schemas() {
    }

    /** Compiled envelope schema, shared. */
    public static Schema envelopeSchema() {
        return EnvelopeSchemaHolder.SCHEMA;
    }

    /** Compiled receipt schema, shared. */
    public static Schema receiptSchema() {
        return ReceiptSchemaHolder.SCHEMA;
    }

    /** JAXB context for both the envelope and the receipt packages, shared. */
    public static JAXBContext jaxbContext() {
        return JaxbHolder.CONTEXT;
    }

    /**
     * New validator for {@code schema} that cannot resolve external DTDs, entities or schemas.
     * A document that needs them fails validation instead of triggering a file or network read.
     */
    public static Validator newValidator(Schema schema) {
        Validator validator = schema.newValidator();
        try {
            validator.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (SAXException e) {
            throw new IllegalStateException("XML validator cannot be hardened", e);
        }
        return validator;
    }

    /**
     * New validator handler for {@code schema}, hardened like {@link #newValidator(Schema)}: it validates the events
     * of a SAX parse as they come, so that a document can be parsed, validated and bound in one pass.
     */
    public static ValidatorHandler newValidatorHandler(Schema schema) {
        ValidatorHandler handler = schema.newValidatorHandler();
        try {
            handler.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            handler.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            handler.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        } catch (SAXException e) {
            throw new IllegalStateException("XML validator cannot be hardened", e);
        }
        return handler;
    }

    private static Schema compile(String resource) {
        URL url = Schemas.class.getResource(resource);
        if (url == null) {
            throw new IllegalStateException("Schema not found on classpath: " + resource);
        }
        try (InputStream in = url.openStream()) {
            return hardenedSchemaFactory().newSchema(new StreamSource(in, url.toExternalForm()));
        } catch (SAXException | IOException e) {
            throw new IllegalStateException("Cannot compile schema " + resource, e);
        }
    }

    private static SchemaFactory hardenedSchemaFactory() throws SAXException {
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        // Our schemas are self-contained: any import or include reaching out would be tampering.
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        return factory;
    }

    // Holder classes: the JVM initialises each one on first access, exactly once, without locking.
    private static final class EnvelopeSchemaHolder {
        static final Schema SCHEMA = compile(ENVELOPE_XSD);
    }

    private static final class ReceiptSchemaHolder {
        static final Schema SCHEMA = compile(RECEIPT_XSD);
    }

    private static final class JaxbHolder {
        static final JAXBContext CONTEXT = create();

        private static JAXBContext create() {
            try {
                // Classes rather than a package path: no dependency on the context class loader,
                // which differs inside a Spring Boot fat jar.
                return JAXBContext.newInstance(
                        fr.passerelle.schema.envelope.ObjectFactory.class,
                        fr.passerelle.schema.receipt.ObjectFactory.class);
            } catch (JAXBException e) {
                throw new IllegalStateException("Cannot create JAXB context", e);
            }
        }
    }
}
