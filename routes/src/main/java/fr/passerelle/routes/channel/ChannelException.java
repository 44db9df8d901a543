package fr.passerelle.routes.channel;

/** A message could not be handed over this time; trying again later may work. */
public class ChannelException extends RuntimeException {

    public ChannelException(String message) {
        super(message);
    }

    public ChannelException(String message, Throwable cause) {
        super(message, cause);
    }
}
