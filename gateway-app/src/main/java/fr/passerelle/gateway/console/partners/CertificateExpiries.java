package fr.passerelle.gateway.console.partners;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.stereotype.Component;

import fr.passerelle.gateway.certificates.CertificateExpiryWatch;

/**
 * The certificates under expiry watch, as the console shows them: ours and each partner's CA and encryption
 * certificates, with the days left. Read from the watch itself, so that the console and the health endpoint
 * always agree on the figures and on the warning period.
 */
@Component
public class CertificateExpiries {

    /**
     * One watched certificate.
     *
     * @param party the party it belongs to: our id, or a partner's
     * @param role {@code ca}, {@code sign}, {@code enc} or {@code tls}
     * @param daysLeft whole days until it expires, negative once expired
     * @param near whether it expires within the warning period, or has expired
     */
    public record Expiry(String party, String role, String subject, Instant notAfter, long daysLeft, boolean near) {

        public boolean expired() {
            return daysLeft < 0;
        }

        /** What the certificate is for, in words. */
        public String use() {
            return switch (role) {
                case "ca" -> "CA (trust anchor)";
                case "sign" -> "signing";
                case "enc" -> "encryption";
                case "tls" -> "TLS";
                default -> role;
            };
        }
    }

    private final CertificateExpiryWatch watch;

    CertificateExpiries(CertificateExpiryWatch watch) {
        this.watch = watch;
    }

    /** Every watched certificate, soonest expiry first. */
    public List<Expiry> all() {
        List<Expiry> all = new ArrayList<>();
        for (CertificateExpiryWatch.Watched watched : watch.certificates()) {
            long days = watch.daysLeft(watched);
            all.add(new Expiry(watched.party(), watched.role(),
                    watched.certificate().getSubjectX500Principal().getName(),
                    watched.certificate().getNotAfter().toInstant(), days, days <= watch.warnDays()));
        }
        all.sort(Comparator.comparingLong(Expiry::daysLeft));
        return all;
    }

    /** Days before expiry from which a certificate is flagged ({@code passerelle.certificates.warn-days}). */
    public int warnDays() {
        return watch.warnDays();
    }
}
