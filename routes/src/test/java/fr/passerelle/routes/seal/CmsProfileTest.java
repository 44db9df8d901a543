package fr.passerelle.routes.seal;

import static fr.passerelle.routes.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.cms.Time;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.routes.Bytes;
import fr.passerelle.routes.OpenSsl;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestPki;

/** The cms profile: round trips, interoperability with openssl in both directions, and every refusal. */
class CmsProfileTest {

    private static final byte[] PLAINTEXT =
            "<Envelope xmlns=\"urn:passerelle:envelope:1\">sample</Envelope>".getBytes(StandardCharsets.UTF_8);

    private final CmsProfile cms = new CmsProfile();
    private final LocalIdentity fr = TestPki.identity("fr");
    private final LocalIdentity spain = TestPki.identity("spain");
    private final Partner spainAsPartner = TestPki.partner("spain");
    private final Partner frAsPartner = TestPki.partner("fr");

    @TempDir
    Path work;

    @Test
    void sealedForSpainOpensForSpainWithFrAsSigner() {
        byte[] sealed = cms.seal(PLAINTEXT, fr.signing(), spainAsPartner.currentEncryption());

        Opened opened = cms.open(sealed, spain.decryption(), frAsPartner.trust());

        assertThat(opened.content()).isEqualTo(PLAINTEXT);
        assertThat(opened.signer()).isEqualTo(fr.signing().certificate());
    }

    @Test
    void opensslDecryptsAndVerifiesWhatWeSeal() throws Exception {
        OpenSsl.assumePresent();
        Files.write(work.resolve("sealed.der"), cms.seal(PLAINTEXT, fr.signing(), spainAsPartner.currentEncryption()));

        OpenSsl.decryptAndVerify(work, "sealed.der", "spain", "fr", "plain.xml");

        assertThat(Files.readAllBytes(work.resolve("plain.xml"))).isEqualTo(PLAINTEXT);
    }

    @Test
    void weOpenWhatOpensslSeals() throws Exception {
        OpenSsl.assumePresent();
        Files.write(work.resolve("plain.xml"), PLAINTEXT);
        OpenSsl.signAndEncrypt(work, "plain.xml", "spain", "fr", "sealed.der");

        Opened opened = cms.open(Files.readAllBytes(work.resolve("sealed.der")), fr.decryption(),
                spainAsPartner.trust());

        assertThat(opened.content()).isEqualTo(PLAINTEXT);
        assertThat(opened.signer()).isEqualTo(TestPki.credential("spain", "sign").certificate());
    }

    /** Impersonation: Morocco signs, but the message claims to come from Spain's channel. */
    @Test
    void refusesASignerFromAnotherPartner() throws Exception {
        byte[] sealed = cms.seal(PLAINTEXT, TestPki.credential("morocco", "sign"), frAsPartner.currentEncryption());

        assertRefused(() -> cms.open(sealed, fr.decryption(), spainAsPartner.trust()),
                ReasonCode.CERT_UNKNOWN_CA);
    }

    /** Use of a certificate past its end of validity. */
    @Test
    void refusesAnExpiredSigner() {
        byte[] sealed = cms.seal(PLAINTEXT, TestPki.credential("spain", "sign"), frAsPartner.currentEncryption());
        Instant afterExpiry = TestPki.credential("spain", "sign").certificate().getNotAfter().toInstant()
                .plus(Duration.ofDays(1));
        Partner spainLater = PartyDirectory.partner("spain", TestPki.dir("spain"),
                Clock.fixed(afterExpiry, ZoneOffset.UTC));

        assertRefused(() -> cms.open(sealed, fr.decryption(), spainLater.trust()), ReasonCode.CERT_EXPIRED);
    }

    /** A key used for the wrong role: Spain's TLS key cannot stand in for its signing key. */
    @Test
    void refusesASignerWhoseCertificateIsForTls() {
        byte[] sealed = cms.seal(PLAINTEXT, TestPki.credential("spain", "tls"), frAsPartner.currentEncryption());

        assertRefused(() -> cms.open(sealed, fr.decryption(), spainAsPartner.trust()),
                ReasonCode.CERT_WRONG_USAGE);
    }

    /** Tampering in transit: one flipped bit anywhere in the ciphertext breaks the GCM tag. */
    @Test
    void refusesAlteredCiphertext() {
        byte[] sealed = cms.seal(PLAINTEXT, TestPki.credential("spain", "sign"), frAsPartner.currentEncryption());
        sealed[sealed.length - 40] ^= 0x01;

        assertRefused(() -> cms.open(sealed, fr.decryption(), spainAsPartner.trust()),
                ReasonCode.DECRYPTION_FAILED);
    }

    /** A message meant for someone else never reaches the signature step. */
    @Test
    void refusesAMessageNotEncryptedForUs() {
        byte[] sealed = cms.seal(PLAINTEXT, fr.signing(), spainAsPartner.currentEncryption());

        assertRefused(() -> cms.open(sealed, fr.decryption(), spainAsPartner.trust()), ReasonCode.NOT_FOR_US);
    }

    /** Garbage or plaintext posted as if sealed. */
    @Test
    void refusesBytesThatAreNotCms() {
        assertRefused(() -> cms.open(PLAINTEXT, fr.decryption(), spainAsPartner.trust()), ReasonCode.NOT_CMS);
    }

    /** Downgrade: unauthenticated CBC EnvelopedData instead of AES-256-GCM AuthEnvelopedData. */
    @Test
    void refusesUnauthenticatedEnvelopedData() throws Exception {
        OpenSsl.assumePresent();
        Files.write(work.resolve("plain.xml"), PLAINTEXT);
        OpenSsl.run(work, "cms", "-encrypt", "-binary", "-in", "plain.xml", "-outform", "DER", "-aes-256-cbc",
                "-out", "cbc.der", TestPki.dir("fr").resolve("enc.pem").toString());

        byte[] cbc = Files.readAllBytes(work.resolve("cbc.der"));

        assertRefused(() -> cms.open(cbc, fr.decryption(), spainAsPartner.trust()), ReasonCode.NOT_CMS);
    }

    /** Encryption without a signature proves nothing about the sender. */
    @Test
    void refusesEncryptedButUnsignedContent() {
        byte[] sealed = cms.encrypt(PLAINTEXT, frAsPartner.currentEncryption());

        assertRefused(() -> cms.open(sealed, fr.decryption(), spainAsPartner.trust()), ReasonCode.NOT_SIGNED);
    }

    /** Content swapped under a valid signer: the digest no longer matches. */
    @Test
    void refusesSignedDataWhoseContentWasReplaced() {
        byte[] signed = cms.sign(PLAINTEXT, TestPki.credential("spain", "sign"));
        String marker = "sample";
        int at = Bytes.indexOf(signed, marker.getBytes(StandardCharsets.US_ASCII));
        signed[at] = 'S';
        byte[] sealed = cms.encrypt(signed, frAsPartner.currentEncryption());

        assertRefused(() -> cms.open(sealed, fr.decryption(), spainAsPartner.trust()),
                ReasonCode.SIGNATURE_INVALID);
    }

    /**
     * Two signatures made one after the other; expects each signer info to carry the standard signed attributes
     * once each (content type, message digest, algorithm protection, signing time), its signing time the second it
     * was made, and each digest its own content's.
     */
    @Test
    void signaturesCarryTheirSigningTimeOnceWithTheStandardAttributes() throws Exception {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        byte[] first = cms.sign(PLAINTEXT, fr.signing());
        byte[] second = cms.sign("<other/>".getBytes(StandardCharsets.UTF_8), fr.signing());
        Instant after = Instant.now();

        for (byte[] signed : List.of(first, second)) {
            SignerInformation signer = new CMSSignedData(signed)
                    .getSignerInfos().getSigners().iterator().next();
            AttributeTable attributes = signer.getSignedAttributes();
            assertThat(attributes.size()).isEqualTo(4);
            assertThat(attributes.getAll(CMSAttributes.signingTime).size()).isEqualTo(1);
            assertThat(attributes.get(CMSAttributes.contentType)).isNotNull();
            assertThat(attributes.get(CMSAttributes.messageDigest)).isNotNull();
            assertThat(attributes.get(CMSAttributes.cmsAlgorithmProtect)).isNotNull();
            Instant signedAt = Time.getInstance(attributes
                    .get(CMSAttributes.signingTime).getAttrValues().getObjectAt(0))
                    .getDate().toInstant();
            assertThat(signedAt).isBetween(before, after);
        }
        assertThat(cms.verify(first, frAsPartner.trust()).content()).isEqualTo(PLAINTEXT);
        assertThat(cms.verify(second, frAsPartner.trust()).content()).isEqualTo("<other/>".getBytes(
                StandardCharsets.UTF_8));
    }
}
