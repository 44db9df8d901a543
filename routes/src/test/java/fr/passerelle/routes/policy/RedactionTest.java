package fr.passerelle.routes.policy;

import static fr.passerelle.routes.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import javax.xml.transform.stream.StreamSource;

import org.junit.jupiter.api.Test;

import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.validate.EnvelopeReader;
import fr.passerelle.schema.Schemas;
import fr.passerelle.schema.envelope.Body;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.FinancialAccount;

/** Removes parts from samples; expects a new envelope valid against the XSD, the input untouched, ids only told. */
class RedactionTest {

    /**
     * The H2 sample to Morocco with two accounts held by its persons: ACC1 refers to P1, the second, without id,
     * to P2. A third, ACC3, refers to the vehicle, which stays.
     */
    private static final String ACCOUNTS = """
                <financialAccount id="ACC1" holderRef="P1">
                  <iban>FR7699999000010009876543210</iban>
                  <holder>EXEMPLE Karim</holder>
                  <institution>Banque Fictive de France</institution>
                </financialAccount>
                <financialAccount holderRef="P2">
                  <accountNumber>000-FICTIF-42</accountNumber>
                  <holder>FICTIF Youssef</holder>
                </financialAccount>
                <financialAccount id="ACC3" holderRef="VH1">
                  <accountNumber>000-FICTIF-43</accountNumber>
                </financialAccount>
            """;

    private final Redaction redaction = new Redaction();

    /** Persons go; accounts stay without the reference and name of their removed holder; everything else stays. */
    @Test
    void removesPersonsAndTheirHolderReferences() {
        Envelope input = withAccountsOfPersons();
        byte[] before = Redaction.toXml(input);

        Redaction.Redacted redacted = redaction.apply(input, Set.of(BodyPart.PERSONS));

        byte[] xml = Redaction.toXml(redacted.envelope());
        assertValid(xml);
        Body body = redacted.envelope().getBody();
        assertThat(body.getPerson()).isEmpty();
        assertThat(new String(xml, StandardCharsets.UTF_8)).doesNotContain("EXEMPLE", "Karim", "FICTIF Youssef");
        assertThat(body.getVehicle()).extracting("id").containsExactly("VH1");
        assertThat(body.getLocation()).extracting("id").containsExactly("L1");
        assertThat(body.getFreeText()).isEqualTo(input.getBody().getFreeText());
        List<FinancialAccount> accounts = body.getFinancialAccount();
        assertThat(accounts).hasSize(3);
        assertThat(accounts.get(0).getId()).isEqualTo("ACC1");
        assertThat(accounts.get(0).getHolderRef()).isNull();
        assertThat(accounts.get(0).getHolder()).isNull();
        assertThat(accounts.get(0).getIban()).isEqualTo("FR7699999000010009876543210");
        assertThat(accounts.get(1).getHolderRef()).isNull();
        assertThat(accounts.get(1).getAccountNumber()).isEqualTo("000-FICTIF-42");
        assertThat(accounts.get(2).getHolderRef()).isEqualTo("VH1");
        assertThat(redacted.envelope().getMessageId()).isEqualTo(input.getMessageId());
        assertThat(redacted.envelope().getHandlingCodes().getHandlingCode())
                .isEqualTo(input.getHandlingCodes().getHandlingCode());

        assertThat(redacted.changed()).isTrue();
        assertThat(redacted.description()).isEqualTo("removed persons P1, P2; holder reference and name dropped"
                + " from financial-accounts ACC1 and 1 without id, whose holder was removed");

        assertThat(Redaction.toXml(input)).isEqualTo(before);
        assertThat(input.getBody().getPerson()).hasSize(2);
        assertThat(input.getBody().getFinancialAccount().get(0).getHolderRef()).isEqualTo("P1");
    }

    /** The sample's account held by an organisation keeps its data but loses the reference when it goes. */
    @Test
    void removesAnOrganisationHoldingAnAccount() {
        Envelope input = ReleasePolicyTest.sample("asset-tracing-request-to-amon.xml");

        Redaction.Redacted redacted = redaction.apply(input, Set.of(BodyPart.ORGANISATIONS));

        assertValid(Redaction.toXml(redacted.envelope()));
        assertThat(redacted.envelope().getBody().getOrganisation()).isEmpty();
        assertThat(redacted.envelope().getBody().getFinancialAccount()).extracting("id")
                .containsExactly("ACC1", "ACC2");
        assertThat(redacted.envelope().getBody().getFinancialAccount().get(0).getHolderRef()).isNull();
        assertThat(redacted.envelope().getBody().getAttachment()).extracting("id").containsExactly("AT1");
        assertThat(redacted.description()).isEqualTo("removed organisations O1; holder reference and name dropped"
                + " from financial-accounts ACC1, whose holder was removed");
    }

    /** Parts without ids (free text, and entities whose id is optional) are counted, never quoted. */
    @Test
    void describesPartsWithoutIdsByCount() {
        Envelope input = ReleasePolicyTest.sample("asset-tracing-request-to-amon.xml");
        input.getBody().getFinancialAccount().get(1).setId(null);

        Redaction.Redacted redacted = redaction.apply(input,
                EnumSet.of(BodyPart.FINANCIAL_ACCOUNTS, BodyPart.FREE_TEXT, BodyPart.ATTACHMENTS));

        assertValid(Redaction.toXml(redacted.envelope()));
        assertThat(redacted.description())
                .isEqualTo("removed financial-accounts ACC1 and 1 without id; free-text; attachments AT1")
                .doesNotContain("FICTIONAL", "ledger-extract", "FR87");
        assertThat(redacted.envelope().getBody().getOrganisation()).hasSize(1);
    }

    /** Whatever is removed from whichever sample, what remains is a valid envelope. */
    @Test
    void everySampleStaysValidWithEveryPartRemoved() throws IOException {
        try (Stream<Path> files = Files.list(TestPki.sample("."))) {
            for (Path sample : files.filter(file -> file.toString().endsWith(".xml")).sorted().toList()) {
                Envelope input = ReleasePolicyTest.read(sample);
                for (BodyPart part : BodyPart.values()) {
                    Redaction.Redacted one = redaction.apply(input, Set.of(part));
                    assertValid(Redaction.toXml(one.envelope()));
                    assertThat(part.isPresentIn(one.envelope())).isFalse();
                }
                Redaction.Redacted all = redaction.apply(input, EnumSet.allOf(BodyPart.class));
                assertValid(Redaction.toXml(all.envelope()));
            }
        }
    }

    /** Removing nothing, or only parts the body does not hold, gives an equal document and says nothing. */
    @Test
    void removingNothingGivesAnEqualDocument() {
        Envelope input = withAccountsOfPersons();

        Redaction.Redacted none = redaction.apply(input, Set.of());
        Redaction.Redacted absent = redaction.apply(input, Set.of(BodyPart.VESSELS, BodyPart.ATTACHMENTS));

        assertThat(none.envelope()).isNotSameAs(input);
        assertThat(Redaction.toXml(none.envelope())).isEqualTo(Redaction.toXml(input));
        assertThat(none.description()).isEmpty();
        assertThat(none.changed()).isFalse();
        assertThat(Redaction.toXml(absent.envelope())).isEqualTo(Redaction.toXml(input));
        assertThat(absent.changed()).isFalse();
    }

    /** The redacted copy is independent: changing it leaves the input as it was. */
    @Test
    void theCopySharesNothingWithTheInput() {
        Envelope input = withAccountsOfPersons();

        Redaction.Redacted redacted = redaction.apply(input, Set.of());
        redacted.envelope().getBody().getVehicle().get(0).setMake("changed");
        redacted.envelope().getRecipients().getRecipient().add("spain");

        assertThat(input.getBody().getVehicle().get(0).getMake()).isEqualTo("Renault");
        assertThat(input.getRecipients().getRecipient()).containsExactly("morocco");
    }

    /** An envelope that no longer conforms is not written out, and the detail quotes none of its content. */
    @Test
    void toXmlRefusesAnInvalidEnvelopeWithoutQuotingIt() {
        Envelope input = ReleasePolicyTest.sample("intel-report-h2-to-morocco.xml");
        input.getBody().getPerson().get(0).setDocumentNumber("??EXEMPLE??");

        assertRefused(() -> Redaction.toXml(input), ReasonCode.INTERNAL_ERROR)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("EXEMPLE"));
    }

    private static Envelope withAccountsOfPersons() {
        try {
            String sample = Files.readString(TestPki.sample("intel-report-h2-to-morocco.xml"));
            String xml = sample.replace("    <freeText>", ACCOUNTS + "    <freeText>");
            assertThat(xml).contains("holderRef=\"P1\"");
            return new EnvelopeReader(1 << 20).read(xml.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertValid(byte[] xml) {
        assertThatCode(() -> Schemas.newValidator(Schemas.envelopeSchema())
                .validate(new StreamSource(new ByteArrayInputStream(xml))))
                .doesNotThrowAnyException();
    }
}
