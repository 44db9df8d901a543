package fr.passerelle.routes.inbound;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import fr.passerelle.routes.Parties;
import fr.passerelle.schema.envelope.Envelope;
import fr.passerelle.schema.envelope.MessageType;

/**
 * Which national services receive a partner's message. The rules are tried in this order, and the first one that
 * names at least one service decides alone: later rules add nothing to it.
 * <ol>
 * <li>Explicit recipients: the envelope's recipients that are national services, in the envelope's order.
 *     Recipients that are not services (this gateway's own id, a partner) are ignored.</li>
 * <li>Case reference: the services that sent messages under the envelope's caseReference, as the
 *     {@link CaseRegistry} knows them, followed by the services of the longest configured prefix the reference
 *     starts with (case-sensitive).</li>
 * <li>Message type: the services configured for the envelope's messageType.</li>
 * <li>The default service.</li>
 * </ol>
 * A partner that names a service is taken at its word, without copying the message to the services of its case
 * or its type: the information owner chose who receives its intelligence, and its handling codes may forbid
 * passing it on.
 */
public final class InboundRouting {

    /** The rule that decided where a message goes. */
    public enum Rule {
        EXPLICIT_RECIPIENTS,
        CASE_REFERENCE,
        MESSAGE_TYPE,
        DEFAULT_SERVICE
    }

    /**
     * Where a partner's message goes, and why.
     *
     * @param services the national services to deliver to, in delivery order; never empty
     * @param rule the rule that decided
     * @param reason what that rule found, for the audit trail, e.g. "case reference OFAST-2026-00042 known for ofast"
     */
    public record Routing(Set<String> services, Rule rule, String reason) {

        public Routing {
            if (services.isEmpty()) {
                throw new IllegalArgumentException("a routing names at least one service");
            }
            services = Collections.unmodifiableSet(new LinkedHashSet<>(services));
        }
    }

    /**
     * The routing configuration. The constructor refuses a rule that names no service, an empty prefix (it would
     * catch every message that has a case reference), and any service, default included, that is not configured,
     * naming the rule and the service.
     *
     * @param services the configured national services
     * @param defaultService the service that receives what no other rule routes
     * @param byMessageType message type → the services that receive messages of that type; null for none
     * @param byCaseReferencePrefix case reference prefix → the services that receive messages whose caseReference
     *     starts with it; null for none
     */
    public record Rules(List<String> services, String defaultService, Map<MessageType, List<String>> byMessageType,
            Map<String, List<String>> byCaseReferencePrefix) {

        public Rules {
            services = List.copyOf(services);
            byMessageType = copy(byMessageType);
            byCaseReferencePrefix = copy(byCaseReferencePrefix);
            if (!services.contains(defaultService)) {
                throw new IllegalArgumentException("the default service '" + defaultService
                        + "' is not a configured service");
            }
            for (Map.Entry<MessageType, List<String>> rule : byMessageType.entrySet()) {
                check("the message type rule " + rule.getKey().value(), rule.getValue(), services);
            }
            for (Map.Entry<String, List<String>> rule : byCaseReferencePrefix.entrySet()) {
                if (rule.getKey().isEmpty()) {
                    throw new IllegalArgumentException("a case reference prefix rule has an empty prefix");
                }
                check("the case reference prefix rule '" + rule.getKey() + "'", rule.getValue(), services);
            }
        }

        /** The rules for the services and default service of this configuration. */
        public static Rules of(Parties parties, Map<MessageType, List<String>> byMessageType,
                Map<String, List<String>> byCaseReferencePrefix) {
            return new Rules(parties.services(), parties.defaultService(), byMessageType, byCaseReferencePrefix);
        }

        private static <K> Map<K, List<String>> copy(Map<K, List<String>> rules) {
            Map<K, List<String>> copy = new LinkedHashMap<>();
            if (rules != null) {
                rules.forEach((key, targets) -> copy.put(key, List.copyOf(targets)));
            }
            return Collections.unmodifiableMap(copy);
        }

        private static void check(String rule, List<String> targets, List<String> services) {
            if (targets.isEmpty()) {
                throw new IllegalArgumentException(rule + " names no service");
            }
            for (String target : targets) {
                if (!services.contains(target)) {
                    throw new IllegalArgumentException(rule + " names '" + target + "', which is not a configured service");
                }
            }
        }
    }

    private final Rules rules;
    private final CaseRegistry cases;

    public InboundRouting(Rules rules, CaseRegistry cases) {
        this.rules = rules;
        this.cases = cases;
    }

    /** The services that receive this validated envelope, in delivery order; never empty. */
    public Set<String> servicesFor(Envelope envelope) {
        return route(envelope).services();
    }

    /** Where this validated envelope goes, and which rule decided. */
    public Routing route(Envelope envelope) {
        Set<String> explicit = new LinkedHashSet<>();
        for (String recipient : envelope.getRecipients().getRecipient()) {
            if (rules.services().contains(recipient)) {
                explicit.add(recipient);
            }
        }
        if (!explicit.isEmpty()) {
            return new Routing(explicit, Rule.EXPLICIT_RECIPIENTS, "explicit recipients " + names(explicit));
        }
        if (envelope.getCaseReference() != null) {
            Routing byCase = byCaseReference(envelope.getCaseReference());
            if (byCase != null) {
                return byCase;
            }
        }
        List<String> byType = rules.byMessageType().get(envelope.getMessageType());
        if (byType != null) {
            return new Routing(new LinkedHashSet<>(byType), Rule.MESSAGE_TYPE,
                    "message type " + envelope.getMessageType().value() + " for " + names(byType));
        }
        return new Routing(Set.of(rules.defaultService()), Rule.DEFAULT_SERVICE,
                "default service " + rules.defaultService());
    }

    /** The services of this case, or null when neither the registry nor a prefix rule knows it. */
    private Routing byCaseReference(String caseReference) {
        Set<String> services = new LinkedHashSet<>();
        List<String> found = new ArrayList<>();
        Set<String> known = new LinkedHashSet<>(cases.servicesFor(caseReference));
        // A service that sent under this reference may since have been removed from the configuration.
        known.retainAll(rules.services());
        if (!known.isEmpty()) {
            services.addAll(known);
            found.add("known for " + names(known));
        }
        String prefix = longestPrefixOf(caseReference);
        if (prefix != null) {
            List<String> byPrefix = rules.byCaseReferencePrefix().get(prefix);
            services.addAll(byPrefix);
            found.add("matches prefix " + prefix + " for " + names(byPrefix));
        }
        if (services.isEmpty()) {
            return null;
        }
        return new Routing(services, Rule.CASE_REFERENCE,
                "case reference " + caseReference + " " + String.join(" and ", found));
    }

    private String longestPrefixOf(String caseReference) {
        String longest = null;
        for (String prefix : rules.byCaseReferencePrefix().keySet()) {
            if (caseReference.startsWith(prefix) && (longest == null || prefix.length() > longest.length())) {
                longest = prefix;
            }
        }
        return longest;
    }

    private static String names(Collection<String> services) {
        return String.join(", ", services);
    }
}
