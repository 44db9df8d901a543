package fr.passerelle.gateway.store;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

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
    public void store(Direction direction, String messageId, String partner, String messageType, byte[] sealed,
            byte[] plaintext, byte[] receipt) {
        jdbc.update("insert into message_store (message_id, direction, partner, message_type, stored_at, sealed,"
                + " plaintext_sealed, receipt) values (?, ?, ?, ?, ?, ?, ?, ?)", messageId, direction.name(), partner,
                messageType, Timestamp.from(clock.instant()), sealed,
                key.encrypt(plaintext, associatedData(messageId, direction, partner)), receipt);
    }

    /** Every stored copy of a message (one per partner and direction), oldest first. */
    public List<StoredMessage> find(String messageId) {
        return jdbc.query("select id, message_id, direction, partner, message_type, stored_at, sealed, plaintext_sealed,"
                + " receipt from message_store where message_id = ? order by id", (row, n) -> {
                    Direction direction = Direction.valueOf(row.getString("direction"));
                    String partner = row.getString("partner");
                    return new StoredMessage(row.getLong("id"), messageId, direction, partner,
                            row.getString("message_type"), row.getTimestamp("stored_at").toInstant(),
                            row.getBytes("sealed"), key.decrypt(row.getBytes("plaintext_sealed"),
                                    associatedData(messageId, direction, partner)), row.getBytes("receipt"));
                }, messageId);
    }

    private static String associatedData(String messageId, Direction direction, String partner) {
        return messageId + "|" + direction.name() + "|" + partner;
    }
}
