package fr.passerelle.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

import fr.passerelle.gateway.PasserelleMain;
import fr.passerelle.routes.TestCertificates;
import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.Credential;
import fr.passerelle.routes.seal.XmlDocuments;
import fr.passerelle.routes.seal.XmlProfile;

/** {@code open --partner spain} refuses, with the reason code and exit status 2, every way a message can be bad. */
class OpenCommandRefusalsTest {

    @TempDir
    Path work;

    @RegisterExtension
    final CapturedStandardError err = new CapturedStandardError();
    private final CmsProfile cms = new CmsProfile();
    private final Instant now = Instant.now();

    private Path sealedBy(Credential signer) throws Exception {
        Path sealed = work.resolve("sealed.der");
        Files.write(sealed, cms.seal(Files.readAllBytes(TestPki.sample("intel-report-from-spain.xml")), signer,
                TestPki.partner("fr").currentEncryption()));
        return sealed;
    }

    private void assertRefused(Path sealed, String reason, String... options) {
        String[] base = {"open", "--partner", "spain", "--in", sealed.toString(), "--out", work.resolve("out").toString()};
        String[] args = new String[base.length + options.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(options, 0, args, base.length, options.length);

        assertThat(PasserelleMain.commandLine().execute(args)).isEqualTo(2);
        assertThat(err.text()).contains(reason);
        assertThat(work.resolve("out")).doesNotExist();
    }

    @Test
    void opensWhatSpainSealed() throws Exception {
        Path sealed = sealedBy(TestPki.credential("spain", "sign"));

        assertThat(PasserelleMain.commandLine().execute("open", "--partner", "spain", "--in", sealed.toString(),
                "--out", work.resolve("out").toString())).isZero();
    }

    /** Tampering in transit: one flipped byte. */
    @Test
    void oneFlippedByte() throws Exception {
        Path sealed = sealedBy(TestPki.credential("spain", "sign"));
        byte[] bytes = Files.readAllBytes(sealed);
        bytes[bytes.length - 30] ^= 0x40;
        Files.write(sealed, bytes);

        assertRefused(sealed, "DECRYPTION_FAILED");
    }

    /** Impersonation: Morocco's valid signature presented as Spain's. */
    @Test
    void moroccoPresentedAsSpain() throws Exception {
        assertRefused(sealedBy(TestPki.credential("morocco", "sign")), "CERT_UNKNOWN_CA");
    }

    /** A signer from a CA nobody configured. */
    @Test
    void signerFromAnUnknownCa() throws Exception {
        assertRefused(sealedBy(TestCertificates.fromUnknownCa()), "CERT_UNKNOWN_CA");
    }

    /** An old key whose certificate, issued by Spain's own CA, has expired. */
    @Test
    void expiredCertificateFromSpainsCa() throws Exception {
        Credential expired = TestCertificates.signing("spain", now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(1)));

        assertRefused(sealedBy(expired), "CERT_EXPIRED");
    }

    /**
     * XML signature wrapping: Spain's genuinely signed envelope moved under an attacker's envelope, which
     * becomes the document the signature would seem to vouch for.
     */
    @Test
    void xmlSignatureWrapping() throws Exception {
        XmlProfile xml = new XmlProfile();
        byte[] envelope = Files.readAllBytes(TestPki.sample("intel-report-from-spain.xml"));
        Document signed = XmlDocuments.parse(xml.sign(envelope, TestPki.credential("spain", "sign")));
        Document attacker = XmlDocuments.parse(new String(envelope, StandardCharsets.UTF_8)
                .replace("Further to your report", "Release the container").getBytes(StandardCharsets.UTF_8));
        attacker.getDocumentElement().appendChild(attacker.importNode(signed.getDocumentElement(), true));
        Path sealed = work.resolve("wrapped.xml");
        Files.write(sealed, xml.encrypt(XmlDocuments.serialize(attacker), TestPki.partner("fr").currentEncryption()));

        assertRefused(sealed, "SIGNATURE_INVALID", "--profile", "xml");
        assertThat(err.text()).contains("signature wrapping");
    }

    /** A compromised key that Spain's CA has revoked, its CRL beside Spain's certificates. */
    @Test
    void revokedCertificate() throws Exception {
        Credential revoked = TestCertificates.signing("spain", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        Path spain = Files.createDirectories(work.resolve("spain"));
        Files.copy(TestPki.dir("spain").resolve("ca.pem"), spain.resolve("ca.pem"));
        Files.copy(TestPki.dir("spain").resolve("enc.pem"), spain.resolve("enc.pem"));
        TestCertificates.writeCrl("spain", spain.resolve("crl.pem"), revoked.certificate());

        assertRefused(sealedBy(revoked), "CERT_REVOKED", "--partner-dir", spain.toString());
    }
}
