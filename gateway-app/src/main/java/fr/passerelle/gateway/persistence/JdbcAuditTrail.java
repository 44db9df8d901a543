package fr.passerelle.gateway.persistence;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/**
 * Appends audit records to the {@code audit_record} table, hash-chained ({@link AuditChain}). Each append locks
 * the chain head row, so concurrent appends, from this process or other gateway instances on the same
 * database, form one chain. There is no update or delete path: the trail is append-only. A failed write fails
 * the step that asked for it.
 */
@Component
public class JdbcAuditTrail implements AuditTrail {

    private static final int MAX_DETAILS = 2000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;

    public JdbcAuditTrail(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
    }

    @Override
    public void record(String messageId, AuditEvent event, String actor, String partner, String details) {
        String trimmed = details != null && details.length() > MAX_DETAILS ? details.substring(0, MAX_DETAILS) : details;
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        transaction.executeWithoutResult(status -> {
            Map<String, Object> head = jdbc.queryForMap(
                    "select last_seq, last_hash from audit_head where id = 1 for update");
            long seq = ((Number) head.get("last_seq")).longValue() + 1;
            String previous = (String) head.get("last_hash");
            AuditChain.Entry entry = new AuditChain.Entry(seq, now, messageId, event.name(),
                    actor == null ? "unknown" : actor, partner, trimmed);
            String hash = AuditChain.hash(previous, entry);
            jdbc.update("insert into audit_record (seq, recorded_at, message_id, event, actor, partner, details,"
                    + " previous_hash, record_hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    seq, Timestamp.from(now), messageId, entry.event(), entry.actor(), partner, trimmed, previous, hash);
            jdbc.update("update audit_head set last_seq = ?, last_hash = ? where id = 1", seq, hash);
        });
    }
}
