package fr.passerelle.routes.validate;

import static fr.passerelle.routes.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestPki;
import fr.passerelle.schema.envelope.Envelope;

/** The envelope reader: valid samples bind; hostile or broken documents are refused with the right reason. */
class EnvelopeReaderTest {

    private final EnvelopeReader reader = new EnvelopeReader(1024 * 1024);

    @TempDir
    Path work;

    @Test
    void readsTheSample() throws Exception {
        Envelope envelope = reader.read(Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml")));

        assertThat(envelope.getSender()).isEqualTo("ofast");
        assertThat(envelope.getRecipients().getRecipient()).containsExactly("spain");
    }

    /** Billion laughs: nested entity expansion to exhaust memory never starts, as any DOCTYPE is refused. */
    @Test
    void refusesEntityExpansion() {
        String bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
                + "<Envelope xmlns=\"urn:passerelle:envelope:1\">&lol3;</Envelope>";

        assertRefused(() -> reader.read(bomb.getBytes(StandardCharsets.UTF_8)), ReasonCode.MALFORMED_XML);
    }

    /** External entity: a document that tries to include a local file is refused and the file is never read. */
    @Test
    void refusesExternalEntities() throws Exception {
        Path secret = work.resolve("secret.txt");
        Files.writeString(secret, "TOP-SECRET-MARKER");
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + "<Envelope xmlns=\"urn:passerelle:envelope:1\">&x;</Envelope>";

        assertRefused(() -> reader.read(xxe.getBytes(StandardCharsets.UTF_8)), ReasonCode.MALFORMED_XML)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("TOP-SECRET-MARKER"));
    }

    /** Oversized input is refused before any parsing. */
    @Test
    void refusesOversizedInput() {
        assertRefused(() -> reader.read(new byte[1024 * 1024 + 1]), ReasonCode.MESSAGE_TOO_LARGE);
    }

    @Test
    void refusesEmptyAndMalformedInput() {
        assertRefused(() -> reader.read(new byte[0]), ReasonCode.MALFORMED_XML);
        assertRefused(() -> reader.read("<Envelope".getBytes(StandardCharsets.UTF_8)), ReasonCode.MALFORMED_XML);
    }

    /** Well-formed but not an envelope: another root element in another namespace. */
    @Test
    void refusesAnotherDocumentType() {
        assertRefused(() -> reader.read("<invoice xmlns=\"urn:example\"/>".getBytes(StandardCharsets.UTF_8)),
                ReasonCode.SCHEMA_INVALID);
    }

    /**
     * Read in one pass, a document with a schema error near its start and broken XML further on is still
     * MALFORMED_XML, as when it was parsed whole before being validated.
     */
    @Test
    void brokenXmlAfterASchemaErrorIsMalformed() throws Exception {
        String sample = Files.readString(TestPki.sample("intel-report-to-spain.xml"));
        String invalidThenBroken = sample.replaceFirst("<sender>", "<unexpected/><sender>")
                .replace("</Envelope>", "</Envelope");

        assertRefused(() -> reader.read(invalidThenBroken.getBytes(StandardCharsets.UTF_8)),
                ReasonCode.MALFORMED_XML);
        assertRefused(() -> reader.read(sample.replaceFirst("<sender>", "<unexpected/><sender>")
                .getBytes(StandardCharsets.UTF_8)), ReasonCode.SCHEMA_INVALID)
                .satisfies(e -> assertThat(e.getMessage()).contains("cvc-complex-type").contains("unexpected"));
    }

    /** A refusal leaves nothing behind: the same thread then reads a valid envelope, and another refusal. */
    @Test
    void aRefusedDocumentLeavesNothingForTheNext() throws Exception {
        byte[] sample = Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml"));
        String text = new String(sample, StandardCharsets.UTF_8);
        byte[] halfway = text.substring(0, text.length() / 2).getBytes(StandardCharsets.UTF_8);
        byte[] invalid = text.replaceFirst("<sender>ofast</sender>", "<sender>OFAST!</sender>")
                .getBytes(StandardCharsets.UTF_8);

        for (byte[] refused : new byte[][] {halfway, invalid}) {
            assertRefused(() -> reader.read(refused), refused == halfway ? ReasonCode.MALFORMED_XML
                    : ReasonCode.SCHEMA_INVALID);
            Envelope envelope = reader.read(sample);
            assertThat(envelope.getSender()).isEqualTo("ofast");
            assertThat(reader.read(sample).getMessageId()).isEqualTo(envelope.getMessageId());
        }
    }
}
