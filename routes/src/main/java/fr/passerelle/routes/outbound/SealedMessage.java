package fr.passerelle.routes.outbound;

/** What leaves for one partner: the exact sealed bytes. */
public record SealedMessage(String partner, byte[] sealed) {
}
