package fr.passerelle.gateway.store;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import fr.passerelle.routes.store.MessageStore;

/** The message store in the database: sealed bytes as they are, plaintext encrypted with the storage key. */
public class JdbcMessageStore implements MessageStore {

    /** One stored message, its plaintext decrypted. */
    public record StoredMessage(long id, String messageId, Direction direction, String partner, String messageType,
            Instant storedAt, byte[] sealed, byte[] plaintext, byte[] receipt) {
    }

    private final JdbcTemplate jdbc;
    private final StorageKey key;
    private final Clock clock;

    public JdbcMessageStore(JdbcTemplate jdbc, StorageKey key, Clock clock) {
        this.jdbc = jdbc;
        this.key = key;
        this.clock = clock;
    }

    @Override
    public boolean store(Direction direction, String messageId, String partner, Summary summary, byte[] sealed,
            byte[] plaintext, byte[] receipt, String source) {
        try {
            insert(direction, messageId, partner, summary, sealed, plaintext, receipt, source);
            return true;
        } catch (DuplicateKeyException e) {
            // The unique index keeps one copy per direction, messageId and partner: the first one stays.
            return false;
        }
    }

    @Override
    public Optional<Copy> copy(Direction direction, String messageId, String partner) {
        return jdbc.query("select sealed, receipt, delivered_at, source from message_store where message_id = ? and direction = ?"
                + " and partner = ?", (row, n) -> {
                    Timestamp delivered = row.getTimestamp("delivered_at");
                    return new Copy(row.getBytes("sealed"), row.getBytes("receipt"),
                            delivered == null ? null : delivered.toInstant(), row.getString("source"));
                }, messageId, direction.name(), partner).stream().findFirst();
    }

    @Override
    public void delivered(String messageId, String partner, byte[] receipt, Instant at) {
        int updated = jdbc.update("update message_store set delivered_at = ?, receipt = coalesce(?, receipt)"
                + " where message_id = ? and direction = ? and partner = ?", Timestamp.from(at), receipt, messageId,
                Direction.OUTBOUND.name(), partner);
        if (updated != 1) {
            throw new IllegalStateException("no outbound copy of " + messageId + " for " + partner + " is stored");
        }
    }

    private void insert(Direction direction, String messageId, String partner, Summary summary, byte[] sealed,
            byte[] plaintext, byte[] receipt, String source) {
        jdbc.update("insert into message_store (message_id, direction, partner, message_type, stored_at, sealed,"
                + " plaintext_sealed, receipt, source, priority, classification, case_reference, sender)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", messageId, direction.name(),
                partner, summary.messageType(), Timestamp.from(clock.instant()), sealed,
                key.encrypt(plaintext, associatedData(messageId, direction, partner)), receipt, source,
                summary.priority(), summary.classification(), summary.caseReference(), summary.sender());
    }

    /** Every stored copy of a message (one per partner and direction), oldest first. */
    public List<StoredMessage> find(String messageId) {
        return find(messageId, partner -> true);
    }

    /** The stored copies of {@code messageId} for the partners {@code partners} accepts; no other is decrypted. */
    public List<StoredMessage> find(String messageId, Predicate<String> partners) {
        List<StoredMessage> found = new ArrayList<>();
        jdbc.query("select id, message_id, direction, partner, message_type, stored_at, sealed, plaintext_sealed,"
                + " receipt from message_store where message_id = ? order by id", (RowCallbackHandler) row -> {
                    String partner = row.getString("partner");
                    if (!partners.test(partner)) {
                        return;
                    }
                    Direction direction = Direction.valueOf(row.getString("direction"));
                    found.add(new StoredMessage(row.getLong("id"), messageId, direction, partner,
                            row.getString("message_type"), row.getTimestamp("stored_at").toInstant(),
                            row.getBytes("sealed"), key.decrypt(row.getBytes("plaintext_sealed"),
                                    associatedData(messageId, direction, partner)), row.getBytes("receipt")));
                }, messageId);
        return found;
    }

    private static String associatedData(String messageId, Direction direction, String partner) {
        return messageId + "|" + direction.name() + "|" + partner;
    }
}
