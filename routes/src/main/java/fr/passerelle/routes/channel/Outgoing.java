package fr.passerelle.routes.channel;

/**
 * A sealed message on its way to a partner.
 *
 * @param messageId the envelope's messageId
 * @param partner the partner it is for
 * @param profile the security profile it was sealed with ({@code cms}, {@code xml}, ...), which tells its format
 * @param sealed the sealed bytes, exactly as queued in {@code partner.<p>.out}
 * @param priority its JMS priority (9 IMMEDIATE, 7 URGENT, 4 ROUTINE)
 */
public record Outgoing(String messageId, String partner, String profile, byte[] sealed, int priority) {

    /** The file name extension of this message's format. */
    public String extension() {
        return switch (profile) {
            case "cms" -> "p7m";
            case "xml" -> "xml";
            default -> "bin";
        };
    }
}
