package fr.passerelle.gateway.persistence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The hash chain of the audit trail: each record's hash is SHA-256 of the previous record's hash (hexadecimal,
 * ASCII) followed by the canonical encoding of the record. The encoding writes every field in a fixed order as
 * {@code <length>:<UTF-8 bytes>}, or {@code -} for a missing value, so that no two different records encode
 * alike, whatever characters their fields hold.
 */
public final class AuditChain {

    /** The hash the first record chains to. */
    public static final String GENESIS = "0".repeat(64);

    private AuditChain() {
    }

    /** One audit record as stored. Times are kept to the millisecond, as every database stores them. */
    public record Entry(long seq, Instant recordedAt, String messageId, String event, String actor, String partner,
            String details) {

        /** The entry of the current row of a query over {@code audit_record}'s columns. */
        public static Entry from(ResultSet row) throws SQLException {
            return new Entry(row.getLong("seq"), row.getTimestamp("recorded_at").toInstant(), row.getString("message_id"),
                    row.getString("event"), row.getString("actor"), row.getString("partner"), row.getString("details"));
        }
    }

    /** The hash of {@code entry} chained to {@code previousHash}. */
    public static String hash(String previousHash, Entry entry) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
        sha256.update(previousHash.getBytes(StandardCharsets.US_ASCII));
        sha256.update(canonical(entry));
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** The canonical encoding of a record. */
    public static byte[] canonical(Entry entry) {
        StringBuilder out = new StringBuilder();
        field(out, Long.toString(entry.seq()));
        field(out, entry.recordedAt().toString());
        field(out, entry.messageId());
        field(out, entry.event());
        field(out, entry.actor());
        field(out, entry.partner());
        field(out, entry.details());
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder out, String value) {
        if (value == null) {
            out.append('-');
        } else {
            out.append(value.getBytes(StandardCharsets.UTF_8).length).append(':').append(value);
        }
        out.append(';');
    }
}
