package fr.passerelle.routes.channel;

/**
 * What a partner's channel gave back for one message.
 *
 * @param detail a short description for the audit trail (where it went, what answered), never a secret
 * @param receipt the partner's signed receipt, verified, or null when the channel carries none
 */
public record Delivery(String detail, byte[] receipt) {

    public static Delivery withoutReceipt(String detail) {
        return new Delivery(detail, null);
    }
}
