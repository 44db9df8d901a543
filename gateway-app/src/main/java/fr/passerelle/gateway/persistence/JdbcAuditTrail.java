package fr.passerelle.gateway.persistence;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
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
 *
 * <p>Group commit: records asked for while another thread is writing wait in a queue, and the next writer appends
 * them all, in the order they were asked for, in one transaction under one lock of the head. Each caller returns
 * only once its own record is committed, and gets the failure if the transaction holding it failed (then none of
 * that transaction's records was written), so the trail is exactly what the callers were told.
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

    /** A record asked for and not yet written; {@code done} and {@code failure} are guarded by the queue lock. */
    private static final class Pending {
        final Instant at;
        final String messageId;
        final String event;
        final String actor;
        final String partner;
        final String details;
        boolean done;
        RuntimeException failure;

        Pending(Instant at, String messageId, String event, String actor, String partner, String details) {
            this.at = at;
            this.messageId = messageId;
            this.event = event;
            this.actor = actor;
            this.partner = partner;
            this.details = details;
        }
    }

    private final Object queueLock = new Object();
    private List<Pending> queue = new ArrayList<>();
    private boolean writing;

    @Override
    public void record(String messageId, AuditEvent event, String actor, String partner, String details) {
        recordAll(List.of(new Entry(messageId, event, actor, partner, details)));
    }

    /** Records {@code entries} in this order, in one transaction: all of them or, on failure, none. */
    @Override
    public void recordAll(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        Instant at = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        List<Pending> mine = new ArrayList<>(entries.size());
        for (Entry entry : entries) {
            String details = entry.details();
            String trimmed = details != null && details.length() > MAX_DETAILS ? details.substring(0, MAX_DETAILS)
                    : details;
            mine.add(new Pending(at, entry.messageId(), entry.event().name(),
                    entry.actor() == null ? "unknown" : entry.actor(), entry.partner(), trimmed));
        }
        // Added together, so that they are written in one batch, next to each other.
        Pending pending = mine.get(mine.size() - 1);
        synchronized (queueLock) {
            queue.addAll(mine);
        }
        boolean interrupted = false;
        while (true) {
            List<Pending> batch;
            synchronized (queueLock) {
                while (!pending.done && writing) {
                    try {
                        queueLock.wait();
                    } catch (InterruptedException e) {
                        // The record may be in the batch being written: its outcome is awaited all the same.
                        interrupted = true;
                    }
                }
                if (pending.done) {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    if (pending.failure != null) {
                        throw pending.failure;
                    }
                    return;
                }
                writing = true;
                batch = queue;
                queue = new ArrayList<>();
            }
            RuntimeException failure = null;
            try {
                append(batch);
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                synchronized (queueLock) {
                    for (Pending written : batch) {
                        written.done = true;
                        written.failure = failure;
                    }
                    writing = false;
                    queueLock.notifyAll();
                }
            }
        }
    }

    /** The chain's head: the last sequence number given out and the hash of the record that has it. */
    private record Head(long seq, String hash) {
    }

    /** Appends {@code batch} to the chain, in its order, in one transaction. */
    private void append(List<Pending> batch) {
        transaction.executeWithoutResult(status -> {
            // The head row is locked by an update that reserves the batch's numbers, not by SELECT ... FOR UPDATE,
            // which H2 parses again every time (it keeps no parsed FOR UPDATE statement). Other instances wait here.
            jdbc.update("update audit_head set last_seq = last_seq + ? where id = 1", batch.size());
            Head head = jdbc.queryForObject("select last_seq, last_hash from audit_head where id = ?",
                    (row, n) -> new Head(row.getLong("last_seq"), row.getString("last_hash")), 1);
            long seq = head.seq() - batch.size();
            String previous = head.hash();
            List<Object[]> rows = new ArrayList<>(batch.size());
            for (Pending record : batch) {
                seq++;
                AuditChain.Entry entry = new AuditChain.Entry(seq, record.at, record.messageId, record.event,
                        record.actor, record.partner, record.details);
                String hash = AuditChain.hash(previous, entry);
                rows.add(new Object[] {seq, Timestamp.from(record.at), record.messageId, record.event, record.actor,
                    record.partner, record.details, previous, hash});
                previous = hash;
            }
            jdbc.batchUpdate("insert into audit_record (seq, recorded_at, message_id, event, actor, partner, details,"
                    + " previous_hash, record_hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows);
            jdbc.update("update audit_head set last_hash = ? where id = 1", previous);
            long first = seq - batch.size() + 1;
            for (long s = first; s <= seq; s++) {
                if (s % checkpointEvery == 0) {
                    Object[] row = rows.get((int) (s - first));
                    writeCheckpoint(s, (String) row[8], batch.get((int) (s - first)).at);
                }
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
