package fr.passerelle.routes;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import fr.passerelle.routes.seal.LocalIdentity;
import fr.passerelle.routes.seal.Partner;

/**
 * Who is who: this gateway's identity, the configured partners, the national services, the service that
 * receives partner messages addressed to no known service, and the names each partner may send under.
 *
 * @param senders for a partner that is itself a gateway, the names of its services its envelopes may carry as
 *     sender; a partner not listed may only send under its own id
 */
public record Parties(LocalIdentity identity, Map<String, Partner> partners, List<String> services,
        String defaultService, Map<String, List<String>> senders) {

    public Parties(LocalIdentity identity, Map<String, Partner> partners, List<String> services,
            String defaultService) {
        this(identity, partners, services, defaultService, Map.of());
    }

    public Parties {
        partners = Map.copyOf(partners);
        services = List.copyOf(services);
        senders = Map.copyOf(senders);
        if (!services.contains(defaultService)) {
            throw new IllegalArgumentException("the default service " + defaultService + " is not a configured service");
        }
    }

    public Optional<Partner> partner(String id) {
        return Optional.ofNullable(partners.get(id));
    }

    public boolean isService(String id) {
        return services.contains(id);
    }

    /** Whether an envelope from this partner may name this sender: the partner's own id, or one it lists. */
    public boolean maySendAs(String partner, String sender) {
        return partner.equals(sender) || senders.getOrDefault(partner, List.of()).contains(sender);
    }
}
