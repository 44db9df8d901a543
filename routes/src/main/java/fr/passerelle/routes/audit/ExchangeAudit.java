package fr.passerelle.routes.audit;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Exchange;

/**
 * The audit records of one message's step, kept on its exchange until the step ends and then written to the trail
 * together, in the order they were asked for: one write per message instead of one per event. The step ends when
 * its route ends, when the message is quarantined or held for review, or when it fails and its broker transaction
 * rolls back; each of these writes what was kept before the broker commits. The parts of a split add to their
 * parent's records.
 */
public final class ExchangeAudit implements AuditTrail {

    /** The exchange property holding the records kept. */
    public static final String PROPERTY = "passerelleAuditKept";

    private final List<Entry> kept = new ArrayList<>();

    private ExchangeAudit() {
    }

    /** The records kept on this exchange, which {@link #record} adds to. */
    public static ExchangeAudit of(Exchange exchange) {
        ExchangeAudit audit = exchange.getProperty(PROPERTY, ExchangeAudit.class);
        if (audit == null) {
            audit = new ExchangeAudit();
            exchange.setProperty(PROPERTY, audit);
        }
        return audit;
    }

    @Override
    public synchronized void record(String messageId, AuditEvent event, String actor, String partner,
            String details) {
        kept.add(new Entry(messageId, event, actor, partner, details));
    }

    /**
     * Writes the records kept on this exchange to {@code trail}, all together, and forgets them; nothing kept,
     * nothing written. A failure to write is thrown, and the records are not kept for another try: the step fails.
     */
    public static void flush(Exchange exchange, AuditTrail trail) {
        ExchangeAudit audit = exchange.getProperty(PROPERTY, ExchangeAudit.class);
        if (audit == null) {
            return;
        }
        List<Entry> entries;
        synchronized (audit) {
            entries = List.copyOf(audit.kept);
            audit.kept.clear();
        }
        if (!entries.isEmpty()) {
            trail.recordAll(entries);
        }
    }
}
