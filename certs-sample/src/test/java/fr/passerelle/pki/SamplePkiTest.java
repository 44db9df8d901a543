package fr.passerelle.pki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.KeyGenerator;

import org.bouncycastle.jcajce.SecretKeyWithEncapsulation;
import org.bouncycastle.jcajce.spec.KEMExtractSpec;
import org.bouncycastle.jcajce.spec.KEMGenerateSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The committed sample PKI: the layout of the contract, keys that match, chains that verify, and SAMPLE everywhere. */
class SamplePkiTest {

    static Iterable<String> parties() {
        return SamplePkiGenerator.PARTIES;
    }

    private static Path dir(String party) {
        return Path.of(System.getProperty("passerelle.root", "..")).resolve("certs-sample").resolve(party);
    }

    @ParameterizedTest
    @MethodSource("parties")
    void everyCertificateChainsToThePartysCaAndIsMarkedSample(String party) throws Exception {
        X509Certificate ca = Pem.readCertificate(dir(party).resolve("ca.pem"));
        ca.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        for (String role : new String[] {"ca", "sign", "enc", "tls", "sign-rsa", "enc-ec"}) {
            assertSampleIssuedBy(ca, party, role);
        }
    }

    /**
     * The party's {@code role.pem} is issued by {@code ca}, says SAMPLE and the party in its subject, and is still
     * valid in a year; {@code role.key} is a PEM private key. Returns the certificate, for more checks.
     */
    private static X509Certificate assertSampleIssuedBy(X509Certificate ca, String party, String role)
            throws Exception {
        X509Certificate certificate = Pem.readCertificate(dir(party).resolve(role + ".pem"));
        certificate.verify(ca.getPublicKey());
        assertThat(certificate.getSubjectX500Principal().getName()).contains("SAMPLE").contains(party);
        certificate.checkValidity(Date.from(Instant.now().plus(Duration.ofDays(365))));
        assertThat(Files.readString(dir(party).resolve(role + ".key"), StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN PRIVATE KEY-----");
        return certificate;
    }

    @ParameterizedTest
    @MethodSource("parties")
    void keysAreSeparateAndFitTheirRoles(String party) throws Exception {
        X509Certificate sign = Pem.readCertificate(dir(party).resolve("sign.pem"));
        X509Certificate enc = Pem.readCertificate(dir(party).resolve("enc.pem"));
        X509Certificate tls = Pem.readCertificate(dir(party).resolve("tls.pem"));

        assertThat(sign.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(enc.getPublicKey()).isInstanceOf(RSAPublicKey.class);
        assertThat(((RSAPublicKey) enc.getPublicKey()).getModulus().bitLength()).isGreaterThanOrEqualTo(3072);
        assertThat(sign.getKeyUsage()[0]).as("digitalSignature").isTrue();
        assertThat(enc.getKeyUsage()[2]).as("keyEncipherment").isTrue();
        assertThat(enc.getKeyUsage()[0]).as("no signing with the encryption key").isFalse();
        assertThat(tls.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(tls.getSubjectAlternativeNames().stream().map(name -> String.valueOf(name.get(1))))
                .contains("localhost", "127.0.0.1");
        assertThat(sign.getPublicKey()).isNotEqualTo(tls.getPublicKey());

        assertSigns(Pem.readPrivateKey(dir(party).resolve("sign.key")), sign);
        assertSigns(Pem.readPrivateKey(dir(party).resolve("tls.key")), tls);
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
        cipher.init(Cipher.ENCRYPT_MODE, enc.getPublicKey());
        byte[] sealed = cipher.doFinal("sample".getBytes(StandardCharsets.US_ASCII));
        cipher.init(Cipher.DECRYPT_MODE, Pem.readPrivateKey(dir(party).resolve("enc.key")));
        assertThat(new String(cipher.doFinal(sealed), StandardCharsets.US_ASCII)).isEqualTo("sample");
    }

    @ParameterizedTest
    @MethodSource("parties")
    void alternativeKeysFitTheSameRolesWithTheOtherKeyType(String party) throws Exception {
        X509Certificate sign = Pem.readCertificate(dir(party).resolve("sign.pem"));
        X509Certificate signRsa = Pem.readCertificate(dir(party).resolve("sign-rsa.pem"));
        X509Certificate encEc = Pem.readCertificate(dir(party).resolve("enc-ec.pem"));

        assertThat(signRsa.getPublicKey()).isInstanceOf(RSAPublicKey.class);
        assertThat(((RSAPublicKey) signRsa.getPublicKey()).getModulus().bitLength()).isGreaterThanOrEqualTo(3072);
        assertThat(signRsa.getKeyUsage()).isEqualTo(sign.getKeyUsage());
        assertThat(signRsa.getExtendedKeyUsage()).isEqualTo(sign.getExtendedKeyUsage());

        assertThat(encEc.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) encEc.getPublicKey()).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(256);
        assertThat(encEc.getKeyUsage()[4]).as("keyAgreement").isTrue();
        assertThat(encEc.getKeyUsage()[0]).as("no signing with the encryption key").isFalse();
        assertThat(encEc.getKeyUsage()[2]).as("no key transport with an EC key").isFalse();
        assertThat(encEc.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.4");

        Signature pss = Signature.getInstance("RSASSA-PSS");
        pss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
        pss.initSign(Pem.readPrivateKey(dir(party).resolve("sign-rsa.key")));
        pss.update(new byte[] {1, 2, 3});
        byte[] signature = pss.sign();
        pss.initVerify(signRsa);
        pss.update(new byte[] {1, 2, 3});
        assertThat(pss.verify(signature)).as("sign-rsa.key matches sign-rsa.pem").isTrue();

        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(((ECPublicKey) encEc.getPublicKey()).getParams());
        KeyPair other = generator.generateKeyPair();
        assertThat(agree(Pem.readPrivateKey(dir(party).resolve("enc-ec.key")), other.getPublic()))
                .as("enc-ec.key matches enc-ec.pem").isEqualTo(agree(other.getPrivate(), encEc.getPublicKey()));
    }

    @Test
    void alternativeKeysAreAddedWithoutTouchingTheRest(@TempDir Path work) throws Exception {
        assertAddsWithoutTouchingTheRest(work, SamplePkiGenerator::addAlternativeKeys, "sign-rsa", "enc-ec");
    }

    @Test
    void generateWritesTheAlternativeKeysToo(@TempDir Path work) throws Exception {
        new SamplePkiGenerator(line -> { }).generate(work, List.of("spain"), false);

        X509Certificate ca = Pem.readCertificate(work.resolve("spain/ca.pem"));
        for (String role : new String[] {"sign", "enc", "tls", "sign-rsa", "enc-ec"}) {
            Pem.readCertificate(work.resolve("spain/" + role + ".pem")).verify(ca.getPublicKey());
            assertThat(work.resolve("spain/" + role + ".key")).isNotEmptyFile();
        }
    }

    @ParameterizedTest
    @MethodSource("parties")
    void postQuantumKeysChainToThePartysCaAndFitTheirRoles(String party) throws Exception {
        X509Certificate ca = Pem.readCertificate(dir(party).resolve("ca.pem"));
        X509Certificate mldsa = assertSampleIssuedBy(ca, party, "mldsa");
        X509Certificate mlkem = assertSampleIssuedBy(ca, party, "mlkem");
        for (X509Certificate certificate : List.of(mldsa, mlkem)) {
            assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
            assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.4");
        }

        assertThat(mldsa.getPublicKey().getAlgorithm()).isEqualTo("ML-DSA-65");
        assertThat(mldsa.getKeyUsage()).isEqualTo(Pem.readCertificate(dir(party).resolve("sign.pem")).getKeyUsage());
        Signature signer = Signature.getInstance("ML-DSA-65", BouncyCastle.provider());
        signer.initSign(Pem.readPrivateKey(dir(party).resolve("mldsa.key")));
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        signer.initVerify(mldsa);
        signer.update(new byte[] {1, 2, 3});
        assertThat(signer.verify(signature)).as("mldsa.key matches mldsa.pem").isTrue();

        assertThat(mlkem.getPublicKey().getAlgorithm()).isEqualTo("ML-KEM-768");
        assertThat(mlkem.getKeyUsage()).as("keyEncipherment and nothing else")
                .startsWith(false, false, true, false, false, false, false, false);
        KeyGenerator kem = KeyGenerator.getInstance("ML-KEM", BouncyCastle.provider());
        kem.init(new KEMGenerateSpec(mlkem.getPublicKey(), "AES"));
        SecretKeyWithEncapsulation sent = (SecretKeyWithEncapsulation) kem.generateKey();
        kem.init(new KEMExtractSpec(Pem.readPrivateKey(dir(party).resolve("mlkem.key")), sent.getEncapsulation(),
                "AES"));
        assertThat(kem.generateKey().getEncoded()).as("mlkem.key matches mlkem.pem").isEqualTo(sent.getEncoded());
    }

    @Test
    void postQuantumKeysAreAddedWithoutTouchingTheRest(@TempDir Path work) throws Exception {
        assertAddsWithoutTouchingTheRest(work, SamplePkiGenerator::addPostQuantumKeys, "mldsa", "mlkem");
    }

    /** One of the generator's {@code add...Keys} methods: adds pairs to a party folder. */
    @FunctionalInterface
    private interface KeyAdder {
        void add(SamplePkiGenerator generator, Path dir, String party);
    }

    /**
     * On a copy of Spain's folder as it was before any key was added (CA, sign, enc), {@code adder} writes the pairs
     * {@code added}, issued by the folder's CA, changes nothing else, and refuses to run a second time.
     */
    private static void assertAddsWithoutTouchingTheRest(Path work, KeyAdder adder, String... added)
            throws Exception {
        Path copy = work.resolve("spain");
        Files.createDirectories(copy);
        String[] existing = {"ca.pem", "ca.key", "sign.pem", "sign.key", "enc.pem", "enc.key"};
        for (String file : existing) {
            Files.copy(dir("spain").resolve(file), copy.resolve(file));
        }

        SamplePkiGenerator generator = new SamplePkiGenerator(line -> { });
        adder.add(generator, copy, "spain");

        for (String file : existing) {
            assertThat(copy.resolve(file)).hasSameBinaryContentAs(dir("spain").resolve(file));
        }
        X509Certificate ca = Pem.readCertificate(copy.resolve("ca.pem"));
        for (String name : added) {
            Pem.readCertificate(copy.resolve(name + ".pem")).verify(ca.getPublicKey());
        }
        assertThatThrownBy(() -> adder.add(generator, copy, "spain")).isInstanceOf(PkiException.class)
                .hasMessageContaining("not replaced");
    }

    @Test
    void generateWritesThePostQuantumKeysToo(@TempDir Path work) throws Exception {
        new SamplePkiGenerator(line -> { }).generate(work, List.of("spain"), false);

        X509Certificate ca = Pem.readCertificate(work.resolve("spain/ca.pem"));
        for (String role : new String[] {"mldsa", "mlkem"}) {
            Pem.readCertificate(work.resolve("spain/" + role + ".pem")).verify(ca.getPublicKey());
            assertThat(Pem.readPrivateKey(work.resolve("spain/" + role + ".key"))).isNotNull();
        }
    }

    private static byte[] agree(PrivateKey mine, PublicKey theirs) throws Exception {
        KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
        agreement.init(mine);
        agreement.doPhase(theirs, true);
        return agreement.generateSecret();
    }

    private static void assertSigns(PrivateKey key, X509Certificate certificate) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withECDSA");
        verifier.initVerify(certificate);
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).as("key matches %s", certificate.getSubjectX500Principal()).isTrue();
    }
}
