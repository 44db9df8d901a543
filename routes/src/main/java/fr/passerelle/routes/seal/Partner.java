package fr.passerelle.routes.seal;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A partner as the cryptography sees it: what its signing and TLS certificates must satisfy, the certificates
 * we encrypt for, and the security profile it wants ({@code cms} unless configured otherwise). During a key
 * rotation the partner lists several encryption certificates; we encrypt for the first one valid now.
 */
public record Partner(String id, PartnerTrust trust, List<X509Certificate> encryption, String profile) {

    /** The default security profile. */
    public static final String DEFAULT_PROFILE = "cms";

    public Partner {
        encryption = List.copyOf(encryption);
        if (encryption.isEmpty()) {
            throw new IllegalArgumentException("partner " + id + " needs an encryption certificate");
        }
    }

    public Partner(String id, PartnerTrust trust, List<X509Certificate> encryption) {
        this(id, trust, encryption, DEFAULT_PROFILE);
    }

    /** The same partner with another security profile. */
    public Partner withProfile(String name) {
        return new Partner(id, trust, encryption, name);
    }

    /** The CAs the partner's certificates chain to. */
    public List<X509Certificate> trustAnchors() {
        return trust.anchors();
    }

    /** The certificate messages to this partner are encrypted for: the first one valid now, else the first. */
    public X509Certificate currentEncryption() {
        Date now = Date.from(Instant.now());
        return encryption.stream()
                .filter(certificate -> !now.before(certificate.getNotBefore()) && !now.after(certificate.getNotAfter()))
                .findFirst().orElse(encryption.get(0));
    }
}
