package fr.passerelle.gateway.broker;

/** The embedded broker did not come up: it could not listen on its TCP port, or did not become active at all. */
public final class BrokerStartException extends RuntimeException {

    private final boolean portInUse;

    BrokerStartException(String message, boolean portInUse) {
        super(message);
        this.portInUse = portInUse;
    }

    /** Whether the broker's TCP port could not be bound. */
    public boolean portInUse() {
        return portInUse;
    }
}
