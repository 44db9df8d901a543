package fr.passerelle.gateway.persistence;

import java.sql.Timestamp;
import java.time.Clock;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/** Appends audit records to the {@code audit_record} table. A failed write fails the step that asked for it. */
@Component
class JdbcAuditTrail implements AuditTrail {

    private static final int MAX_DETAILS = 2000;

    private final JdbcTemplate jdbc;
    private final Clock clock;

    JdbcAuditTrail(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void record(String messageId, AuditEvent event, String actor, String partner, String details) {
        String trimmed = details != null && details.length() > MAX_DETAILS ? details.substring(0, MAX_DETAILS) : details;
        jdbc.update("insert into audit_record (recorded_at, message_id, event, actor, partner, details)"
                + " values (?, ?, ?, ?, ?, ?)",
                Timestamp.from(clock.instant()), messageId, event.name(), actor == null ? "unknown" : actor,
                partner, trimmed);
    }
}
