package fr.passerelle.routes.store;

/**
 * Keeps what was exchanged: the sealed bytes exactly as sent or received, and the plaintext envelope (which
 * implementations must encrypt at rest), for the console and for evidence.
 */
public interface MessageStore {

    /** Which way a message went. */
    enum Direction {
        OUTBOUND, INBOUND
    }

    /**
     * Stores one exchanged message. A failure to store fails the step that asked for it.
     *
     * @param partner the partner it was sent to or received from
     * @param receipt the signed receipt that went with it (ours for an inbound message), or null
     */
    void store(Direction direction, String messageId, String partner, String messageType, byte[] sealed,
            byte[] plaintext, byte[] receipt);
}
