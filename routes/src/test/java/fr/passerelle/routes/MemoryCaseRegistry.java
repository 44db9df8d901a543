package fr.passerelle.routes;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import fr.passerelle.routes.inbound.CaseRegistry;

/** A case registry in memory, for tests: services in the order they were first remembered. */
public final class MemoryCaseRegistry implements CaseRegistry {

    private final Map<String, Set<String>> services = new LinkedHashMap<>();

    @Override
    public synchronized void remember(String caseReference, String service) {
        services.computeIfAbsent(caseReference, reference -> new LinkedHashSet<>()).add(service);
    }

    @Override
    public synchronized Set<String> servicesFor(String caseReference) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(services.getOrDefault(caseReference, Set.of())));
    }
}
