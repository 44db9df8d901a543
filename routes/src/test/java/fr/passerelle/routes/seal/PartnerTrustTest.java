package fr.passerelle.routes.seal;

import static fr.passerelle.routes.Refusals.assertRefused;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import fr.passerelle.pki.Pem;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.TestCertificates;
import fr.passerelle.routes.TestPki;

/** A partner's trust: each way a certificate can fail has its own reason code, and CRLs are followed. */
class PartnerTrustTest {

    @TempDir
    Path work;

    private final List<java.security.cert.X509Certificate> spainCa =
            List.of(Pem.readCertificate(TestPki.dir("spain").resolve("ca.pem")));

    private PartnerTrust spainTrust() {
        return new PartnerTrust(spainCa, work.resolve("crl.pem"), Clock.systemUTC());
    }

    @Test
    void acceptsSpainsSigningCertificate() {
        spainTrust().validate(TestPki.credential("spain", "sign").certificate(), List.of(),
                PartnerTrust.Usage.SIGNING);
    }

    /** Impersonation: Morocco's valid certificate presented as Spain's. */
    @Test
    void refusesAnotherPartnersCertificate() {
        assertRefusedAsSigner(TestPki.credential("morocco", "sign").certificate(), ReasonCode.CERT_UNKNOWN_CA);
    }

    /** A signer from a CA nobody configured. */
    @Test
    void refusesAnUnknownCa() throws Exception {
        assertRefusedAsSigner(TestCertificates.fromUnknownCa().certificate(), ReasonCode.CERT_UNKNOWN_CA);
    }

    /** A stolen or forgotten key whose certificate has expired, though issued by Spain's own CA. */
    @Test
    void refusesAnExpiredCertificateFromTheRightCa() throws Exception {
        Instant now = Instant.now();
        var expired = TestCertificates.signing("spain", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)));

        assertRefusedAsSigner(expired.certificate(), ReasonCode.CERT_EXPIRED);
    }

    /** A certificate issued ahead of its time, or a clock set wrong. */
    @Test
    void refusesACertificateNotYetValid() throws Exception {
        Instant now = Instant.now();
        var early = TestCertificates.signing("spain", now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));

        assertRefusedAsSigner(early.certificate(), ReasonCode.CERT_NOT_YET_VALID);
    }

    /** A compromised key, revoked by Spain's CA, and the CRL picked up without restart. */
    @Test
    void refusesARevokedCertificateOnceTheCrlChanges() throws Exception {
        Instant now = Instant.now();
        var compromised = TestCertificates.signing("spain", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        var other = TestCertificates.signing("spain", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30)));
        PartnerTrust trust = spainTrust();
        TestCertificates.writeCrl("spain", work.resolve("crl.pem"), other.certificate());
        trust.validate(compromised.certificate(), List.of(), PartnerTrust.Usage.SIGNING);

        TestCertificates.writeCrl("spain", work.resolve("crl.pem"), other.certificate(), compromised.certificate());
        Files.setLastModifiedTime(work.resolve("crl.pem"), FileTime.from(now.plusSeconds(5)));

        assertRefused(() -> trust.validate(compromised.certificate(), List.of(), PartnerTrust.Usage.SIGNING),
                ReasonCode.CERT_REVOKED);
    }

    /** A forged CRL (signed by another CA) must not be taken as "nothing is revoked". */
    @Test
    void refusesEverythingWhenTheCrlIsNotSignedByThePartnersCa() throws Exception {
        TestCertificates.writeCrl("morocco", work.resolve("crl.pem"));

        assertRefusedAsSigner(TestPki.credential("spain", "sign").certificate(), ReasonCode.CERT_REVOKED);
    }

    /** A key used for the wrong role: the TLS certificate as a signing certificate, the signing one for TLS. */
    @Test
    void refusesTheWrongUsage() {
        assertRefusedAsSigner(TestPki.credential("spain", "tls").certificate(), ReasonCode.CERT_WRONG_USAGE);
        assertRefused(() -> spainTrust().validate(TestPki.credential("spain", "sign").certificate(), List.of(),
                PartnerTrust.Usage.TLS_CLIENT), ReasonCode.CERT_WRONG_USAGE);
    }

    /** Spain's trust refuses {@code certificate} as a signing certificate, with {@code reason}. */
    private void assertRefusedAsSigner(java.security.cert.X509Certificate certificate, ReasonCode reason) {
        assertRefused(() -> spainTrust().validate(certificate, List.of(), PartnerTrust.Usage.SIGNING), reason);
    }
}
