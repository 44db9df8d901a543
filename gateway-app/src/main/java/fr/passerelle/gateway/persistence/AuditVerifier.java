package fr.passerelle.gateway.persistence;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

import javax.sql.DataSource;

/**
 * Recomputes the audit chain from the first record to the last and reports the first record that breaks it:
 * a changed field (its hash no longer matches), a deleted record (a gap in the sequence), an inserted or
 * reordered record (its previous hash is not the hash of the record before it), or a head that does not match
 * the last record (records removed from the end). Streams the table: memory does not grow with its size.
 */
public final class AuditVerifier {

    /** The outcome: how many records were checked and, when broken, where and why. */
    public record Result(long records, Long brokenSeq, String problem) {

        public boolean intact() {
            return problem == null;
        }
    }

    private final DataSource dataSource;

    public AuditVerifier(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result verify() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            String expectedPrevious = AuditChain.GENESIS;
            long expectedSeq = 1;
            long count = 0;
            try (PreparedStatement query = connection.prepareStatement("select seq, recorded_at, message_id, event,"
                    + " actor, partner, details, previous_hash, record_hash from audit_record order by seq")) {
                query.setFetchSize(1000);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        long seq = rows.getLong(1);
                        AuditChain.Entry entry = new AuditChain.Entry(seq, rows.getTimestamp(2).toInstant(),
                                rows.getString(3), rows.getString(4), rows.getString(5), rows.getString(6),
                                rows.getString(7));
                        String previous = rows.getString(8);
                        String stored = rows.getString(9);
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
                        expectedPrevious = stored;
                        expectedSeq++;
                        count++;
                    }
                }
            }
            try (PreparedStatement head = connection.prepareStatement(
                    "select last_seq, last_hash from audit_head where id = 1");
                 ResultSet row = head.executeQuery()) {
                if (!row.next()) {
                    return new Result(count, null, "the chain head is missing");
                }
                if (row.getLong(1) != count || !Objects.equals(row.getString(2), expectedPrevious)) {
                    return new Result(count, row.getLong(1), "the chain head names record " + row.getLong(1)
                            + " but the trail ends at record " + count + " (records were removed from the end)");
                }
            }
            return new Result(count, null, null);
        }
    }
}
