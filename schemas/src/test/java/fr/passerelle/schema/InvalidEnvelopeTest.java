package fr.passerelle.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.xml.bind.JAXBException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.transform.stream.StreamSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.SAXException;

class InvalidEnvelopeTest {

    private static final String VALID = Samples.read("intel-report-to-spain.xml");

    private static String replace(String from, String to) {
        assertThat(VALID).contains(from);
        return VALID.replace(from, to);
    }

    @Test
    void startingPointIsValid() throws Exception {
        Samples.validateEnvelope(VALID);
    }

    @Test
    void badMessageIdIsRefused() {
        String upperCase = replace("<messageId>723b28e9-b340-46c1-be11-da3b671bf037",
                "<messageId>723B28E9-B340-46C1-BE11-DA3B671BF037");
        String garbage = replace("<messageId>723b28e9-b340-46c1-be11-da3b671bf037",
                "<messageId>not-a-uuid");

        assertThatThrownBy(() -> Samples.validateEnvelope(upperCase)).isInstanceOf(SAXException.class);
        assertThatThrownBy(() -> Samples.validateEnvelope(garbage)).isInstanceOf(SAXException.class);
    }

    @Test
    void unknownMessageTypeIsRefused() {
        String xml = replace("<messageType>INTEL_REPORT<", "<messageType>GOSSIP<");
        assertThatThrownBy(() -> Samples.validateEnvelope(xml)).isInstanceOf(SAXException.class);
    }

    @Test
    void unknownHandlingCodeIsRefused() {
        String xml = replace("<handlingCode>H1<", "<handlingCode>H4<");
        assertThatThrownBy(() -> Samples.validateEnvelope(xml)).isInstanceOf(SAXException.class);
    }

    @Test
    void duplicateHandlingCodeIsRefused() {
        String xml = replace("<handlingCode>H1</handlingCode>",
                "<handlingCode>H1</handlingCode><handlingCode>H1</handlingCode>");
        assertThatThrownBy(() -> Samples.validateEnvelope(xml)).isInstanceOf(SAXException.class);
    }

    @Test
    void missingSenderIsRefused() {
        String xml = replace("<sender>ofast</sender>", "");
        assertThatThrownBy(() -> Samples.validateEnvelope(xml)).isInstanceOf(SAXException.class);
    }

    @Test
    void timestampWithoutTimeZoneIsRefused() {
        String xml = replace("<createdAt>2026-02-03T09:15:00+01:00<", "<createdAt>2026-02-03T09:15:00<");
        assertThatThrownBy(() -> Samples.validateEnvelope(xml)).isInstanceOf(SAXException.class);
    }

    @Test
    void externalDtdIsNotFetched() {
        String xml = VALID.replace("<Envelope ",
                "<!DOCTYPE Envelope SYSTEM \"file:///etc/passwd\">\n<Envelope ");

        assertThatThrownBy(() -> Samples.validateEnvelope(xml))
                .isInstanceOf(SAXException.class)
                .hasMessageNotContaining("root:");
    }

    @Test
    void externalEntityIsNotResolved(@TempDir Path dir) throws IOException {
        String xml = withEntityReading(dir);

        assertThatThrownBy(() -> Samples.validateEnvelope(xml))
                .isInstanceOf(SAXException.class)
                .hasMessageNotContaining("MARKER-7f3a");
    }

    @Test
    void externalEntityIsNotResolvedByPlainValidatorNorUnmarshaller(@TempDir Path dir) throws IOException {
        // Other modules may well use schema.newValidator() or a JAXB unmarshaller directly.
        String xml = withEntityReading(dir);

        assertThatThrownBy(() -> Schemas.envelopeSchema().newValidator()
                .validate(new StreamSource(new StringReader(xml))))
                .isInstanceOf(SAXException.class)
                .hasMessageNotContaining("MARKER-7f3a");
        assertThatThrownBy(() -> Schemas.jaxbContext().createUnmarshaller()
                .unmarshal(new StreamSource(new StringReader(xml))))
                .isInstanceOf(JAXBException.class);
    }

    /**
     * Valid sample whose free text is an external entity pointing to a marker file. If the
     * entity were resolved the marker would be acceptable free text and the document would pass:
     * a failure proves the file was not read.
     */
    private static String withEntityReading(Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret.txt"), "MARKER-7f3a", StandardCharsets.UTF_8);
        return VALID
                .replace("<Envelope ", "<!DOCTYPE Envelope [<!ENTITY leak SYSTEM \""
                        + secret.toUri() + "\">]>\n<Envelope ")
                .replaceFirst("<freeText>[^<]*</freeText>", "<freeText>&leak;</freeText>");
    }
}
