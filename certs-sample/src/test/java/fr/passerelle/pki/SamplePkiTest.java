package fr.passerelle.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.crypto.Cipher;

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
        for (String role : new String[] {"ca", "sign", "enc", "tls"}) {
            X509Certificate certificate = Pem.readCertificate(dir(party).resolve(role + ".pem"));
            certificate.verify(ca.getPublicKey());
            assertThat(certificate.getSubjectX500Principal().getName()).contains("SAMPLE").contains(party);
            certificate.checkValidity(Date.from(Instant.now().plus(Duration.ofDays(365))));
            assertThat(Files.readString(dir(party).resolve(role + ".key"), StandardCharsets.US_ASCII))
                    .startsWith("-----BEGIN PRIVATE KEY-----");
        }
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
