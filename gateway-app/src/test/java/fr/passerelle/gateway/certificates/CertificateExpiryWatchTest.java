package fr.passerelle.gateway.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;

import fr.passerelle.routes.TestCertificates;
import fr.passerelle.routes.TestPki;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The expiry watch: days to expiry as a gauge, warnings from the threshold, DOWN when our own has expired. */
class CertificateExpiryWatchTest {

    private final Instant now = Instant.now();

    @Test
    void reportsDaysToExpiryAndWarnsWithinTheThreshold() throws Exception {
        var soon = TestCertificates.signing("spain", now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
        var far = TestPki.credential("fr", "sign");
        CertificateExpiryWatch watch = new CertificateExpiryWatch(List.of(
                new CertificateExpiryWatch.Watched("spain", "sign", soon.certificate(), false),
                new CertificateExpiryWatch.Watched("fr", "sign", far.certificate(), true)), 30, Clock.systemUTC());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        watch.bindTo(registry);

        assertThat(registry.get("passerelle.certificate.days.to.expiry").tag("party", "spain").gauge().value())
                .isBetween(9.0, 10.0);
        assertThat(registry.get("passerelle.certificate.days.to.expiry").tag("party", "fr").gauge().value())
                .isGreaterThan(365);
        var health = watch.health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat((List<?>) health.getDetails().get("warnings")).hasSize(1)
                .first().asString().contains("spain/sign").contains("expires in");
        assertThat(watch.logWarnings()).hasSize(1);
    }

    @Test
    void isDownWhenOneOfOurCertificatesHasExpired() throws Exception {
        var expired = TestCertificates.signing("fr", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(2)));
        CertificateExpiryWatch watch = new CertificateExpiryWatch(List.of(
                new CertificateExpiryWatch.Watched("fr", "sign", expired.certificate(), true)), 30, Clock.systemUTC());

        assertThat(watch.health().getStatus()).isEqualTo(Status.DOWN);
        assertThat(watch.logWarnings()).first().asString().contains("expired");
    }

    @Test
    void aPartnersExpiredCertificateIsAWarningNotAnOutage() throws Exception {
        var expired = TestCertificates.signing("spain", now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(2)));
        CertificateExpiryWatch watch = new CertificateExpiryWatch(List.of(
                new CertificateExpiryWatch.Watched("spain", "enc", expired.certificate(), false)), 30, Clock.systemUTC());

        assertThat(watch.health().getStatus()).isEqualTo(Status.UP);
        assertThat(watch.health().getDetails()).containsKey("warnings");
    }
}
