package fr.passerelle.routes.audit;

import java.util.List;

/** Where audit records go. Implementations must never drop a record silently: failure to write is an error. */
public interface AuditTrail {

    /**
     * Records one event.
     *
     * @param messageId the envelope's messageId, or null when it could not be read
     * @param event what happened
     * @param actor who did it: a national service, a partner, a console user, or {@code gateway}
     * @param partner the partner concerned, or null
     * @param details a short factual note (reason code, digest, queue); never message content or secrets
     */
    void record(String messageId, AuditEvent event, String actor, String partner, String details);

    /**
     * Records several events, in this order. An implementation that can writes them together, all or none; this
     * one records them one after the other.
     */
    default void recordAll(List<Entry> entries) {
        for (Entry entry : entries) {
            record(entry.messageId(), entry.event(), entry.actor(), entry.partner(), entry.details());
        }
    }

    /** One event to record, as {@link #record} takes it. */
    record Entry(String messageId, AuditEvent event, String actor, String partner, String details) {
    }
}
