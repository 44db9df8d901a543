package fr.passerelle.gateway.persistence;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/**
 * Appends audit records to the {@code audit_record} table, hash-chained ({@link AuditChain}). Each append locks
 * the chain head row, so concurrent appends, from this process or other gateway instances on the same
 * database, form one chain. Every {@code checkpointEvery} records, the latest hash is signed with the gateway's
 * signing key into {@code audit_checkpoint}, in the same transaction. There is no update or delete path: the
 * trail is append-only. A failed write fails the step that asked for it.
 */
public class JdbcAuditTrail implements AuditTrail {

    private static final int MAX_DETAILS = 2000;

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final UnaryOperator<byte[]> signer;
    private final int checkpointEvery;

    /**
     * @param signer signs a checkpoint statement, returning a DER CMS SignedData
     * @param checkpointEvery records between two signed checkpoints
     */
    public JdbcAuditTrail(JdbcTemplate jdbc, PlatformTransactionManager transactions, Clock clock,
            UnaryOperator<byte[]> signer, int checkpointEvery) {
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpointEvery must be at least 1");
        }
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
        this.clock = clock;
        this.signer = signer;
        this.checkpointEvery = checkpointEvery;
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
            if (seq % checkpointEvery == 0) {
                writeCheckpoint(seq, hash, now);
            }
        });
    }

    /** Signs the latest hash now, unless it is signed already; for the time-based checkpoints. */
    public void checkpoint() {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        transaction.executeWithoutResult(status -> {
            Map<String, Object> head = jdbc.queryForMap(
                    "select last_seq, last_hash from audit_head where id = 1 for update");
            long seq = ((Number) head.get("last_seq")).longValue();
            Integer existing = jdbc.queryForObject("select count(*) from audit_checkpoint where seq = ?",
                    Integer.class, seq);
            if (seq > 0 && existing == 0) {
                writeCheckpoint(seq, (String) head.get("last_hash"), now);
            }
        });
    }

    private void writeCheckpoint(long seq, String hash, Instant now) {
        byte[] signature = signer.apply(AuditCheckpoints.statement(seq, hash, now));
        jdbc.update("insert into audit_checkpoint (seq, record_hash, signed_at, signature) values (?, ?, ?, ?)",
                seq, hash, Timestamp.from(now), Base64.getEncoder().encodeToString(signature));
    }
}
