package fr.passerelle.routes.seal;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Decides whether a certificate chains to one of a partner's CAs, now, with the key usage its role needs. */
public final class CertificateTrust {

    /** What a certificate is being used for, and the key usage bits that allow it. */
    public enum Usage {
        /** digitalSignature or nonRepudiation; extended usage, when present, must name e-mail protection. */
        SIGNING("1.3.6.1.5.5.7.3.4", 0, 1),
        /** digitalSignature; extended usage, when present, must name TLS client authentication. */
        TLS_CLIENT("1.3.6.1.5.5.7.3.2", 0);

        private static final String ANY_EXTENDED_USAGE = "2.5.29.37.0";

        private final String extendedUsage;
        private final int[] anyOfKeyUsageBits;

        Usage(String extendedUsage, int... anyOfKeyUsageBits) {
            this.extendedUsage = extendedUsage;
            this.anyOfKeyUsageBits = anyOfKeyUsageBits;
        }

        boolean allows(X509Certificate certificate) {
            try {
                List<String> extended = certificate.getExtendedKeyUsage();
                if (extended != null && !extended.contains(extendedUsage) && !extended.contains(ANY_EXTENDED_USAGE)) {
                    return false;
                }
            } catch (CertificateParsingException e) {
                return false;
            }
            boolean[] keyUsage = certificate.getKeyUsage();
            if (keyUsage == null) {
                return true;
            }
            for (int bit : anyOfKeyUsageBits) {
                if (bit < keyUsage.length && keyUsage[bit]) {
                    return true;
                }
            }
            return false;
        }
    }

    private CertificateTrust() {
    }

    /**
     * True when {@code certificate} chains to one of {@code anchors} (through {@code intermediates} if needed),
     * every certificate on the way is valid at {@code at}, and its key usage allows {@code usage}.
     */
    public static boolean isTrusted(X509Certificate certificate, Collection<X509Certificate> intermediates,
            Collection<X509Certificate> anchors, Usage usage, Instant at) {
        if (!usage.allows(certificate)) {
            return false;
        }
        try {
            Set<TrustAnchor> trustAnchors = new LinkedHashSet<>();
            for (X509Certificate anchor : anchors) {
                trustAnchors.add(new TrustAnchor(anchor, null));
            }
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(certificate);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(trustAnchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(at));
            List<X509Certificate> pool = new ArrayList<>(intermediates);
            pool.add(certificate);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
            CertPathBuilder.getInstance("PKIX").build(parameters);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
