package fr.passerelle.routes.seal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.routes.TestPki;
import fr.passerelle.routes.XmlSec1;

/** The xml profile with an RSA signing key (RSA-SHA256), against xmlsec1 in both directions. */
class XmlProfileRsaSignerTest {

    private static final String RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

    private final XmlProfile xml = new XmlProfile();

    @TempDir
    Path work;

    @Test
    void roundTripWithAnRsaSigner() throws Exception {
        byte[] envelope = Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml"));
        Credential signer = TestPki.credential("fr", "sign-rsa");

        byte[] sealed = xml.seal(envelope, signer, TestPki.partner("spain").currentEncryption());
        Opened opened = xml.open(sealed, TestPki.identity("spain").decryption(), TestPki.partner("fr").trust());

        assertThat(opened.content()).isEqualTo(envelope);
        assertThat(opened.signer()).isEqualTo(signer.certificate());
    }

    @Test
    void xmlsec1VerifiesOurRsaSignature() throws Exception {
        XmlSec1.assumePresent();
        byte[] envelope = Files.readAllBytes(TestPki.sample("intel-report-to-spain.xml"));
        Files.write(work.resolve("sealed.xml"), xml.seal(envelope, TestPki.credential("fr", "sign-rsa"),
                TestPki.partner("spain").currentEncryption()));

        XmlSec1.decryptAndVerify(work, "sealed.xml", "spain", "fr", "signed.xml");

        assertThat(Files.readString(work.resolve("signed.xml"))).contains(RSA_SHA256);
    }

    @Test
    void weOpenAnRsaSignatureMadeByXmlsec1() throws Exception {
        XmlSec1.assumePresent();
        String envelope = Files.readString(TestPki.sample("intel-report-from-spain.xml"));
        String template = XmlSec1.SIGNATURE_TEMPLATE.strip()
                .replace("http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", RSA_SHA256);
        int end = envelope.lastIndexOf("</");
        Files.writeString(work.resolve("envelope-tmpl.xml"),
                envelope.substring(0, end) + template + envelope.substring(end), StandardCharsets.UTF_8);
        Files.writeString(work.resolve("encryption.tmpl.xml"), XmlSec1.ENCRYPTION_TEMPLATE, StandardCharsets.UTF_8);
        Path spain = TestPki.dir("spain");
        XmlSec1.run(work, "--sign", "--privkey-pem", spain.resolve("sign-rsa.key") + "," + spain.resolve("sign-rsa.pem"),
                "--output", "signed.xml", "envelope-tmpl.xml");
        XmlSec1.run(work, "--encrypt", "--pubkey-cert-pem", TestPki.dir("fr").resolve("enc.pem").toString(),
                "--session-key", "aes-256", "--xml-data", "signed.xml", "--output", "sealed.xml",
                "encryption.tmpl.xml");

        Opened opened = xml.open(Files.readAllBytes(work.resolve("sealed.xml")), TestPki.identity("fr").decryption(),
                TestPki.partner("spain").trust());

        assertThat(opened.signer()).isEqualTo(TestPki.credential("spain", "sign-rsa").certificate());
        assertThat(new String(opened.content(), StandardCharsets.UTF_8)).contains("<messageId>");
    }
}
