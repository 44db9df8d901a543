package fr.passerelle.gateway.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import javax.sql.DataSource;

import fr.passerelle.routes.GatewayException;
import fr.passerelle.routes.seal.CmsProfile;
import fr.passerelle.routes.seal.PartnerTrust;

/**
 * Recomputes the audit chain from the first record to the last and reports the first record that breaks it:
 * a changed field (its hash no longer matches), a deleted record (a gap in the sequence), an inserted or
 * reordered record (its previous hash is not the hash of the record before it), or a head that does not match
 * the last record (records removed from the end). Then checks every signed checkpoint: its signature by our
 * signing key, its statement, and that the hash it signs is the recomputed hash of its record. Streams the
 * table: memory grows with the number of checkpoints, not of records.
 */
public final class AuditVerifier {

    /** The outcome: how many records were checked and, when broken, where and why. */
    public record Result(long records, Long brokenSeq, String problem) {

        public boolean intact() {
            return problem == null;
        }
    }

    private final DataSource dataSource;
    private final PartnerTrust signerTrust;

    /**
     * @param signerTrust what the checkpoint signer's certificate must satisfy: our own CA, as a partner would
     *     check it
     */
    public AuditVerifier(DataSource dataSource, PartnerTrust signerTrust) {
        this.dataSource = dataSource;
        this.signerTrust = signerTrust;
    }

    private record Checkpoint(String hash, Instant signedAt, String signature) {
    }

    /**
     * Verifies the trail up to the chain head as it is when the verification starts: records a running gateway
     * appends meanwhile (each append moves the head in the same transaction as its records) are left for the next
     * verification, instead of being taken for records removed from the end.
     */
    public Result verify() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            long headSeq;
            String headHash;
            try (PreparedStatement head = connection.prepareStatement(
                    "select last_seq, last_hash from audit_head where id = 1");
                 ResultSet row = head.executeQuery()) {
                if (!row.next()) {
                    return new Result(0, null, "the chain head is missing");
                }
                headSeq = row.getLong(1);
                headHash = row.getString(2);
            }
            Map<Long, Checkpoint> checkpoints = new TreeMap<>();
            try (PreparedStatement query = connection.prepareStatement("select seq, record_hash, signed_at, signature"
                    + " from audit_checkpoint where seq <= ? order by seq")) {
                query.setLong(1, headSeq);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        checkpoints.put(rows.getLong(1), new Checkpoint(rows.getString(2),
                                rows.getTimestamp(3).toInstant(), rows.getString(4)));
                    }
                }
            }
            String expectedPrevious = AuditChain.GENESIS;
            long expectedSeq = 1;
            long count = 0;
            try (PreparedStatement query = connection.prepareStatement("select seq, recorded_at, message_id, event,"
                    + " actor, partner, details, previous_hash, record_hash from audit_record where seq <= ?"
                    + " order by seq")) {
                query.setLong(1, headSeq);
                query.setFetchSize(1000);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        AuditChain.Entry entry = AuditChain.Entry.from(rows);
                        long seq = entry.seq();
                        String previous = rows.getString("previous_hash");
                        String stored = rows.getString("record_hash");
                        if (seq != expectedSeq) {
                            return new Result(count, seq, seq > expectedSeq
                                    ? "records " + expectedSeq + " to " + (seq - 1) + " are missing (deleted)"
                                    : "sequence number " + seq + " repeats or goes backwards");
                        }
                        if (!Objects.equals(previous, expectedPrevious)) {
                            return new Result(count, seq, "its previous hash is not the hash of record " + (seq - 1)
                                    + " (a record was inserted, removed or reordered before it)");
                        }
                        if (!Objects.equals(stored, AuditChain.hash(previous, entry))) {
                            return new Result(count, seq, "its content does not match its hash (a field was changed)");
                        }
                        Checkpoint checkpoint = checkpoints.remove(seq);
                        String checkpointProblem = checkpoint == null ? null : check(seq, stored, checkpoint);
                        if (checkpointProblem != null) {
                            return new Result(count, seq, checkpointProblem);
                        }
                        expectedPrevious = stored;
                        expectedSeq++;
                        count++;
                    }
                }
            }
            if (headSeq != count || !Objects.equals(headHash, expectedPrevious)) {
                return new Result(count, headSeq, "the chain head names record " + headSeq
                        + " but the trail ends at record " + count + " (records were removed from the end)");
            }
            // A record appended since is there with a head at least as far: the last record first, then the head.
            long last = single(connection, "select coalesce(max(seq), 0) from audit_record");
            long headNow = single(connection, "select last_seq from audit_head where id = 1");
            if (last > headNow) {
                return new Result(count, headNow + 1, "records " + (headNow + 1) + " to " + last + " are beyond the"
                        + " chain head (records were added without it)");
            }
            if (!checkpoints.isEmpty()) {
                long first = checkpoints.keySet().iterator().next();
                return new Result(count, first, "a signed checkpoint covers record " + first
                        + ", which is not in the trail (records were removed)");
            }
            return new Result(count, null, null);
        }
    }

    private static long single(Connection connection, String sql) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(sql); ResultSet row = query.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    /** Null when the checkpoint of record {@code seq}, whose recomputed hash is {@code hash}, holds. */
    private String check(long seq, String hash, Checkpoint checkpoint) {
        byte[] signed;
        try {
            signed = new CmsProfile().verify(Base64.getDecoder().decode(checkpoint.signature()), signerTrust).content();
        } catch (GatewayException | IllegalArgumentException e) {
            return "its signed checkpoint does not verify (" + e.getMessage() + ")";
        }
        if (!Arrays.equals(signed, AuditCheckpoints.statement(seq, checkpoint.hash(), checkpoint.signedAt()))) {
            return "its signed checkpoint says something else than the checkpoint row";
        }
        if (!checkpoint.hash().equals(hash)) {
            return "its signed checkpoint vouches for another hash (the record or one before it was changed)";
        }
        return null;
    }
}
