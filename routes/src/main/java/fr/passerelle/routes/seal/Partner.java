package fr.passerelle.routes.seal;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A partner as the cryptography sees it: what its signing and TLS certificates must satisfy, the certificates
 * we encrypt for, and the security profile it wants ({@code cms} unless configured otherwise). During a key
 * rotation the partner lists several encryption certificates; we encrypt for the first one valid now. Their
 * validity periods are read once, here, not for every message sealed.
 */
public final class Partner {

    /** The default security profile. */
    public static final String DEFAULT_PROFILE = "cms";

    private final String id;
    private final PartnerTrust trust;
    private final List<X509Certificate> encryption;
    private final String profile;
    private final long[] notBefore;
    private final long[] notAfter;

    public Partner(String id, PartnerTrust trust, List<X509Certificate> encryption, String profile) {
        this.id = id;
        this.trust = trust;
        this.encryption = List.copyOf(encryption);
        this.profile = profile;
        if (this.encryption.isEmpty()) {
            throw new IllegalArgumentException("partner " + id + " needs an encryption certificate");
        }
        notBefore = new long[this.encryption.size()];
        notAfter = new long[this.encryption.size()];
        for (int i = 0; i < notBefore.length; i++) {
            notBefore[i] = this.encryption.get(i).getNotBefore().getTime();
            notAfter[i] = this.encryption.get(i).getNotAfter().getTime();
        }
    }

    public Partner(String id, PartnerTrust trust, List<X509Certificate> encryption) {
        this(id, trust, encryption, DEFAULT_PROFILE);
    }

    /** The partner's id, as configured. */
    public String id() {
        return id;
    }

    /** What the partner's signing and TLS certificates must satisfy. */
    public PartnerTrust trust() {
        return trust;
    }

    /** The certificates we may encrypt for, in the configured order. */
    public List<X509Certificate> encryption() {
        return encryption;
    }

    /** The name of the partner's security profile. */
    public String profile() {
        return profile;
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
        long now = System.currentTimeMillis();
        for (int i = 0; i < notBefore.length; i++) {
            if (notBefore[i] <= now && now <= notAfter[i]) {
                return encryption.get(i);
            }
        }
        return encryption.get(0);
    }

    @Override
    public String toString() {
        return "Partner[" + id + ", profile " + profile + "]";
    }
}
