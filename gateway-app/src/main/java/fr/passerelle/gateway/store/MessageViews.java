package fr.passerelle.gateway.store;

import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

import fr.passerelle.routes.audit.AuditEvent;
import fr.passerelle.routes.audit.AuditTrail;

/**
 * The one way to show a stored message's content to a person: every display is audited with who looked at
 * which message, before the content is handed over. The console calls this, never the store directly.
 */
@Component
public class MessageViews {

    /** The longest messageId the audit trail holds. */
    private static final int MESSAGE_ID_LENGTH = 64;

    private final JdbcMessageStore store;
    private final AuditTrail audit;

    MessageViews(JdbcMessageStore store, AuditTrail audit) {
        this.store = store;
        this.audit = audit;
    }

    /** The stored copies of {@code messageId}, for {@code user}; the read is audited even when nothing is found. */
    public List<JdbcMessageStore.StoredMessage> view(String user, String messageId) {
        return view(user, messageId, partner -> true);
    }

    /**
     * The stored copies of {@code messageId} for the partners {@code desk} accepts, for {@code user}: the others are
     * not decrypted. The read is audited, naming the partners whose copies were shown, even when none was.
     */
    public List<JdbcMessageStore.StoredMessage> view(String user, String messageId, Predicate<String> desk) {
        named(user);
        List<JdbcMessageStore.StoredMessage> copies = store.find(messageId, desk);
        String partners = copies.stream().map(JdbcMessageStore.StoredMessage::partner).distinct()
                .collect(Collectors.joining(", "));
        audit.record(messageId, AuditEvent.MESSAGE_READ, user, null,
                copies.isEmpty() ? "nothing stored" : copies.size() + " stored copies shown (" + partners + ")");
        return copies;
    }

    /**
     * Audits that {@code user} asked for {@code messageId} and was shown nothing, and why. The identifier comes from
     * the address bar: it is kept printable and cut to the audit trail's 64 characters, saying so.
     */
    public void refused(String user, String messageId, String why) {
        named(user);
        String printable = messageId == null ? "" : messageId.replaceAll("\\P{Print}", "?");
        String kept = printable.length() > MESSAGE_ID_LENGTH ? printable.substring(0, MESSAGE_ID_LENGTH) : printable;
        audit.record(kept, AuditEvent.MESSAGE_READ_REFUSED, user, null, why
                + (kept.equals(messageId) ? "" : "; the messageId asked for (" + printable.length()
                        + " characters) is kept here printable, in its first " + kept.length()));
    }

    private static void named(String user) {
        if (user == null || user.isBlank()) {
            throw new IllegalArgumentException("a message is shown to a named user only");
        }
    }
}
