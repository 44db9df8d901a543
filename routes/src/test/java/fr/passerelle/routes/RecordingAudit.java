package fr.passerelle.routes;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/** An audit trail that keeps records in memory, for route tests. */
public final class RecordingAudit implements AuditTrail {

    private final List<Entry> entries = new CopyOnWriteArrayList<>();
    private final List<List<AuditEvent>> writes = new CopyOnWriteArrayList<>();

    @Override
    public void record(String messageId, AuditEvent event, String actor, String partner, String details) {
        recordAll(List.of(new Entry(messageId, event, actor, partner, details)));
    }

    @Override
    public void recordAll(List<Entry> all) {
        entries.addAll(all);
        writes.add(all.stream().map(Entry::event).toList());
    }

    /** The events of each write to the trail, in order: one list for a record, one for all records written together. */
    public List<List<AuditEvent>> writes() {
        return writes;
    }

    public List<Entry> entries() {
        return entries;
    }

    public List<AuditEvent> events() {
        return entries.stream().map(Entry::event).toList();
    }
}
