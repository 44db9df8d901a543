package fr.passerelle.gateway.broker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** The embedded broker did not come up: it could not listen on its TCP port, or did not become active at all. */
public final class BrokerStartException extends RuntimeException {

    private final boolean portInUse;

    BrokerStartException(String message, boolean portInUse) {
        super(message);
        this.portInUse = portInUse;
    }

    /** The broker's address is taken. */
    static BrokerStartException portInUse(BrokerSettings settings) {
        return new BrokerStartException("the broker cannot listen on " + settings.host() + ":" + settings.port()
                + " (in use by another process?)", true);
    }

    /** Whether this process could listen on the broker's address now. */
    static boolean listenable(BrokerSettings settings) {
        try (ServerSocket probe = new ServerSocket(settings.port(), 1, InetAddress.getByName(settings.host()))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether the broker's TCP port could not be bound. */
    public boolean portInUse() {
        return portInUse;
    }
}
