package fr.passerelle.gateway.certificates;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Watches the expiry of every configured certificate: ours and the partners'. Each one is a gauge
 * {@code passerelle.certificate.days.to.expiry} (tags {@code party}, {@code role}, {@code serial}) and a line in
 * the {@code certificates} health details; from {@code warnDays} before expiry it is listed under
 * {@code warnings} and logged. The health is DOWN when one of our own certificates has expired, because the
 * gateway then cannot sign, decrypt or serve TLS; a partner's expired certificate stops only that partner and
 * shows as a warning.
 */
public final class CertificateExpiryWatch implements HealthIndicator {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateExpiryWatch.class);

    /** One watched certificate. */
    public record Watched(String party, String role, X509Certificate certificate, boolean ours) {

        String key() {
            return party + "/" + role + "/" + certificate.getSerialNumber().toString(16);
        }
    }

    private final List<Watched> certificates;
    private final int warnDays;
    private final Clock clock;

    public CertificateExpiryWatch(List<Watched> certificates, int warnDays, Clock clock) {
        this.certificates = List.copyOf(certificates);
        this.warnDays = warnDays;
        this.clock = clock;
    }

    /** The watched certificates. */
    public List<Watched> certificates() {
        return certificates;
    }

    /** Days before expiry from which a certificate is reported ({@code passerelle.certificates.warn-days}). */
    public int warnDays() {
        return warnDays;
    }

    /** Registers one gauge per certificate. */
    public void bindTo(MeterRegistry registry) {
        for (Watched watched : certificates) {
            Gauge.builder("passerelle.certificate.days.to.expiry", watched, this::daysLeft)
                    .description("Days until the certificate expires (negative once expired)")
                    .tag("party", watched.party())
                    .tag("role", watched.role())
                    .tag("serial", watched.certificate().getSerialNumber().toString(16))
                    .register(registry);
        }
    }

    /** Logs every certificate that expires within the warning period, or has expired. */
    public List<String> logWarnings() {
        List<String> warnings = warnings();
        warnings.forEach(warning -> LOG.warn("certificate expiry: {}", warning));
        return warnings;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        boolean ownExpired = false;
        for (Watched watched : certificates) {
            long days = daysLeft(watched);
            details.put(watched.key(), Map.of(
                    "subject", watched.certificate().getSubjectX500Principal().getName(),
                    "notAfter", watched.certificate().getNotAfter().toInstant().toString(),
                    "daysToExpiry", days));
            ownExpired |= watched.ours() && days < 0;
        }
        List<String> warnings = warnings();
        Health.Builder health = ownExpired ? Health.down() : Health.up();
        if (!warnings.isEmpty()) {
            health.withDetail("warnings", warnings);
        }
        return health.withDetail("warnDays", warnDays).withDetails(details).build();
    }

    private List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (Watched watched : certificates) {
            long days = daysLeft(watched);
            if (days < 0) {
                warnings.add(watched.key() + " (" + watched.certificate().getSubjectX500Principal().getName()
                        + ") expired " + (-days) + " days ago");
            } else if (days <= warnDays) {
                warnings.add(watched.key() + " (" + watched.certificate().getSubjectX500Principal().getName()
                        + ") expires in " + days + " days");
            }
        }
        return warnings;
    }

    /** Whole days until the certificate expires, negative once expired. */
    public long daysLeft(Watched watched) {
        Instant notAfter = watched.certificate().getNotAfter().toInstant();
        Duration left = Duration.between(clock.instant(), notAfter);
        return left.isNegative() ? -Duration.between(notAfter, clock.instant()).toDays() - 1 : left.toDays();
    }
}
