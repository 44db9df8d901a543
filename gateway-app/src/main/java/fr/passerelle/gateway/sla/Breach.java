package fr.passerelle.gateway.sla;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One outbound copy of an URGENT or IMMEDIATE message that its partner did not acknowledge in time.
 *
 * @param messageId the envelope's messageId
 * @param partner the partner it waits for
 * @param priority URGENT or IMMEDIATE
 * @param storedAt when it was sealed and stored for that partner
 * @param deadline when its partner should have acknowledged it at the latest
 * @param raisedAt when the alarm was raised
 */
public record Breach(String messageId, String partner, String priority, Instant storedAt, Instant deadline,
        Instant raisedAt) {

    /** How long it had waited when the alarm was raised, in whole seconds. */
    public Duration waited() {
        return Duration.between(storedAt, raisedAt).truncatedTo(ChronoUnit.SECONDS);
    }
}
