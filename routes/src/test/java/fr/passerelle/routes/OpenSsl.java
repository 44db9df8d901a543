package fr.passerelle.routes;

import java.io.IOException;
import java.nio.file.Path;

/** The {@code openssl} steps a partner would take, for interoperability tests. */
public final class OpenSsl {

    private OpenSsl() {
    }

    public static void assumePresent() {
        Tools.assumePresent("openssl");
    }

    /** Runs openssl with the arguments; fails the test with openssl's own words when it exits non-zero. */
    public static String run(Path workDir, String... args) throws IOException, InterruptedException {
        return Tools.run(workDir, "openssl", args);
    }

    /**
     * What a partner does with what we send: decrypt {@code sealed} with {@code recipient}'s sample key, then
     * verify the signature against {@code signer}'s sample CA, writing the plaintext to {@code out}.
     */
    public static void decryptAndVerify(Path work, String sealed, String recipient, String signer, String out)
            throws IOException, InterruptedException {
        Path recipientDir = TestPki.dir(recipient);
        run(work, "cms", "-decrypt", "-inform", "DER", "-in", sealed, "-binary",
                "-recip", recipientDir.resolve("enc.pem").toString(),
                "-inkey", recipientDir.resolve("enc.key").toString(), "-out", sealed + ".signed");
        run(work, "cms", "-verify", "-inform", "DER", "-in", sealed + ".signed", "-binary",
                "-CAfile", TestPki.dir(signer).resolve("ca.pem").toString(), "-out", out);
    }

    /**
     * How a partner seals for us: sign {@code in} with {@code signer}'s sample signing key, then encrypt with
     * AES-256-GCM and RSA-OAEP-SHA256 for {@code recipient}'s encryption certificate, writing DER to {@code out}.
     */
    public static void signAndEncrypt(Path work, String in, String signer, String recipient, String out)
            throws IOException, InterruptedException {
        Path signerDir = TestPki.dir(signer);
        run(work, "cms", "-sign", "-binary", "-nodetach", "-in", in, "-outform", "DER",
                "-signer", signerDir.resolve("sign.pem").toString(), "-inkey", signerDir.resolve("sign.key").toString(),
                "-md", "sha256", "-out", out + ".signed");
        run(work, "cms", "-encrypt", "-binary", "-in", out + ".signed", "-outform", "DER", "-aes-256-gcm",
                "-recip", TestPki.dir(recipient).resolve("enc.pem").toString(),
                "-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256", "-out", out);
    }
}
