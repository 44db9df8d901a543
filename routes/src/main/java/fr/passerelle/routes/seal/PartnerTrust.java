package fr.passerelle.routes.seal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertPathBuilderResult;
import java.security.cert.CertStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.ReasonCode;

/**
 * What one partner's certificates must satisfy: chain to one of the partner's CAs, be within validity now (the
 * whole chain), carry the key usage of their role, and not be revoked by the partner's CRLs. Each failure has
 * its own reason code. The CRL file, when present, is read again whenever it changes on disk; a CRL file that
 * exists but cannot be read or is not signed by one of the partner's CAs refuses everything, rather than let
 * revoked certificates through.
 */
public final class PartnerTrust {

    /** What a certificate is being used for, and the key usage that allows it. */
    public enum Usage {
        /** digitalSignature or nonRepudiation; extended usage, when present, must name e-mail protection. */
        SIGNING("1.3.6.1.5.5.7.3.4", 0, 1),
        /** digitalSignature; extended usage, when present, must name TLS client authentication. */
        TLS_CLIENT("1.3.6.1.5.5.7.3.2", 0),
        /** digitalSignature or keyEncipherment; extended usage, when present, must name TLS server authentication. */
        TLS_SERVER("1.3.6.1.5.5.7.3.1", 0, 2);

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

    private final List<X509Certificate> anchors;
    private final Path crlFile;
    private final Clock clock;
    private volatile Crls crls = new Crls(null, List.of());

    /**
     * @param anchors the partner's CA certificates
     * @param crlFile a PEM or DER file of the partner's CRLs, or null when the partner publishes none
     * @param clock the time certificates must be valid at
     */
    public PartnerTrust(List<X509Certificate> anchors, Path crlFile, Clock clock) {
        this.anchors = List.copyOf(anchors);
        this.crlFile = crlFile;
        this.clock = clock;
        if (this.anchors.isEmpty()) {
            throw new IllegalArgumentException("a partner needs at least one trust anchor");
        }
        if (crlFile != null) {
            currentCrls();
        }
    }

    /** Trust in {@code anchors} now, without CRLs. */
    public static PartnerTrust of(List<X509Certificate> anchors) {
        return new PartnerTrust(anchors, null, Clock.systemUTC());
    }

    public List<X509Certificate> anchors() {
        return anchors;
    }

    /**
     * Accepts the certificate or throws, with {@link ReasonCode#CERT_WRONG_USAGE}, {@link ReasonCode#CERT_UNKNOWN_CA},
     * {@link ReasonCode#CERT_EXPIRED}, {@link ReasonCode#CERT_NOT_YET_VALID} or {@link ReasonCode#CERT_REVOKED}.
     */
    public void validate(X509Certificate certificate, Collection<X509Certificate> intermediates, Usage usage) {
        String subject = certificate.getSubjectX500Principal().getName();
        if (!usage.allows(certificate)) {
            throw new GatewayException(ReasonCode.CERT_WRONG_USAGE,
                    subject + " is not a certificate for " + usage.name().toLowerCase().replace('_', ' '));
        }
        List<X509Certificate> path = chain(certificate, intermediates);
        Instant now = clock.instant();
        for (X509Certificate link : path) {
            try {
                link.checkValidity(Date.from(now));
            } catch (CertificateExpiredException e) {
                throw new GatewayException(ReasonCode.CERT_EXPIRED, link.getSubjectX500Principal().getName()
                        + " expired on " + link.getNotAfter().toInstant());
            } catch (CertificateNotYetValidException e) {
                throw new GatewayException(ReasonCode.CERT_NOT_YET_VALID, link.getSubjectX500Principal().getName()
                        + " is valid only from " + link.getNotBefore().toInstant());
            }
        }
        for (X509CRL crl : currentCrls()) {
            for (X509Certificate link : path) {
                if (crl.getIssuerX500Principal().equals(link.getIssuerX500Principal()) && crl.isRevoked(link)) {
                    throw new GatewayException(ReasonCode.CERT_REVOKED, link.getSubjectX500Principal().getName()
                            + " (serial " + link.getSerialNumber().toString(16) + ") is revoked");
                }
            }
        }
    }

    /**
     * The path from the certificate up to and including its anchor, built at a time the certificate itself is
     * valid, so that an expired certificate from the right CA is told apart from one from an unknown CA.
     */
    private List<X509Certificate> chain(X509Certificate certificate, Collection<X509Certificate> intermediates) {
        try {
            Set<TrustAnchor> trustAnchors = new LinkedHashSet<>();
            for (X509Certificate anchor : anchors) {
                trustAnchors.add(new TrustAnchor(anchor, null));
            }
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(certificate);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(trustAnchors, target);
            parameters.setRevocationEnabled(false);
            parameters.setDate(certificate.getNotBefore());
            List<X509Certificate> pool = new ArrayList<>(intermediates);
            pool.add(certificate);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(pool)));
            CertPathBuilderResult result = CertPathBuilder.getInstance("PKIX").build(parameters);
            List<X509Certificate> path = new ArrayList<>();
            result.getCertPath().getCertificates().forEach(link -> path.add((X509Certificate) link));
            path.add(((java.security.cert.PKIXCertPathBuilderResult) result).getTrustAnchor().getTrustedCert());
            return path;
        } catch (GeneralSecurityException e) {
            throw new GatewayException(ReasonCode.CERT_UNKNOWN_CA, certificate.getSubjectX500Principal().getName()
                    + " does not chain to a CA of this partner");
        }
    }

    /** The CRLs, read again when the file's modification time changes; each must be signed by an anchor. */
    private List<X509CRL> currentCrls() {
        if (crlFile == null) {
            return List.of();
        }
        if (!Files.exists(crlFile)) {
            return List.of();
        }
        try {
            FileTime modified = Files.getLastModifiedTime(crlFile);
            Crls cached = crls;
            if (modified.equals(cached.modified())) {
                return cached.list();
            }
            List<X509CRL> loaded = new ArrayList<>();
            try (InputStream in = Files.newInputStream(crlFile)) {
                for (var crl : CertificateFactory.getInstance("X.509").generateCRLs(in)) {
                    X509CRL x509 = (X509CRL) crl;
                    verifyIssuer(x509);
                    loaded.add(x509);
                }
            }
            crls = new Crls(modified, List.copyOf(loaded));
            return crls.list();
        } catch (IOException | GeneralSecurityException e) {
            // A CRL that cannot be read must not silently turn into "nothing is revoked".
            throw new GatewayException(ReasonCode.CERT_REVOKED, "the CRL file " + crlFile
                    + " cannot be used (" + e.getMessage() + "); certificates cannot be checked for revocation");
        }
    }

    private void verifyIssuer(X509CRL crl) throws GeneralSecurityException {
        for (X509Certificate anchor : anchors) {
            if (anchor.getSubjectX500Principal().equals(crl.getIssuerX500Principal())) {
                crl.verify(anchor.getPublicKey());
                return;
            }
        }
        throw new GeneralSecurityException("CRL issuer " + crl.getIssuerX500Principal().getName()
                + " is not a CA of this partner");
    }

    private record Crls(FileTime modified, List<X509CRL> list) {
    }
}
