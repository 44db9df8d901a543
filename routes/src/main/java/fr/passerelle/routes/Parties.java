package fr.passerelle.routes;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import fr.passerelle.routes.seal.LocalIdentity;
import fr.passerelle.routes.seal.Partner;

/**
 * Who is who: this gateway's identity, the configured partners, the national services, and the service that
 * receives partner messages addressed to no known service.
 */
public record Parties(LocalIdentity identity, Map<String, Partner> partners, List<String> services,
        String defaultService) {

    public Parties {
        partners = Map.copyOf(partners);
        services = List.copyOf(services);
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
}
