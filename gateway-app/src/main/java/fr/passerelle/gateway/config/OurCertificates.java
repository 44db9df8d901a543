package fr.passerelle.gateway.config;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Date;
import java.util.List;

import fr.passerelle.routes.seal.Credential;

/**
 * Checks at start that each of our current key pairs can serve: its certificate is valid now, was issued by a CA
 * of our {@code ca.pem} (the anchors partners check us against), and holds the public half of the key beside it.
 * Otherwise partners would refuse every message we sign, every message encrypted for us would be unreadable, or
 * our TLS server would not start; better to stop at once and name the file. Retired encryption keys are not
 * checked: they only decrypt what was encrypted for them while they were current.
 */
final class OurCertificates {

    static final String KEY = "passerelle.identity.directory";

    private static final byte[] PROBE = "passerelle key pair check".getBytes(StandardCharsets.UTF_8);

    private OurCertificates() {
    }

    /**
     * @param name the file pair in the identity folder, such as {@code sign} for {@code sign.pem} and
     *     {@code sign.key}
     * @throws InvalidConfigurationException naming {@value #KEY} and the file at fault
     */
    static void check(String name, Credential credential, List<X509Certificate> ca, Clock clock) {
        X509Certificate certificate = credential.certificate();
        try {
            certificate.checkValidity(Date.from(clock.instant()));
        } catch (CertificateExpiredException e) {
            throw refused(name + ".pem expired on " + certificate.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw refused(name + ".pem is not valid before " + certificate.getNotBefore().toInstant());
        }
        if (ca.stream().noneMatch(anchor -> issued(certificate, anchor))) {
            throw refused(name + ".pem (issuer " + certificate.getIssuerX500Principal().getName()
                    + ") was not issued by a CA of ca.pem");
        }
        if (!matches(credential.key(), certificate.getPublicKey())) {
            throw refused(name + ".key is not the private key of the certificate in " + name + ".pem");
        }
    }

    private static boolean issued(X509Certificate certificate, X509Certificate anchor) {
        if (!certificate.getIssuerX500Principal().equals(anchor.getSubjectX500Principal())) {
            return false;
        }
        try {
            certificate.verify(anchor.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Signs a probe with the private key and verifies it with the certificate's key: no key is ever exported. */
    private static boolean matches(PrivateKey key, PublicKey certified) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "Ed448" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            // A kind of key that cannot sign: its type must match, at least.
            return key.getAlgorithm().equals(certified.getAlgorithm());
        }
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certified);
            verifier.update(PROBE);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static InvalidConfigurationException refused(String problem) {
        return new InvalidConfigurationException(KEY, problem);
    }
}
