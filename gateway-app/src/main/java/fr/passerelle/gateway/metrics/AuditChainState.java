package fr.passerelle.gateway.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Where the audit chain stands against its signed checkpoints, as health shows it and the metrics export it:
 * {@code passerelle.audit.records.unsigned} and {@code passerelle.audit.checkpoint.age}. Records past the last
 * checkpoint are chained but not yet signed; if checkpoints stop while records keep coming, the gap grows and so
 * does the age.
 */
final class AuditChainState {

    /**
     * @param records the records in the chain
     * @param checkpointSeq the last record a checkpoint signed, or null before the first
     * @param checkpointAt when that checkpoint was signed, or null before the first
     */
    record Snapshot(long records, Long checkpointSeq, Instant checkpointAt) {

        /** Records chained since the last checkpoint (all of them before the first). */
        long unsigned() {
            return records - (checkpointSeq == null ? 0 : checkpointSeq);
        }
    }

    private final JdbcTemplate jdbc;
    private final Clock clock;

    AuditChainState(JdbcTemplate jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Snapshot snapshot() {
        Long last = jdbc.queryForObject("select last_seq from audit_head where id = 1", Long.class);
        long records = last == null ? 0 : last;
        List<Snapshot> signed = jdbc.query("select seq, signed_at from audit_checkpoint order by seq desc"
                + " fetch first 1 rows only", (row, n) -> new Snapshot(records, row.getLong("seq"),
                        row.getTimestamp("signed_at").toInstant()));
        return signed.isEmpty() ? new Snapshot(records, null, null) : signed.get(0);
    }

    /** Seconds since the last checkpoint was signed; NaN before the first. */
    double checkpointAgeSeconds() {
        Instant at = snapshot().checkpointAt();
        return at == null ? Double.NaN : Duration.between(at, clock.instant()).toMillis() / 1000.0;
    }
}
