package fr.passerelle.routes.seal;

import static fr.passerelle.routes.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.KEMRecipientInformation;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationStore;
import org.junit.jupiter.api.Test;

import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestPki;

/** The experimental pq-hybrid profile: round trips, both signatures required, either recipient enough. */
class PqHybridProfileTest {

    private static final byte[] PLAINTEXT =
            "<Envelope xmlns=\"urn:passerelle:envelope:1\">sample</Envelope>".getBytes(StandardCharsets.UTF_8);

    private final PqHybridProfile frProfile =
            PqHybridProfile.load(TestPki.dir("fr"), List.of(TestPki.dir("spain")));
    private final PqHybridProfile spainProfile =
            PqHybridProfile.load(TestPki.dir("spain"), List.of(TestPki.dir("fr")));
    private final LocalIdentity fr = TestPki.identity("fr");
    private final LocalIdentity spain = TestPki.identity("spain");
    private final Partner spainAsPartner = TestPki.partner("spain");
    private final Partner frAsPartner = TestPki.partner("fr");
    private final X509Certificate spainMlKem = TestPki.credential("spain", "mlkem").certificate();

    @Test
    void sealedForSpainOpensForSpainWithFrAsSigner() {
        byte[] sealed = frProfile.seal(PLAINTEXT, fr.signing(), spainAsPartner.currentEncryption());

        Opened opened = spainProfile.open(sealed, spain.decryption(), frAsPartner.trust());

        assertThat(opened.content()).isEqualTo(PLAINTEXT);
        assertThat(opened.signer()).isEqualTo(fr.signing().certificate());
    }

    @Test
    void sealedForFrOpensForFrWithSpainAsSigner() {
        byte[] sealed = spainProfile.seal(PLAINTEXT, spain.signing(), frAsPartner.currentEncryption());

        Opened opened = frProfile.open(sealed, fr.decryption(), spainAsPartner.trust());

        assertThat(opened.content()).isEqualTo(PLAINTEXT);
        assertThat(opened.signer()).isEqualTo(spain.signing().certificate());
    }

    @Test
    void sealsWithBothRecipientsAndBothSigners() throws Exception {
        byte[] sealed = frProfile.seal(PLAINTEXT, fr.signing(), spainAsPartner.currentEncryption());

        CMSAuthEnvelopedData enveloped = new CMSAuthEnvelopedData(sealed);
        assertThat(enveloped.getRecipientInfos().getRecipients())
                .extracting(RecipientInformation::getKeyEncryptionAlgOID)
                .containsExactlyInAnyOrder(PKCSObjectIdentifiers.id_RSAES_OAEP.getId(),
                        NISTObjectIdentifiers.id_alg_ml_kem_768.getId());
        KEMRecipientInformation kem = (KEMRecipientInformation) enveloped.getRecipientInfos().getRecipients().stream()
                .filter(KEMRecipientInformation.class::isInstance).findFirst().orElseThrow();
        assertThat(kem.getKdfAlgorithm().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_alg_hkdf_with_sha256);

        CMSSignedData signed = new CMSSignedData(frProfile.decrypt(sealed,
                List.of(TestPki.credential("spain", "mlkem"))));
        assertThat(signed.getSignerInfos().getSigners()).extracting(SignerInformation::getEncryptionAlgOID)
                .containsExactlyInAnyOrder(X9ObjectIdentifiers.ecdsa_with_SHA256.getId(),
                        NISTObjectIdentifiers.id_ml_dsa_65.getId());
        assertThat(signed.getSignerInfos().getSigners()).extracting(SignerInformation::getDigestAlgOID)
                .containsExactlyInAnyOrder(NISTObjectIdentifiers.id_sha256.getId(),
                        NISTObjectIdentifiers.id_sha512.getId());
    }

    @Test
    void decryptsThroughMlKemWhenItHoldsTheKey() {
        byte[] sealed = frProfile.seal(PLAINTEXT, fr.signing(), spainAsPartner.currentEncryption());
        // An RSA credential with the wrong key would fail if it were tried first, whatever the list order.
        Credential brokenRsa = new Credential(TestPki.credential("morocco", "enc").key(),
                spain.decryption().get(0).certificate());

        Opened opened = spainProfile.open(sealed, List.of(brokenRsa), frAsPartner.trust());

        assertThat(opened.content()).isEqualTo(PLAINTEXT);
    }

    @Test
    void opensWithOnlyTheClassicalKey() {
        byte[] sealed = frProfile.seal(PLAINTEXT, fr.signing(), spainAsPartner.currentEncryption());
        PqHybridProfile withoutMlKem = new PqHybridProfile(TestPki.credential("spain", "mldsa"), List.of(), Map.of());

        Opened opened = withoutMlKem.open(sealed, spain.decryption(), frAsPartner.trust());

        assertThat(opened.content()).isEqualTo(PLAINTEXT);
    }

    /** Downgrade: the ML-DSA signer is stripped, leaving a signature a quantum forger could make. */
    @Test
    void refusesAMessageWhoseMlDsaSignerWasStripped() throws Exception {
        byte[] sealed = frProfile.encrypt(keepSigners(hybridSignedByFr(), this::isEcdsa),
                spainAsPartner.currentEncryption(), spainMlKem);

        assertRefused(() -> spainProfile.open(sealed, spain.decryption(), frAsPartner.trust()),
                ReasonCode.NOT_SIGNED);
    }

    /** Downgrade: the ECDSA signer is stripped, leaving the message on a young algorithm alone. */
    @Test
    void refusesAMessageWhoseEcdsaSignerWasStripped() throws Exception {
        byte[] sealed = frProfile.encrypt(keepSigners(hybridSignedByFr(), signer -> !isEcdsa(signer)),
                spainAsPartner.currentEncryption(), spainMlKem);

        assertRefused(() -> spainProfile.open(sealed, spain.decryption(), frAsPartner.trust()),
                ReasonCode.NOT_SIGNED);
    }

    /** Substitution: the ML-DSA signer is swapped for a second classical one. */
    @Test
    void refusesTwoClassicalSignersInsteadOfOneOfEach() throws Exception {
        CMSSignedData hybrid = new CMSSignedData(hybridSignedByFr());
        SignerInformation ecdsa = hybrid.getSignerInfos().getSigners().stream().filter(this::isEcdsa).findFirst()
                .orElseThrow();
        SignerInformation another = new CMSSignedData(new CmsProfile().sign(PLAINTEXT, fr.signing()))
                .getSignerInfos().getSigners().iterator().next();
        byte[] signed = CMSSignedData.replaceSigners(hybrid, new SignerInformationStore(List.of(ecdsa, another)))
                .getEncoded("DER");
        byte[] sealed = frProfile.encrypt(signed, spainAsPartner.currentEncryption(), spainMlKem);

        assertRefused(() -> spainProfile.open(sealed, spain.decryption(), frAsPartner.trust()),
                ReasonCode.NOT_SIGNED);
    }

    /** Forgery: the ML-DSA signature was made with another key than its certificate says. */
    @Test
    void refusesAnMlDsaSignatureThatDoesNotVerify() {
        Credential wrongKey = new Credential(TestPki.credential("morocco", "mldsa").key(),
                TestPki.credential("fr", "mldsa").certificate());
        byte[] sealed = frProfile.encrypt(frProfile.sign(PLAINTEXT, fr.signing(), wrongKey),
                spainAsPartner.currentEncryption(), spainMlKem);

        assertRefused(() -> spainProfile.open(sealed, spain.decryption(), frAsPartner.trust()),
                ReasonCode.SIGNATURE_INVALID);
    }

    /** Impersonation: Morocco's ML-DSA key vouches for a message signed classically by fr. */
    @Test
    void refusesAnMlDsaSignerFromAnotherPartner() {
        byte[] sealed = frProfile.encrypt(
                frProfile.sign(PLAINTEXT, fr.signing(), TestPki.credential("morocco", "mldsa")),
                spainAsPartner.currentEncryption(), spainMlKem);

        assertRefused(() -> spainProfile.open(sealed, spain.decryption(), frAsPartner.trust()),
                ReasonCode.CERT_UNKNOWN_CA);
    }

    /** Tampering in transit: one flipped bit in the ciphertext breaks the GCM tag. */
    @Test
    void refusesAlteredCiphertext() {
        byte[] sealed = frProfile.seal(PLAINTEXT, fr.signing(), spainAsPartner.currentEncryption());
        sealed[sealed.length - 40] ^= 0x01;

        assertRefused(() -> spainProfile.open(sealed, spain.decryption(), frAsPartner.trust()),
                ReasonCode.DECRYPTION_FAILED);
    }

    /** A message meant for someone else never reaches the signature step. */
    @Test
    void refusesAMessageNotEncryptedForUs() {
        byte[] sealed = frProfile.seal(PLAINTEXT, fr.signing(), spainAsPartner.currentEncryption());

        assertRefused(() -> frProfile.open(sealed, fr.decryption(), spainAsPartner.trust()), ReasonCode.NOT_FOR_US);
    }

    /** Silent downgrade: a partner without an ML-KEM certificate is not sealed for classically alone. */
    @Test
    void refusesToSealForAPartnerWithoutMlKemCertificate() {
        X509Certificate morocco = TestPki.partner("morocco").currentEncryption();

        assertRefused(() -> frProfile.seal(PLAINTEXT, fr.signing(), morocco), ReasonCode.SEAL_FAILED);
    }

    private byte[] hybridSignedByFr() {
        return frProfile.sign(PLAINTEXT, fr.signing(), TestPki.credential("fr", "mldsa"));
    }

    private static byte[] keepSigners(byte[] signedData, Predicate<SignerInformation> keep) throws Exception {
        CMSSignedData signed = new CMSSignedData(signedData);
        return CMSSignedData.replaceSigners(signed, new SignerInformationStore(
                signed.getSignerInfos().getSigners().stream().filter(keep).toList())).getEncoded("DER");
    }

    private boolean isEcdsa(SignerInformation signer) {
        return X9ObjectIdentifiers.ecdsa_with_SHA256.getId().equals(signer.getEncryptionAlgOID());
    }
}
