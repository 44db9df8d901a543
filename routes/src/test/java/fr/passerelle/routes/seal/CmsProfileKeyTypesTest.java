package fr.passerelle.routes.seal;

import static fr.passerelle.routes.Refusals.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.cms.AuthEnvelopedData;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.cms.KeyAgreeRecipientInfo;
import org.bouncycastle.asn1.cms.RecipientEncryptedKey;
import org.bouncycastle.asn1.cms.RecipientInfo;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSASSAPSSparams;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSAuthEnvelopedData;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.SignerInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import fr.passerelle.routes.Bytes;
import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.OpenSsl;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestPki;

/**
 * The cms profile with either key type on each side: an ECDSA or RSA-PSS signer ({@code sign}, {@code sign-rsa})
 * and an RSA-OAEP or ECDH recipient ({@code enc}, {@code enc-ec}), with us and openssl on either end.
 */
class CmsProfileKeyTypesTest {

    private static final byte[] PLAINTEXT =
            "<Envelope xmlns=\"urn:passerelle:envelope:1\">sample</Envelope>".getBytes(StandardCharsets.UTF_8);

    private final CmsProfile cms = new CmsProfile();
    private final LocalIdentity fr = TestPki.identity("fr");
    private final Partner spain = TestPki.partner("spain");

    @TempDir
    Path work;

    static Stream<Arguments> signersAndRecipients() {
        return Stream.of(arguments("sign", "enc"), arguments("sign", "enc-ec"),
                arguments("sign-rsa", "enc"), arguments("sign-rsa", "enc-ec"));
    }

    @ParameterizedTest(name = "{0} signs, sealed for {1}")
    @MethodSource("signersAndRecipients")
    void roundTrip(String signer, String recipient) {
        byte[] sealed = cms.seal(PLAINTEXT, TestPki.credential("fr", signer), certificate("spain", recipient));

        // Spain's folder holds enc and enc-ec: the right one must be picked by the recipient identifier.
        Opened opened = cms.open(sealed, TestPki.identity("spain").decryption(), TestPki.partner("fr").trust());

        assertThat(opened.content()).isEqualTo(PLAINTEXT);
        assertThat(opened.signer()).isEqualTo(TestPki.credential("fr", signer).certificate());
    }

    @Test
    void usesTheAlgorithmsOfTheProfile() throws Exception {
        SignerInformation pss = new CMSSignedData(cms.sign(PLAINTEXT, TestPki.credential("fr", "sign-rsa")))
                .getSignerInfos().getSigners().iterator().next();
        assertThat(pss.getEncryptionAlgOID()).isEqualTo(PKCSObjectIdentifiers.id_RSASSA_PSS.getId());
        RSASSAPSSparams parameters = RSASSAPSSparams.getInstance(pss.getEncryptionAlgParams());
        assertThat(parameters.getHashAlgorithm().getAlgorithm()).isEqualTo(NISTObjectIdentifiers.id_sha256);
        assertThat(AlgorithmIdentifier.getInstance(parameters.getMaskGenAlgorithm().getParameters()).getAlgorithm())
                .isEqualTo(NISTObjectIdentifiers.id_sha256);
        assertThat(parameters.getSaltLength()).isEqualTo(32);
        SignerInformation ecdsa = new CMSSignedData(cms.sign(PLAINTEXT, TestPki.credential("fr", "sign")))
                .getSignerInfos().getSigners().iterator().next();
        assertThat(ecdsa.getEncryptionAlgOID()).isEqualTo(X9ObjectIdentifiers.ecdsa_with_SHA256.getId());

        RecipientInformation ecdh = recipientOf(cms.encrypt(PLAINTEXT, certificate("spain", "enc-ec")));
        assertThat(ecdh).isInstanceOf(KeyAgreeRecipientInformation.class);
        assertThat(ecdh.getKeyEncryptionAlgorithm().getAlgorithm()).isEqualTo(CMSAlgorithm.ECDH_SHA256KDF);
        assertThat(AlgorithmIdentifier.getInstance(ecdh.getKeyEncryptionAlgorithm().getParameters()).getAlgorithm())
                .isEqualTo(CMSAlgorithm.AES256_WRAP);
        RecipientInformation oaep = recipientOf(cms.encrypt(PLAINTEXT, certificate("spain", "enc")));
        assertThat(oaep).isInstanceOf(KeyTransRecipientInformation.class);
        assertThat(oaep.getKeyEncryptionAlgorithm().getAlgorithm()).isEqualTo(PKCSObjectIdentifiers.id_RSAES_OAEP);
    }

    @ParameterizedTest(name = "{0} signs, sealed for {1}")
    @MethodSource("signersAndRecipients")
    void opensslOpensWhatWeSeal(String signer, String recipient) throws Exception {
        OpenSsl.assumePresent();
        Files.write(work.resolve("sealed.der"),
                cms.seal(PLAINTEXT, TestPki.credential("fr", signer), certificate("spain", recipient)));

        OpenSsl.run(work, "cms", "-decrypt", "-inform", "DER", "-in", "sealed.der", "-binary",
                "-recip", file("spain", recipient + ".pem"), "-inkey", file("spain", recipient + ".key"),
                "-out", "signed.der");
        OpenSsl.run(work, "cms", "-verify", "-inform", "DER", "-in", "signed.der", "-binary",
                "-CAfile", file("fr", "ca.pem"), "-out", "plain.xml");

        assertThat(Files.readAllBytes(work.resolve("plain.xml"))).isEqualTo(PLAINTEXT);
    }

    @ParameterizedTest(name = "{0} signs, sealed for {1}")
    @MethodSource("signersAndRecipients")
    void weOpenWhatOpensslSeals(String signer, String recipient) throws Exception {
        OpenSsl.assumePresent();
        opensslSign(signer, "sha256", signingOptions(signer));
        opensslEncrypt(recipient, encryptionOptions(recipient));

        Opened opened = cms.open(Files.readAllBytes(work.resolve("sealed.der")), fr.decryption(), spain.trust());

        assertThat(opened.content()).isEqualTo(PLAINTEXT);
        assertThat(opened.signer()).isEqualTo(TestPki.credential("spain", signer).certificate());
    }

    @ParameterizedTest(name = "sealed for {0}")
    @ValueSource(strings = {"enc", "enc-ec"})
    void weFindOurKeyBySubjectKeyIdentifier(String recipient) throws Exception {
        OpenSsl.assumePresent();
        opensslSign("sign", "sha256");
        List<String> options = new ArrayList<>(List.of("-keyid"));
        options.addAll(List.of(encryptionOptions(recipient)));
        opensslEncrypt(recipient, options.toArray(String[]::new));

        Opened opened = cms.open(Files.readAllBytes(work.resolve("sealed.der")), fr.decryption(), spain.trust());

        assertThat(opened.content()).isEqualTo(PLAINTEXT);
    }

    /** Tampering in transit: a content key wrapped under ECDH, altered, fails exactly like altered ciphertext. */
    @Test
    void refusesAnAlteredEcdhWrappedKeyLikeAlteredCiphertext() {
        byte[] sealed = cms.seal(PLAINTEXT, TestPki.credential("spain", "sign"), certificate("fr", "enc-ec"));
        byte[] wrongKey = sealed.clone();
        wrongKey[Bytes.indexOf(wrongKey, wrappedKey(sealed))] ^= 0x01;
        byte[] wrongContent = sealed.clone();
        wrongContent[wrongContent.length - 40] ^= 0x01;

        GatewayException keyRefusal = refusal(() -> cms.open(wrongKey, fr.decryption(), spain.trust()));
        GatewayException contentRefusal = refusal(() -> cms.open(wrongContent, fr.decryption(), spain.trust()));

        assertThat(keyRefusal.reason()).isEqualTo(ReasonCode.DECRYPTION_FAILED);
        assertThat(contentRefusal.reason()).isEqualTo(ReasonCode.DECRYPTION_FAILED);
        assertThat(keyRefusal.getMessage()).isEqualTo(contentRefusal.getMessage());
    }

    /** Misdirection: a message key-agreed with Morocco's EC key is not ours to open. */
    @Test
    void refusesAnEcdhMessageForAnotherParty() {
        byte[] sealed = cms.seal(PLAINTEXT, TestPki.credential("spain", "sign"), certificate("morocco", "enc-ec"));

        assertRefused(() -> cms.open(sealed, fr.decryption(), spain.trust()), ReasonCode.NOT_FOR_US);
    }

    /** Legacy signature scheme: RSA PKCS#1 v1.5 instead of RSA-PSS. */
    @Test
    void refusesAnRsaPkcs1Signature() throws Exception {
        OpenSsl.assumePresent();
        opensslSign("sign-rsa", "sha256");
        opensslEncrypt("enc", encryptionOptions("enc"));
        byte[] sealed = Files.readAllBytes(work.resolve("sealed.der"));

        assertRefused(() -> cms.open(sealed, fr.decryption(), spain.trust()),
                ReasonCode.SIGNATURE_INVALID);
    }

    /** Collision-prone digest: a SHA-1 signature, whatever the key type. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sign", "sign-rsa"})
    void refusesASha1Signature(String signer) throws Exception {
        OpenSsl.assumePresent();
        opensslSign(signer, "sha1", signingOptions(signer));
        opensslEncrypt("enc", encryptionOptions("enc"));
        byte[] sealed = Files.readAllBytes(work.resolve("sealed.der"));

        assertRefused(() -> cms.open(sealed, fr.decryption(), spain.trust()),
                ReasonCode.SIGNATURE_INVALID);
    }

    /** Weakened key management: openssl's defaults, SHA-1 KDF for ECDH and PKCS#1 v1.5 for RSA key transport. */
    @ParameterizedTest(name = "sealed for {0}")
    @ValueSource(strings = {"enc", "enc-ec"})
    void refusesOpensslDefaultKeyManagement(String recipient) throws Exception {
        OpenSsl.assumePresent();
        opensslSign("sign", "sha256");
        opensslEncrypt(recipient);
        byte[] sealed = Files.readAllBytes(work.resolve("sealed.der"));

        assertRefused(() -> cms.open(sealed, fr.decryption(), spain.trust()),
                ReasonCode.NOT_CMS);
    }

    private void opensslSign(String signer, String digest, String... options) throws Exception {
        Files.write(work.resolve("plain.xml"), PLAINTEXT);
        List<String> args = new ArrayList<>(List.of("cms", "-sign", "-binary", "-nodetach", "-md", digest,
                "-in", "plain.xml", "-outform", "DER",
                "-signer", file("spain", signer + ".pem"), "-inkey", file("spain", signer + ".key")));
        args.addAll(List.of(options));
        args.addAll(List.of("-out", "signed.der"));
        OpenSsl.run(work, args.toArray(String[]::new));
    }

    private void opensslEncrypt(String recipient, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("cms", "-encrypt", "-binary", "-aes-256-gcm",
                "-in", "signed.der", "-outform", "DER", "-recip", file("fr", recipient + ".pem")));
        args.addAll(List.of(options));
        args.addAll(List.of("-out", "sealed.der"));
        OpenSsl.run(work, args.toArray(String[]::new));
    }

    /** What a partner adds to {@code openssl cms -sign} for the profile. */
    private static String[] signingOptions(String signer) {
        return signer.equals("sign-rsa") ? new String[] {"-keyopt", "rsa_padding_mode:pss"} : new String[0];
    }

    /** What a partner adds after {@code -recip} in {@code openssl cms -encrypt} for the profile. */
    private static String[] encryptionOptions(String recipient) {
        return recipient.equals("enc-ec") ? new String[] {"-keyopt", "ecdh_kdf_md:sha256"}
                : new String[] {"-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256"};
    }

    private static X509Certificate certificate(String party, String name) {
        return TestPki.credential(party, name).certificate();
    }

    private static String file(String party, String name) {
        return TestPki.dir(party).resolve(name).toString();
    }

    private static RecipientInformation recipientOf(byte[] sealed) throws Exception {
        return new CMSAuthEnvelopedData(sealed).getRecipientInfos().getRecipients().iterator().next();
    }

    /** The AES-wrapped content key of the first key agreement recipient. */
    private static byte[] wrappedKey(byte[] sealed) {
        AuthEnvelopedData data = AuthEnvelopedData.getInstance(ContentInfo.getInstance(sealed).getContent());
        KeyAgreeRecipientInfo agreement = (KeyAgreeRecipientInfo) RecipientInfo.getInstance(
                data.getRecipientInfos().getObjectAt(0)).getInfo();
        ASN1Sequence keys = agreement.getRecipientEncryptedKeys();
        return RecipientEncryptedKey.getInstance(keys.getObjectAt(0)).getEncryptedKey().getOctets();
    }

    private static GatewayException refusal(Runnable action) {
        try {
            action.run();
        } catch (GatewayException e) {
            return e;
        }
        throw new AssertionError("expected a refusal");
    }
}
