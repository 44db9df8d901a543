package fr.passerelle.gateway.store;

import java.util.List;

import org.springframework.stereotype.Component;

import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/**
 * The one way to show a stored message's content to a person: every display is audited with who looked at
 * which message, before the content is handed over. The console calls this, never the store directly.
 */
@Component
public class MessageViews {

    private final JdbcMessageStore store;
    private final AuditTrail audit;

    MessageViews(JdbcMessageStore store, AuditTrail audit) {
        this.store = store;
        this.audit = audit;
    }

    /** The stored copies of {@code messageId}, for {@code user}; the read is audited even when nothing is found. */
    public List<JdbcMessageStore.StoredMessage> view(String user, String messageId) {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("a message is shown to a named user only");
        }
        List<JdbcMessageStore.StoredMessage> copies = store.find(messageId);
        audit.record(messageId, AuditEvent.MESSAGE_READ, user, null,
                copies.isEmpty() ? "nothing stored" : copies.size() + " stored copies shown");
        return copies;
    }
}
