package fr.passerelle.routes;

import java.util.function.BooleanSupplier;

import org.apache.camel.CamelContext;

/**
 * What the message flows need besides the broker: the database of the audit trail and the message store. While it
 * does not answer, every message a consumer takes would fail, roll back, and spend one of its delivery attempts,
 * until the broker quarantined it; so the consumers wait for it instead, each holding the message it took.
 */
public interface Availability {

    /** Never waits: for flows without a database, and for tests. */
    Availability ALWAYS = new Availability() {
        @Override
        public void awaitAvailable(BooleanSupplier stopping) {
            // nothing to wait for
        }

        @Override
        public boolean failed(Throwable failure) {
            return false; // nothing to watch
        }
    };

    /**
     * Returns at once while the database is not known to be down; otherwise waits until it answers again.
     *
     * @throws Unavailable when the gateway stops meanwhile: the message goes back to its queue
     */
    void awaitAvailable(BooleanSupplier stopping);

    /**
     * A step failed: when the failure says the database cannot be reached, the next messages wait for it.
     *
     * @return whether the failure said so
     */
    boolean failed(Throwable failure);

    /** Whether {@code context} is stopping or stopped: what a step that waits looks at, so as not to hold it up. */
    static boolean stopping(CamelContext context) {
        return context.isStopping() || context.isStopped();
    }

    /** The gateway stopped while waiting for the database. */
    final class Unavailable extends RuntimeException {

        public Unavailable(String message) {
            super(message);
        }
    }
}
