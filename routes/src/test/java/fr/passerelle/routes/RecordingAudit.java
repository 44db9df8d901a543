package fr.passerelle.routes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/** An audit trail that keeps records in memory, for route tests. */
public final class RecordingAudit implements AuditTrail {

    public record Entry(String messageId, AuditEvent event, String actor, String partner, String details) {
    }

    private final List<Entry> entries = new CopyOnWriteArrayList<>();

    @Override
    public void record(String messageId, AuditEvent event, String actor, String partner, String details) {
        entries.add(new Entry(messageId, event, actor, partner, details));
    }

    public List<Entry> entries() {
        return entries;
    }

    public List<AuditEvent> events() {
        return entries.stream().map(Entry::event).toList();
    }
}
