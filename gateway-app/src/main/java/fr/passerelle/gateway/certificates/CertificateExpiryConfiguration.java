package fr.passerelle.gateway.certificates;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import fr.passerelle.gateway.config.PasserelleProperties;
import fr.passerelle.pki.Pem;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.seal.Credential;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.PartyDirectory;
import io.micrometer.core.instrument.MeterRegistry;

/** Puts every configured certificate under watch, and logs the ones near expiry at start and every day. */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
class CertificateExpiryConfiguration {

    @Bean("certificates")
    CertificateExpiryWatch certificateExpiryWatch(Parties parties, PasserelleProperties properties,
            MeterRegistry registry, Clock clock,
            @Value("${passerelle.certificates.warn-days:30}") int warnDays) {
        List<CertificateExpiryWatch.Watched> watched = new ArrayList<>();
        String us = parties.identity().id();
        for (X509Certificate ca : Pem.readCertificates(properties.identity().directory().resolve("ca.pem"))) {
            watched.add(new CertificateExpiryWatch.Watched(us, "ca", ca, true));
        }
        watched.add(new CertificateExpiryWatch.Watched(us, "sign", parties.identity().signing().certificate(), true));
        for (Credential decryption : parties.identity().decryption()) {
            watched.add(new CertificateExpiryWatch.Watched(us, "enc", decryption.certificate(), true));
        }
        watched.add(new CertificateExpiryWatch.Watched(us, "tls",
                PartyDirectory.credential(properties.identity().directory(), "tls").certificate(), true));
        for (Partner partner : parties.partners().values()) {
            for (X509Certificate ca : partner.trustAnchors()) {
                watched.add(new CertificateExpiryWatch.Watched(partner.id(), "ca", ca, false));
            }
            for (X509Certificate encryption : partner.encryption()) {
                watched.add(new CertificateExpiryWatch.Watched(partner.id(), "enc", encryption, false));
            }
        }
        CertificateExpiryWatch watch = new CertificateExpiryWatch(watched, warnDays, clock);
        watch.bindTo(registry);
        return watch;
    }

    @Bean
    DailyExpiryLog dailyExpiryLog(CertificateExpiryWatch watch) {
        return new DailyExpiryLog(watch);
    }

    /** Logs the certificates near expiry at start, then once a day. */
    static final class DailyExpiryLog {

        private final CertificateExpiryWatch watch;

        DailyExpiryLog(CertificateExpiryWatch watch) {
            this.watch = watch;
        }

        @Scheduled(initialDelay = 0, fixedDelayString = "PT24H")
        void log() {
            watch.logWarnings();
        }
    }
}
