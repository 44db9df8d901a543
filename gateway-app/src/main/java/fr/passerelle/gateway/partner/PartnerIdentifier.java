package fr.passerelle.gateway.partner;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.springframework.stereotype.Component;

import fr.passerelle.routes.Parties;
import fr.passerelle.routes.seal.CertificateTrust;
import fr.passerelle.routes.seal.Partner;

/**
 * Tells which partner a TLS client certificate belongs to: the one whose CA it chains to, with a key usage fit
 * for TLS client authentication. TLS already refused certificates from any other issuer; this maps the survivor
 * to a partner id, and refuses a certificate that several partners' CAs would accept (a configuration error).
 */
@Component
class PartnerIdentifier {

    private final Parties parties;
    private final Clock clock;

    PartnerIdentifier(Parties parties, Clock clock) {
        this.parties = parties;
        this.clock = clock;
    }

    Optional<String> identify(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            return Optional.empty();
        }
        List<X509Certificate> intermediates = Arrays.asList(chain).subList(1, chain.length);
        List<String> matches = parties.partners().values().stream()
                .filter(partner -> CertificateTrust.isTrusted(chain[0], intermediates, partner.trustAnchors(),
                        CertificateTrust.Usage.TLS_CLIENT, clock.instant()))
                .map(Partner::id)
                .toList();
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }
}
