package fr.passerelle.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import fr.passerelle.schema.envelope.Classification;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.HandlingCode;
import fr.passerelle.schema.envelope.InformationAssessment;
import fr.passerelle.schema.envelope.MessageType;
import fr.passerelle.schema.envelope.Priority;
import fr.passerelle.schema.envelope.SourceReliability;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Unmarshaller;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.xml.transform.stream.StreamSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class SamplesTest {

    static List<Path> samples() {
        return Samples.all();
    }

    static Envelope unmarshal(Path file) throws JAXBException {
        Unmarshaller unmarshaller = Schemas.jaxbContext().createUnmarshaller();
        unmarshaller.setSchema(Schemas.envelopeSchema());
        return (Envelope) unmarshaller.unmarshal(new StreamSource(file.toFile()));
    }

    @Test
    void samplesDirectoryIsFound() {
        assertThat(samples()).hasSizeGreaterThanOrEqualTo(8);
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleIsValid(Path file) {
        assertThatCode(() -> Schemas.newValidator(Schemas.envelopeSchema())
                .validate(new StreamSource(file.toFile())))
                .doesNotThrowAnyException();
    }

    @ParameterizedTest
    @MethodSource("samples")
    void sampleIsMarkedFictional(Path file) throws JAXBException {
        assertThat(unmarshal(file).getBody().getFreeText()).contains("FICTIONAL SAMPLE");
    }

    @Test
    void everyMessageTypeHasASample() throws JAXBException {
        Set<MessageType> covered = EnumSet.noneOf(MessageType.class);
        for (Path file : samples()) {
            covered.add(unmarshal(file).getMessageType());
        }
        assertThat(covered).containsExactlyInAnyOrder(MessageType.values());
    }

    @Test
    void messageIdsAreDistinct() throws JAXBException {
        List<String> ids = samples().stream().map(f -> {
            try {
                return unmarshal(f).getMessageId();
            } catch (JAXBException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
        assertThat(ids).doesNotHaveDuplicates();
    }

    @Test
    void intelReportToSpainIsReleasableWithoutReview() throws JAXBException {
        Envelope envelope = unmarshal(Samples.named("intel-report-to-spain.xml"));

        assertThat(envelope.getSender()).isEqualTo("ofast");
        assertThat(envelope.getRecipients().getRecipient()).containsExactly("spain");
        assertThat(envelope.getMessageType()).isEqualTo(MessageType.INTEL_REPORT);
        assertThat(envelope.getPriority()).isEqualTo(Priority.ROUTINE);
        assertThat(envelope.getClassification()).isEqualTo(Classification.RESTRICTED);
        assertThat(envelope.getHandlingCodes().getHandlingCode())
                .isNotEmpty()
                .doesNotContain(HandlingCode.H2, HandlingCode.H3);
        assertThat(envelope.getEvaluation().getSourceReliability()).isEqualTo(SourceReliability.B);
        assertThat(envelope.getEvaluation().getInformationAssessment())
                .isEqualTo(InformationAssessment.KNOWN_TO_SOURCE);
        assertThat(envelope.getLegalBasis()).isNotBlank();
    }

    @Test
    void intelReportFromSpainIsInbound() throws JAXBException {
        Envelope envelope = unmarshal(Samples.named("intel-report-from-spain.xml"));

        assertThat(envelope.getSender()).isEqualTo("spain");
        assertThat(envelope.getRecipients().getRecipient()).containsExactly("ofast");
        assertThat(envelope.getMessageType()).isEqualTo(MessageType.INTEL_REPORT);
    }

    @Test
    void h2SampleCarriesPersonsAndH2() throws JAXBException {
        Envelope envelope = unmarshal(Samples.named("intel-report-h2-to-morocco.xml"));

        assertThat(envelope.getHandlingCodes().getHandlingCode()).contains(HandlingCode.H2);
        assertThat(envelope.getBody().getPerson()).isNotEmpty();
    }

    @Test
    void classificationOrderIsIncreasingSensitivity() {
        assertThat(Classification.values()).containsExactly(
                Classification.UNCLASSIFIED, Classification.RESTRICTED,
                Classification.CONFIDENTIAL, Classification.SECRET);
    }
}
