package fr.passerelle.routes.policy;

import static fr.passerelle.routes.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.validate.EnvelopeReader;
import fr.passerelle.schema.envelope.Classification;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.HandlingCode;
import fr.passerelle.schema.envelope.MessageType;

/** Evaluates samples against partner policies; expects each refusal with its own reason, reviews and removals. */
class ReleasePolicyTest {

    private static final String H2_TO_MOROCCO = "intel-report-h2-to-morocco.xml";
    private static final String TO_SPAIN = "intel-report-to-spain.xml";

    private final ReleasePolicy releasePolicy = new ReleasePolicy();

    /** A partner without configured policy still receives every sample, as before policies existed. */
    @Test
    void permissiveReleasesEverySampleAsItIs() throws IOException {
        List<Path> samples;
        try (Stream<Path> files = Files.list(TestPki.sample("."))) {
            samples = files.filter(file -> file.toString().endsWith(".xml")).sorted().toList();
        }
        assertThat(samples).hasSizeGreaterThanOrEqualTo(9);
        for (Path sample : samples) {
            Envelope envelope = read(sample);
            Release release = releasePolicy.evaluate(envelope, envelope.getSender(),
                    envelope.getRecipients().getRecipient().get(0), PartnerPolicy.permissive());
            assertThat(release.reviewRequired()).as(sample.getFileName().toString()).isFalse();
            assertThat(release.reviewReasons()).isEmpty();
            assertThat(release.toRemove()).isEmpty();
            assertThat(release.redactionRequired()).isFalse();
        }
    }

    /** SECRET is the one level a partner without policy does not get: releasing it must be a written decision. */
    @Test
    void permissiveRefusesSecret() {
        Envelope envelope = sample(TO_SPAIN);
        envelope.setClassification(Classification.SECRET);

        assertRefused(() -> releasePolicy.evaluate(envelope, "ofast", "spain", PartnerPolicy.permissive()),
                ReasonCode.CLASSIFICATION_TOO_HIGH)
                .hasMessage("classification SECRET is above CONFIDENTIAL, the highest releasable to spain");
    }

    /** A service the partner's policy does not list may not write to it. */
    @Test
    void refusesSenderNotAuthorised() {
        PartnerPolicy policy = new PartnerPolicy(Classification.SECRET, null, null, null, false, null,
                Set.of("douane", "police"), false);

        assertRefused(() -> releasePolicy.evaluate(sample(TO_SPAIN), "ofast", "spain", policy),
                ReasonCode.SENDER_NOT_AUTHORISED)
                .hasMessage("the service ofast may not write to spain");
    }

    @Test
    void releasesFromAnAuthorisedSender() {
        PartnerPolicy policy = new PartnerPolicy(Classification.SECRET, null, null, null, false, null,
                Set.of("ofast"), false);

        assertThat(releasePolicy.evaluate(sample(TO_SPAIN), "ofast", "spain", policy).reviewRequired()).isFalse();
    }

    /** A message type outside the partner's allowed types is not released. */
    @Test
    void refusesMessageTypeNotAllowed() {
        PartnerPolicy policy = new PartnerPolicy(Classification.SECRET, Set.of(MessageType.ALERT,
                MessageType.SEIZURE_NOTIFICATION), null, null, false, null, null, false);

        assertRefused(() -> releasePolicy.evaluate(sample(TO_SPAIN), "ofast", "spain", policy),
                ReasonCode.MESSAGE_TYPE_NOT_RELEASABLE)
                .hasMessage("message type INTEL_REPORT is not releasable to spain");
    }

    @Test
    void releasesAnAllowedMessageType() {
        PartnerPolicy policy = new PartnerPolicy(Classification.SECRET, Set.of(MessageType.INTEL_REPORT), null,
                null, false, null, null, false);

        assertThat(releasePolicy.evaluate(sample(TO_SPAIN), "ofast", "spain", policy).toRemove()).isEmpty();
    }

    /** A CONFIDENTIAL message does not go to a partner cleared for RESTRICTED. */
    @Test
    void refusesClassificationAboveTheMaximum() {
        PartnerPolicy policy = new PartnerPolicy(Classification.RESTRICTED, null, null, null, false, null, null,
                false);

        assertRefused(() -> releasePolicy.evaluate(sample(H2_TO_MOROCCO), "ofast", "morocco", policy),
                ReasonCode.CLASSIFICATION_TOO_HIGH)
                .hasMessage("classification CONFIDENTIAL is above RESTRICTED, the highest releasable to morocco");
    }

    @Test
    void releasesAtTheMaximumClassification() {
        PartnerPolicy policy = new PartnerPolicy(Classification.CONFIDENTIAL, null, null, null, false, null, null,
                false);

        assertThat(releasePolicy.evaluate(sample(H2_TO_MOROCCO), "ofast", "morocco", policy).reviewRequired())
                .isFalse();
    }

    /** A handling code the partner's policy forbids keeps the message from it. */
    @Test
    void refusesForbiddenHandlingCode() {
        PartnerPolicy policy = new PartnerPolicy(Classification.SECRET, null, null, Set.of(HandlingCode.H2,
                HandlingCode.H3), false, null, null, false);

        assertRefused(() -> releasePolicy.evaluate(sample(H2_TO_MOROCCO), "ofast", "morocco", policy),
                ReasonCode.HANDLING_CODE_FORBIDS_RELEASE)
                .hasMessage("handling code H2 forbids release to morocco");
    }

    /** A partner requiring a legal basis does not get a message stating none, or a blank one. */
    @Test
    void refusesMissingOrBlankLegalBasis() {
        PartnerPolicy policy = new PartnerPolicy(Classification.SECRET, null, null, null, true, null, null, false);
        Envelope absent = sample(TO_SPAIN);
        absent.setLegalBasis(null);
        Envelope blank = sample(TO_SPAIN);
        blank.setLegalBasis("   ");

        assertRefused(() -> releasePolicy.evaluate(absent, "ofast", "spain", policy),
                ReasonCode.LEGAL_BASIS_REQUIRED)
                .hasMessage("spain requires a legal basis and the envelope states none");
        assertRefused(() -> releasePolicy.evaluate(blank, "ofast", "spain", policy),
                ReasonCode.LEGAL_BASIS_REQUIRED);
    }

    @Test
    void releasesWithALegalBasisWhenRequired() {
        PartnerPolicy policy = new PartnerPolicy(Classification.SECRET, null, null, null, true, null, null, false);

        assertThat(releasePolicy.evaluate(sample(TO_SPAIN), "ofast", "spain", policy).reviewRequired()).isFalse();
    }

    /** A message failing several checks always gets the reason of the first, in the documented order. */
    @Test
    void refusesWithTheFirstFailingCheck() {
        Envelope envelope = sample(H2_TO_MOROCCO);
        envelope.setLegalBasis(null);
        PartnerPolicy all = new PartnerPolicy(Classification.RESTRICTED, Set.of(MessageType.ALERT), null,
                Set.of(HandlingCode.H2), true, null, Set.of("douane"), false);
        PartnerPolicy noSenderRule = new PartnerPolicy(Classification.RESTRICTED, Set.of(MessageType.ALERT), null,
                Set.of(HandlingCode.H2), true, null, null, false);
        PartnerPolicy noTypeRule = new PartnerPolicy(Classification.RESTRICTED, null, null,
                Set.of(HandlingCode.H2), true, null, null, false);
        PartnerPolicy noClassificationRule = new PartnerPolicy(Classification.SECRET, null, null,
                Set.of(HandlingCode.H2), true, null, null, false);

        assertRefused(() -> releasePolicy.evaluate(envelope, "ofast", "morocco", all),
                ReasonCode.SENDER_NOT_AUTHORISED);
        assertRefused(() -> releasePolicy.evaluate(envelope, "ofast", "morocco", noSenderRule),
                ReasonCode.MESSAGE_TYPE_NOT_RELEASABLE);
        assertRefused(() -> releasePolicy.evaluate(envelope, "ofast", "morocco", noTypeRule),
                ReasonCode.CLASSIFICATION_TOO_HIGH);
        assertRefused(() -> releasePolicy.evaluate(envelope, "ofast", "morocco", noClassificationRule),
                ReasonCode.HANDLING_CODE_FORBIDS_RELEASE);
    }

    /** A refusal names header values only: nothing of the body reaches the detail. */
    @Test
    void refusalDetailsCarryNoBodyContent() {
        PartnerPolicy policy = new PartnerPolicy(Classification.UNCLASSIFIED, null, null, null, false, null, null,
                false);

        assertRefused(() -> releasePolicy.evaluate(sample(H2_TO_MOROCCO), "ofast", "morocco", policy),
                ReasonCode.CLASSIFICATION_TOO_HIGH)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("EXEMPLE", "Karim", "P1", "Tanger"));
    }

    /** The H2 sample to Morocco waits for a supervisor when the policy reviews H2. */
    @Test
    void reviewsForAReviewHandlingCode() {
        PartnerPolicy policy = new PartnerPolicy(Classification.CONFIDENTIAL, null,
                Set.of(HandlingCode.H2, HandlingCode.H3), null, false, null, null, false);

        Release release = releasePolicy.evaluate(sample(H2_TO_MOROCCO), "ofast", "morocco", policy);

        assertThat(release.reviewRequired()).isTrue();
        assertThat(release.reviewReasons()).containsExactly("handling code H2 requires review for morocco");
        assertThat(release.toRemove()).isEmpty();
    }

    @Test
    void doesNotReviewWhenNoReviewHandlingCodeIsPresent() {
        PartnerPolicy policy = new PartnerPolicy(Classification.CONFIDENTIAL, null, Set.of(HandlingCode.H2), null,
                false, null, null, false);

        Release release = releasePolicy.evaluate(sample(TO_SPAIN), "ofast", "spain", policy);

        assertThat(release.reviewRequired()).isFalse();
        assertThat(release.reviewReasons()).isEmpty();
    }

    /** A partner whose every message is reviewed gets that reason, along with any handling code's. */
    @Test
    void reviewsEveryMessageWhenReviewAlways() {
        PartnerPolicy always = new PartnerPolicy(Classification.CONFIDENTIAL, null, null, null, false, null, null,
                true);
        PartnerPolicy alwaysAndH1 = new PartnerPolicy(Classification.CONFIDENTIAL, null, Set.of(HandlingCode.H1),
                null, false, null, null, true);

        Release release = releasePolicy.evaluate(sample(TO_SPAIN), "ofast", "spain", always);
        Release both = releasePolicy.evaluate(sample(TO_SPAIN), "ofast", "spain", alwaysAndH1);

        assertThat(release.reviewRequired()).isTrue();
        assertThat(release.reviewReasons()).containsExactly("every message to spain is reviewed");
        assertThat(both.reviewReasons()).containsExactly("every message to spain is reviewed",
                "handling code H1 requires review for spain");
    }

    /** Only the parts the body holds and the partner may not receive are to be removed. */
    @Test
    void removesOnlyPresentPartsThePartnerMayNotReceive() {
        // The sample holds persons, a vehicle, a location and free text: organisations, vessels and the others
        // are not allowed either, but are absent.
        PartnerPolicy policy = new PartnerPolicy(Classification.CONFIDENTIAL, null, null, null, false,
                Set.of(BodyPart.VEHICLES, BodyPart.FREE_TEXT), null, false);

        Release release = releasePolicy.evaluate(sample(H2_TO_MOROCCO), "ofast", "morocco", policy);

        assertThat(release.toRemove()).containsExactly(BodyPart.PERSONS, BodyPart.LOCATIONS);
        assertThat(release.redactionRequired()).isTrue();
        assertThat(release.reviewRequired()).isFalse();
    }

    @Test
    void removesNothingWhenEveryPresentPartIsAllowed() {
        PartnerPolicy policy = new PartnerPolicy(Classification.CONFIDENTIAL, null, null, null, false,
                Set.of(BodyPart.PERSONS, BodyPart.VEHICLES, BodyPart.LOCATIONS, BodyPart.FREE_TEXT), null, false);

        assertThat(releasePolicy.evaluate(sample(H2_TO_MOROCCO), "ofast", "morocco", policy).toRemove()).isEmpty();
    }

    /** A code cannot be both reviewed and forbidden: configuration saying so is refused, naming the code. */
    @Test
    void policyRefusesACodeBothReviewedAndForbidden() {
        assertThatThrownBy(() -> new PartnerPolicy(Classification.RESTRICTED, null,
                Set.of(HandlingCode.H1, HandlingCode.H2), Set.of(HandlingCode.H2), false, null, null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("handling code H2 is both a review and a forbidden handling code");
    }

    @Test
    void policyRequiresAMaximumClassification() {
        assertThatThrownBy(() -> new PartnerPolicy(null, null, null, null, false, null, null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxClassification is required");
    }

    @Test
    void policyRefusesABlankSender() {
        assertThatThrownBy(() -> new PartnerPolicy(Classification.RESTRICTED, null, null, null, false, null,
                Set.of("ofast", " "), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allowedSenders contains a blank service id");
    }

    @Test
    void policyReadsMissingListsAsNoRestriction() {
        PartnerPolicy policy = new PartnerPolicy(Classification.RESTRICTED, null, null, null, false, null, null,
                false);

        assertThat(policy.allowedTypes()).isEmpty();
        assertThat(policy.reviewHandlingCodes()).isEmpty();
        assertThat(policy.forbiddenHandlingCodes()).isEmpty();
        assertThat(policy.allowedBodyParts()).isEmpty();
        assertThat(policy.allowedSenders()).isEmpty();
        assertThat(policy.allows(BodyPart.PERSONS)).isTrue();
    }

    @Test
    void bodyPartsAreFoundByTheirConfigurationName() {
        assertThat(BodyPart.fromName("financial-accounts")).isEqualTo(BodyPart.FINANCIAL_ACCOUNTS);
        assertThat(BodyPart.fromName("free-text")).isEqualTo(BodyPart.FREE_TEXT);
        for (BodyPart part : BodyPart.values()) {
            assertThat(BodyPart.fromName(part.configName())).isEqualTo(part);
        }
        assertThatThrownBy(() -> BodyPart.fromName("people"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown body part 'people'; valid names: persons, organisations, vehicles, vessels,"
                        + " containers, locations, financial-accounts, seizures, free-text, attachments");
    }

    @Test
    void bodyPartsTellWhatTheBodyHolds() {
        Envelope envelope = sample(H2_TO_MOROCCO);

        assertThat(BodyPart.PERSONS.isPresentIn(envelope)).isTrue();
        assertThat(BodyPart.PERSONS.idsIn(envelope)).containsExactly("P1", "P2");
        assertThat(BodyPart.FREE_TEXT.isPresentIn(envelope)).isTrue();
        assertThat(BodyPart.FREE_TEXT.idsIn(envelope)).isEmpty();
        assertThat(BodyPart.ORGANISATIONS.isPresentIn(envelope)).isFalse();
        assertThat(BodyPart.ORGANISATIONS.idsIn(envelope)).isEmpty();
    }

    @Test
    void releaseRequiresAReasonForAReview() {
        assertThatThrownBy(() -> new Release(true, List.of(), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Release(false, List.of("every message to spain is reviewed"), Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static Envelope sample(String name) {
        return read(TestPki.sample(name));
    }

    static Envelope read(Path file) {
        try {
            return new EnvelopeReader(1 << 20).read(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
