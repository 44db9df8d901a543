package fr.passerelle.routes.store;

import java.time.Instant;
import java.util.Optional;

/**
 * Keeps what was exchanged: the sealed bytes exactly as sent or received, and the plaintext envelope (which
 * implementations must encrypt at rest), for the console and for evidence. It keeps one copy per direction,
 * messageId and partner: it is also what makes a redelivered message sealed once and delivered once.
 */
public interface MessageStore {

    /** Which way a message went. */
    enum Direction {
        OUTBOUND, INBOUND
    }

    /**
     * The envelope's header fields kept in clear beside a stored message, so that the console can search and list
     * without decrypting: never body content.
     *
     * @param messageType the envelope's messageType
     * @param priority its priority, or null
     * @param classification its classification, or null
     * @param caseReference its case reference, or null
     * @param sender its sender (a national service, or a partner or one of its services)
     */
    record Summary(String messageType, String priority, String classification, String caseReference, String sender) {

        /** A summary giving the message type only. */
        public static Summary ofType(String messageType) {
            return new Summary(messageType, null, null, null, null);
        }
    }

    /**
     * What is kept of one message for one partner, without its plaintext.
     *
     * @param sealed the sealed bytes as sent or received
     * @param receipt the signed receipt that went with it, or null
     * @param deliveredAt when the partner's channel took an outbound message, or null
     * @param source the broker's arrival id of the national message an outbound copy was sealed from, or null
     */
    record Copy(byte[] sealed, byte[] receipt, Instant deliveredAt, String source) {
    }

    /**
     * Stores one exchanged message, unless a copy for this direction, messageId and partner is already stored. A
     * failure to store fails the step that asked for it.
     *
     * @param partner the partner it was sent to or received from
     * @param summary the envelope's header fields, kept in clear for searching
     * @param receipt the signed receipt that went with it (ours for an inbound message), or null
     * @param source for an outbound message, the broker's arrival id of the national message it was sealed from,
     *     which tells a redelivery of that message from a second message under the same messageId; else null
     * @return true if stored, false if a copy was already there (the earlier copy is kept unchanged)
     */
    boolean store(Direction direction, String messageId, String partner, Summary summary, byte[] sealed,
            byte[] plaintext, byte[] receipt, String source);

    /** The copy stored for this direction, messageId and partner, if any. */
    Optional<Copy> copy(Direction direction, String messageId, String partner);

    /**
     * Records that the partner's channel took an outbound message, with the partner's signed receipt when the
     * channel returned one.
     */
    void delivered(String messageId, String partner, byte[] receipt, Instant at);
}
