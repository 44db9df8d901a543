package fr.passerelle.routes.inbound;

import java.util.Set;

/**
 * The case references the national services have used in the messages they sent, so that a partner's message
 * about one of those cases goes back to the service that works on it. Only a reference taken from an envelope
 * whose sender has been checked against the broker account that sent it may be remembered: otherwise one
 * service could have another's partner messages routed to itself.
 */
public interface CaseRegistry {

    /** A registry that remembers nothing: routing then goes by rules and recipients only. */
    CaseRegistry NONE = new CaseRegistry() {
        @Override
        public void remember(String caseReference, String service) {
        }

        @Override
        public Set<String> servicesFor(String caseReference) {
            return Set.of();
        }
    };

    /** Records that this service sent a message under this case reference; recording it again changes nothing. */
    void remember(String caseReference, String service);

    /** The services that sent messages under this case reference, first one first; empty when none did. */
    Set<String> servicesFor(String caseReference);
}
