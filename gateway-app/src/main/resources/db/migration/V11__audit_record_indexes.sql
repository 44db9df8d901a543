-- The console searches the audit trail by partner, event and actor, newest first.
create index audit_record_partner_event on audit_record (partner, event, seq);
create index audit_record_actor on audit_record (actor, seq);
