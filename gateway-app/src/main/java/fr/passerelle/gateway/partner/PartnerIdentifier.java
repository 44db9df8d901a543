package fr.passerelle.gateway.partner;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.springframework.stereotype.Component;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.Parties;
import fr.passerelle.routes.ReasonCode;
import fr.passerelle.routes.seal.Partner;
import fr.passerelle.routes.seal.PartnerTrust;

/**
 * Tells which partner a TLS client certificate belongs to: the one whose trust accepts it as a TLS client
 * certificate. TLS already refused certificates from any other issuer and out of validity; this maps the
 * survivor to a partner id, applies the partner's CRLs and key usage rules, and refuses a certificate that
 * several partners would accept (a configuration error).
 */
@Component
class PartnerIdentifier {

    private final Parties parties;

    PartnerIdentifier(Parties parties) {
        this.parties = parties;
    }

    /** The partner id, or a {@link GatewayException} saying why the certificate identifies none. */
    String identify(X509Certificate[] chain) {
        if (chain == null || chain.length == 0) {
            throw new GatewayException(ReasonCode.CLIENT_NOT_PARTNER, "no TLS client certificate");
        }
        List<X509Certificate> intermediates = Arrays.asList(chain).subList(1, chain.length);
        List<String> accepted = new ArrayList<>();
        GatewayException closest = null;
        for (Partner partner : parties.partners().values()) {
            try {
                partner.trust().validate(chain[0], intermediates, PartnerTrust.Usage.TLS_CLIENT);
                accepted.add(partner.id());
            } catch (GatewayException refused) {
                if (refused.reason() != ReasonCode.CERT_UNKNOWN_CA) {
                    closest = refused;
                }
            }
        }
        if (accepted.size() == 1) {
            return accepted.get(0);
        }
        if (accepted.size() > 1) {
            throw new GatewayException(ReasonCode.CLIENT_NOT_PARTNER, "the certificate is accepted by several "
                    + "partners " + accepted + "; their CAs overlap in the configuration");
        }
        if (closest != null) {
            throw closest;
        }
        throw new GatewayException(ReasonCode.CLIENT_NOT_PARTNER,
                chain[0].getSubjectX500Principal().getName() + " does not belong to any configured partner");
    }
}
