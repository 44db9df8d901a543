package fr.passerelle.routes.seal;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A partner as the cryptography sees it: the CAs its signing and TLS certificates must chain to, and the
 * certificate we encrypt for (the first of {@code encryption} is the current one).
 */
public record Partner(String id, List<X509Certificate> trustAnchors, List<X509Certificate> encryption) {

    public Partner {
        trustAnchors = List.copyOf(trustAnchors);
        encryption = List.copyOf(encryption);
        if (trustAnchors.isEmpty()) {
            throw new IllegalArgumentException("partner " + id + " needs at least one trust anchor");
        }
        if (encryption.isEmpty()) {
            throw new IllegalArgumentException("partner " + id + " needs an encryption certificate");
        }
    }

    /** The certificate messages to this partner are encrypted for. */
    public X509Certificate currentEncryption() {
        return encryption.get(0);
    }
}
