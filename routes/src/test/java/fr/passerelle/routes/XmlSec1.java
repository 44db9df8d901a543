package fr.passerelle.routes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code xmlsec1} (1.2) steps a partner would take with the {@code xml} profile, for interoperability tests:
 * the templates a partner fills and the command lines it runs.
 */
public final class XmlSec1 {

    /**
     * An enveloped signature over the whole document (URI ""), ECDSA-SHA256 (the sample signing keys are EC),
     * exclusive c14n, SHA-256; xmlsec1 fills the signer's certificate in X509Certificate.
     */
    public static final String SIGNATURE_TEMPLATE = template("signature-template.xml");

    /**
     * The whole signed element, AES-256-GCM, its key transported with RSA-OAEP (SHA-1, MGF1-SHA-1: what xmlsec1
     * 1.2 supports); xmlsec1 fills the recipient's certificate in X509Certificate.
     */
    public static final String ENCRYPTION_TEMPLATE = template("encryption-template.xml");

    private XmlSec1() {
    }

    public static void assumePresent() {
        Tools.assumePresent("xmlsec1");
    }

    /** Runs xmlsec1 with the arguments; fails the test with xmlsec1's own words when it exits non-zero. */
    public static String run(Path workDir, String... args) throws IOException, InterruptedException {
        return Tools.run(workDir, "xmlsec1", args);
    }

    /**
     * What a partner does with what we send: decrypt {@code sealed} with {@code recipient}'s sample key into
     * {@code out}, then verify the signature of {@code out} against {@code signer}'s sample CA.
     */
    public static void decryptAndVerify(Path work, String sealed, String recipient, String signer, String out)
            throws IOException, InterruptedException {
        Path recipientDir = TestPki.dir(recipient);
        run(work, "--decrypt", "--privkey-pem",
                recipientDir.resolve("enc.key") + "," + recipientDir.resolve("enc.pem"),
                "--trusted-pem", recipientDir.resolve("ca.pem").toString(), "--output", out, sealed);
        run(work, "--verify", "--enabled-reference-uris", "empty",
                "--trusted-pem", TestPki.dir(signer).resolve("ca.pem").toString(), out);
    }

    /**
     * How a partner seals for us: put {@link #SIGNATURE_TEMPLATE} last in the root element of {@code in}, sign it
     * with {@code signer}'s sample signing key, then encrypt the signed document for {@code recipient}'s
     * encryption certificate with {@link #ENCRYPTION_TEMPLATE}, writing {@code out}.
     */
    public static void signAndEncrypt(Path work, String in, String signer, String recipient, String out)
            throws IOException, InterruptedException {
        String document = Files.readString(work.resolve(in), StandardCharsets.UTF_8);
        int end = document.lastIndexOf("</");
        Files.writeString(work.resolve(out + ".tmpl.xml"),
                document.substring(0, end) + SIGNATURE_TEMPLATE.strip() + document.substring(end), StandardCharsets.UTF_8);
        Files.writeString(work.resolve("encryption.tmpl.xml"), ENCRYPTION_TEMPLATE, StandardCharsets.UTF_8);
        Path signerDir = TestPki.dir(signer);
        run(work, "--sign", "--privkey-pem", signerDir.resolve("sign.key") + "," + signerDir.resolve("sign.pem"),
                "--output", out + ".signed.xml", out + ".tmpl.xml");
        run(work, "--encrypt", "--pubkey-cert-pem", TestPki.dir(recipient).resolve("enc.pem").toString(),
                "--session-key", "aes-256", "--xml-data", out + ".signed.xml", "--output", out,
                "encryption.tmpl.xml");
    }

    /** The templates partners use, as published in {@code scripts/xmlsec/}. */
    private static String template(String name) {
        try {
            return Files.readString(TestPki.root().resolve("scripts/xmlsec").resolve(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
