package fr.passerelle.gateway.persistence;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;

import fr.passerelle.gateway.store.JdbcMessageStore;

/**
 * The evidence about one message for a judicial authority, as files anyone can check with openssl alone: the
 * message's copies as sealed and their receipts, the audit records from its first record up to a signed checkpoint (each in its
 * canonical encoding, so the chain can be recomputed with {@code openssl dgst}), the checkpoint, our
 * certificates, and a {@code VERIFY.txt} saying how.
 */
public final class EvidenceBundle {

    private final JdbcTemplate jdbc;
    private final JdbcMessageStore store;
    private final JdbcAuditTrail trail;

    public EvidenceBundle(JdbcTemplate jdbc, JdbcMessageStore store, JdbcAuditTrail trail) {
        this.jdbc = jdbc;
        this.store = store;
        this.trail = trail;
    }

    /** Writes the bundle of {@code messageId} into {@code out}; returns the number of audit records it holds. */
    public int write(String messageId, Path out, Path ourDirectory) throws IOException {
        List<Long> seqs = jdbc.queryForList("select seq from audit_record where message_id = ? order by seq",
                Long.class, messageId);
        if (seqs.isEmpty()) {
            throw new IllegalArgumentException("no audit record names message " + messageId);
        }
        long first = seqs.get(0);
        long last = seqs.get(seqs.size() - 1);
        Map<String, Object> checkpoint = covering(last);
        if (checkpoint == null) {
            trail.checkpoint();
            checkpoint = covering(last);
        }
        long upTo = ((Number) checkpoint.get("seq")).longValue();

        Path records = Files.createDirectories(out.resolve("records"));
        Files.writeString(out.resolve("start-hash.txt"), jdbc.queryForObject(
                "select previous_hash from audit_record where seq = ?", String.class, first), StandardCharsets.US_ASCII);
        StringBuilder listing = new StringBuilder();
        for (AuditChain.Entry entry : jdbc.query("select seq, recorded_at, message_id, event, actor, partner, details"
                + " from audit_record where seq between ? and ? order by seq", (row, n) -> AuditChain.Entry.from(row),
                first, upTo)) {
            Files.write(records.resolve(String.format("%012d.canonical", entry.seq())), AuditChain.canonical(entry));
            if (messageId.equals(entry.messageId())) {
                listing.append(new String(AuditChain.canonical(entry), StandardCharsets.UTF_8)).append('\n');
            }
        }
        Files.writeString(out.resolve("records-of-the-message.txt"), listing, StandardCharsets.UTF_8);
        Files.write(out.resolve("checkpoint.der"), Base64.getDecoder().decode((String) checkpoint.get("signature")));
        Files.copy(ourDirectory.resolve("ca.pem"), out.resolve("ca.pem"));
        Files.copy(ourDirectory.resolve("sign.pem"), out.resolve("sign.pem"));
        for (JdbcMessageStore.StoredMessage copy : store.find(messageId)) {
            String name = copy.direction().name().toLowerCase() + "-" + copy.partner();
            Files.write(out.resolve("message-" + name + ".sealed"), copy.sealed());
            if (copy.receipt() != null) {
                Files.write(out.resolve("receipt-" + name + ".der"), copy.receipt());
            }
        }
        Files.writeString(out.resolve("VERIFY.txt"), instructions(messageId, first, upTo), StandardCharsets.UTF_8);
        return seqs.size();
    }

    private Map<String, Object> covering(long seq) {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "select seq, signature from audit_checkpoint where seq >= ? order by seq", seq);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private static String instructions(String messageId, long first, long upTo) {
        return """
                Evidence about message %s: audit records %d to %d of the gateway's hash-chained audit trail.

                1. The checkpoint is signed by the gateway (its certificate chains to ca.pem). This prints
                   "passerelle-audit-checkpoint v1 seq=%d hash=H ...":

                   openssl cms -verify -inform DER -in checkpoint.der -CAfile ca.pem

                2. The records chain up to that hash. Each record's hash is SHA-256 of the previous hash (as
                   64 hexadecimal characters) followed by the record's canonical encoding (records/*.canonical).
                   Starting from start-hash.txt, the last hash must be H:

                   h=$(cat start-hash.txt)
                   for f in records/*.canonical; do
                     h=$( { printf %%s "$h"; cat "$f"; } | openssl dgst -sha256 -r | cut -c1-64 )
                   done
                   echo "$h"

                3. The message's records are in records-of-the-message.txt (also among records/). The copies
                   as sealed are message-<direction>-<partner>.sealed; their SHA-256 appears in the records
                   (OUTBOUND_SEALED, INBOUND_RECEIVED):

                   openssl dgst -sha256 message-*.sealed

                4. A receipt-<direction>-<partner>.der is the signed receipt that went with the message: for an
                   inbound message, ours, which prints the messageId and the SHA-256 of the sealed copy:

                   openssl cms -verify -inform DER -in receipt-inbound-<partner>.der -CAfile ca.pem
                """.formatted(messageId, first, upTo, upTo);
    }
}
