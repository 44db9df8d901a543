package fr.passerelle.routes.validate;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import javax.xml.validation.ValidatorHandler;

import org.xml.sax.ContentHandler;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.XMLReader;
import org.xml.sax.helpers.DefaultHandler;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.seal.XmlDocuments;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.envelope.Envelope;
import jakarta.xml.bind.JAXBElement;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.UnmarshallerHandler;

/**
 * Turns untrusted bytes into a validated {@link Envelope}: size limit first, then one pass of a parser that refuses
 * any DOCTYPE ({@link XmlDocuments#newReader}: no entity expansion, no external entity can ever be resolved), the
 * envelope XSD validating its events as they come, and JAXB binding them. No tree is built.
 *
 * <p>The refusals are those of reading in three steps: a document that is not well-formed anywhere is
 * {@code MALFORMED_XML}, even when a schema error comes first in it; otherwise the first schema error is
 * {@code SCHEMA_INVALID}. After a schema error the pass goes on to the end, to tell the two apart, without binding.
 */
public final class EnvelopeReader {

    /**
     * One parser, validator and unmarshaller per thread: none is thread-safe, each can read one document after
     * another, and the compiled schema and JAXB context they come from are shared. Dropped after a failure, so that
     * nothing of a refused document is left for the next one.
     */
    private static final ThreadLocal<OnePass> PASSES = ThreadLocal.withInitial(OnePass::new);

    /** Where the events of a document found invalid go. */
    private static final ContentHandler IGNORED = new DefaultHandler();

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
        OnePass pass = PASSES.get();
        boolean done = false;
        try {
            Envelope envelope = pass.read(xml);
            done = true;
            return envelope;
        } finally {
            if (!done) {
                PASSES.remove();
            }
        }
    }

    /** The parser's events go through the schema's validator, then, while the document is valid, to JAXB. */
    private static final class OnePass implements ErrorHandler {

        private final XMLReader parser = XmlDocuments.newReader();
        private final ValidatorHandler validator = Schemas.newValidatorHandler(Schemas.envelopeSchema());
        private final UnmarshallerHandler binder;
        private SAXParseException malformed;
        private SAXParseException invalid;

        OnePass() {
            try {
                binder = Schemas.jaxbContext().createUnmarshaller().getUnmarshallerHandler();
            } catch (JAXBException e) {
                throw new IllegalStateException("cannot create an unmarshaller", e);
            }
            parser.setContentHandler(validator);
            parser.setErrorHandler(this);
            validator.setErrorHandler(new ErrorHandler() {
                @Override
                public void warning(SAXParseException e) {
                    // Not an error of the document.
                }

                @Override
                public void error(SAXParseException e) {
                    schemaError(e);
                }

                @Override
                public void fatalError(SAXParseException e) {
                    schemaError(e);
                }
            });
        }

        Envelope read(byte[] xml) {
            malformed = null;
            invalid = null;
            validator.setContentHandler(binder);
            try {
                parser.parse(new InputSource(new ByteArrayInputStream(xml)));
            } catch (SAXException e) {
                if (malformed != null) {
                    throw new GatewayException(ReasonCode.MALFORMED_XML, "not well-formed XML: "
                            + malformed.getMessage());
                }
                throw new GatewayException(ReasonCode.SCHEMA_INVALID, "the envelope cannot be bound: "
                        + e.getMessage());
            } catch (IOException e) {
                throw new GatewayException(ReasonCode.MALFORMED_XML, "cannot parse: " + e.getMessage());
            }
            if (invalid != null) {
                throw new GatewayException(ReasonCode.SCHEMA_INVALID, invalid.getMessage());
            }
            Object bound;
            try {
                bound = binder.getResult();
            } catch (JAXBException | IllegalStateException e) {
                throw new GatewayException(ReasonCode.SCHEMA_INVALID, "the envelope cannot be bound: "
                        + e.getMessage());
            }
            Object value = bound instanceof JAXBElement<?> element ? element.getValue() : bound;
            if (value instanceof Envelope envelope) {
                return envelope;
            }
            throw new GatewayException(ReasonCode.SCHEMA_INVALID, "the root element is not an Envelope");
        }

        /**
         * The first schema error is kept; binding stops there (the validator's events go nowhere from then on),
         * parsing goes on to find malformed XML.
         */
        private void schemaError(SAXParseException e) {
            if (invalid == null) {
                invalid = e;
                validator.setContentHandler(IGNORED);
            }
        }

        // The parser's own errors: the document is not well-formed XML (or holds a DOCTYPE).

        @Override
        public void warning(SAXParseException e) {
            // Not an error of the document.
        }

        @Override
        public void error(SAXParseException e) throws SAXParseException {
            fatalError(e);
        }

        @Override
        public void fatalError(SAXParseException e) throws SAXParseException {
            malformed = e;
            throw e;
        }
    }
}
