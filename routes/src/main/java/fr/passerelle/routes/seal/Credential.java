package fr.passerelle.routes.seal;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/** A private key and the certificate of its public half. */
public record Credential(PrivateKey key, X509Certificate certificate) {

    public Credential {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificate, "certificate");
    }

    @Override
    public String toString() {
        return "Credential[" + certificate.getSubjectX500Principal().getName() + "]";
    }
}
